import { EmbeddedCluster, type EmbeddedClusterOptions } from '../../cluster/cluster.ts';
import { startRealControlPlane } from './real-control-plane.ts';
import { httpHelpers, type TestCluster } from './test-cluster.ts';

export interface StartClusterOptions extends EmbeddedClusterOptions {
  /**
   * `embedded` (default): the in-process API server. `real`: etcd +
   * kube-apiserver + kube-controller-manager from `KUBEBUILDER_ASSETS` or the
   * cache of `scripts/control-plane/build`. `KOPF_TS_TEST_BACKEND` sets the
   * default for a whole test run.
   */
  backend?: 'embedded' | 'real';
}

/** The backend a test run uses unless a test asks for one: `KOPF_TS_TEST_BACKEND`, else embedded. */
export function defaultBackend(): 'embedded' | 'real' {
  return process.env.KOPF_TS_TEST_BACKEND === 'real' ? 'real' : 'embedded';
}

/**
 * Starts a cluster for a test: the embedded API server (milliseconds, with
 * fault injection) or a real control plane (seconds; the referee for the
 * embedded one). Both come with the same helpers; call `stop()` when done.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  const backend = options.backend ?? defaultBackend();
  if (backend === 'real') {
    const real = await startRealControlPlane();
    const helpers = httpHelpers({ url: real.url, token: real.token, caPem: real.caPem });
    return {
      ...helpers,
      backend,
      url: real.url,
      kubeconfig: real.kubeconfig,
      kubeconfigPath: real.kubeconfigPath,
      faults: undefined,
      settle: async () => {},
      stop: async () => {
        await helpers.close();
        await real.stop();
      },
    };
  }
  const cluster = await EmbeddedCluster.start(options);
  const helpers = httpHelpers({ url: cluster.url, token: cluster.token, caPem: cluster.caPem });
  return {
    ...helpers,
    backend,
    url: cluster.url,
    kubeconfig: cluster.kubeconfig,
    kubeconfigPath: cluster.kubeconfigPath,
    faults: cluster.faults,
    settle: () => cluster.settle(),
    stop: async () => {
      await helpers.close();
      await cluster.stop();
    },
  };
}
