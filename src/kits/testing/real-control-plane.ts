import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { createServingCertificates, type ServingCertificates } from '../../core/certificates.ts';
import { findControlPlaneBinaries, type ControlPlaneBinaries } from './real-binaries.ts';
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  type ControlPlaneFiles,
  type ControlPlanePorts,
} from './real-flags.ts';
import { kubeconfigYaml } from '../../core/kubeconfig.ts';
import { freeLoopbackPorts } from './real-ports.ts';
import { ComponentExitedError, startComponent, type ComponentProcess } from './real-process.ts';
import { assertAllRunning, probeStatus, waitUntilReady } from './real-readiness.ts';

export { findControlPlaneBinaries, type ControlPlaneBinaries };

/** A running kube-apiserver + etcd (+ kube-controller-manager) on loopback, and how to reach it as an admin. */
export interface RealControlPlane {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** A bearer token of an admin (a user in `system:masters`). */
  token: string;
  /** The CA that signed the apiserver's serving certificate. */
  caPem: string;
  /** Kubeconfig YAML: cluster, user and context all named "kopf-ts", with certificate-authority-data and the token. */
  kubeconfig: string;
  /** Where `kubeconfig` was written, inside the run's temporary directory. */
  kubeconfigPath: string;
  /** Whether kube-controller-manager runs (garbage collection, namespace deletion, default ServiceAccounts). */
  controllerManager: boolean;
  /** The process ids of the components, e.g. to check that they are gone after `stop()`. */
  pids: { etcd: number; kubeApiserver: number; kubeControllerManager?: number };
  /** SIGTERMs each process (controller manager, apiserver, etcd), SIGKILLs any left after a timeout, removes the temp dir. */
  stop(): Promise<void>;
}

/** Options of {@link startRealControlPlane}. */
export interface RealControlPlaneOptions {
  /**
   * Run kube-controller-manager too. Default: true when its binary was found (envtest's assets lack it).
   * Asking for it explicitly where it is missing is an error.
   */
  controllerManager?: boolean;
}

// Starting takes about 6 s on an idle 2-core machine; the margin is for loaded CI machines.
const startTimeoutMs = 45_000;
const stopGraceMs = 5_000;
// A port we picked can be taken by another process before the component binds it; then the whole start is
// repeated with new ports.
const startAttempts = 3;

/** The credentials that every start attempt of one call shares. */
interface Credentials {
  certificates: ServingCertificates;
  serviceAccountKeys: { publicKey: string; privateKey: string };
  token: string;
}

function writeFiles(dir: string, credentials: Credentials, url: string): { files: ControlPlaneFiles; kubeconfig: string } {
  const secret = { mode: 0o600 };
  const files: ControlPlaneFiles = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'serving.crt'),
    servingKey: join(dir, 'serving.key'),
    serviceAccountPublicKey: join(dir, 'service-account.pub'),
    serviceAccountPrivateKey: join(dir, 'service-account.key'),
    tokenFile: join(dir, 'tokens.csv'),
    kubeconfig: join(dir, 'kubeconfig.yaml'),
    etcdDataDir: join(dir, 'etcd-data'),
  };
  const { certificates, serviceAccountKeys, token } = credentials;
  writeFileSync(files.caCert, certificates.caCert);
  writeFileSync(files.caKey, certificates.caKey, secret);
  writeFileSync(files.servingCert, certificates.cert);
  writeFileSync(files.servingKey, certificates.key, secret);
  writeFileSync(files.serviceAccountPublicKey, serviceAccountKeys.publicKey);
  writeFileSync(files.serviceAccountPrivateKey, serviceAccountKeys.privateKey, secret);
  writeFileSync(files.tokenFile, `${token},kopf-ts-admin,kopf-ts-admin,"system:masters"\n`, secret);
  const kubeconfig = kubeconfigYaml({ url, token, caPem: certificates.caCert });
  writeFileSync(files.kubeconfig, kubeconfig, secret);
  mkdirSync(files.etcdDataDir, { mode: 0o700 });
  return { files, kubeconfig };
}

async function stopAll(components: ComponentProcess[]): Promise<void> {
  // Dependents first, so that none of them spends its last seconds failing to reach what was stopped before it.
  for (const component of [...components].reverse()) await component.stop(stopGraceMs);
}

async function startOnce(
  binaries: ControlPlaneBinaries,
  credentials: Credentials,
  withControllerManager: boolean,
  lastAttempt: boolean,
  triedPorts: Set<number>,
): Promise<RealControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'kopf-ts-control-plane-'));
  const picked = await freeLoopbackPorts(withControllerManager ? 4 : 3, triedPorts);
  for (const port of picked) triedPorts.add(port);
  const [etcdClient, etcdPeer, apiserver, controllerManager] = picked;
  const ports: ControlPlanePorts = { etcdClient, etcdPeer, apiserver, controllerManager };
  const url = `https://127.0.0.1:${ports.apiserver}`;
  const { files, kubeconfig } = writeFiles(dir, credentials, url);
  const { token, certificates } = credentials;
  const deadline = Date.now() + startTimeoutMs;
  const agent = new Agent({ connect: { ca: certificates.caCert } });
  const components: ComponentProcess[] = [];
  const start = (name: string, binary: string, args: string[]): ComponentProcess => {
    const component = startComponent(name, binary, args, join(dir, `${name}.log`));
    components.push(component);
    return component;
  };
  const answers = async (target: string, authenticated = true): Promise<boolean> =>
    (await probeStatus(target, { dispatcher: agent, token: authenticated ? token : undefined })) === 200;

  try {
    const etcd = start('etcd', binaries.etcd, etcdArgs(`kopf-ts-${randomBytes(4).toString('hex')}`, files, ports));
    await waitUntilReady('etcd', () => answers(`http://127.0.0.1:${ports.etcdClient}/health`, false), components, deadline);

    const kubeApiserver = start('kube-apiserver', binaries.kubeApiserver, apiserverArgs(files, ports, withControllerManager));
    await waitUntilReady('kube-apiserver /readyz', () => answers(`${url}/readyz`), components, deadline);
    // The apiserver creates the default namespaces asynchronously, after it reports ready.
    await waitUntilReady('the default namespace', () => answers(`${url}/api/v1/namespaces/default`), components, deadline);

    let kubeControllerManager: ComponentProcess | undefined;
    if (withControllerManager && binaries.kubeControllerManager) {
      kubeControllerManager = start('kube-controller-manager', binaries.kubeControllerManager, controllerManagerArgs(files, ports));
      const healthz = `https://127.0.0.1:${ports.controllerManager}/healthz`;
      await waitUntilReady('kube-controller-manager /healthz', () => answers(healthz, false), components, deadline);
      await waitUntilReady(
        'the default ServiceAccount',
        () => answers(`${url}/api/v1/namespaces/default/serviceaccounts/default`),
        components,
        deadline,
      );
    }
    // A port taken by another server can answer a probe meant for ours while ours exits on the clash.
    assertAllRunning(components);

    let stopping: Promise<void> | undefined;
    return {
      url,
      token,
      caPem: certificates.caCert,
      kubeconfig,
      kubeconfigPath: files.kubeconfig,
      controllerManager: kubeControllerManager !== undefined,
      pids: { etcd: etcd.pid, kubeApiserver: kubeApiserver.pid, kubeControllerManager: kubeControllerManager?.pid },
      stop() {
        stopping ??= stopAll(components).then(() => rmSync(dir, { recursive: true, force: true }));
        return stopping;
      },
    };
  } catch (error) {
    await stopAll(components);
    if (error instanceof ComponentExitedError && error.portWasTaken && !lastAttempt) {
      rmSync(dir, { recursive: true, force: true });
    } else if (error instanceof Error) {
      error.message += `\n(the logs and files of this start are kept in ${dir})`;
    }
    throw error;
  } finally {
    await agent.close();
  }
}

/**
 * Starts etcd, kube-apiserver and (by default) kube-controller-manager on free loopback ports, with fresh
 * certificates, an admin token and a kubeconfig, and waits until they serve: the apiserver is ready and the
 * `default` namespace exists, and with the controller manager the `default` ServiceAccount exists too.
 * The processes get SIGTERM when the calling process dies. Fails with the end of the component logs when a
 * component exits early or the start times out; binaries come from {@link findControlPlaneBinaries}.
 */
export async function startRealControlPlane(options: RealControlPlaneOptions = {}): Promise<RealControlPlane> {
  const binaries = findControlPlaneBinaries();
  if (!binaries) {
    throw new Error(
      'no control-plane binaries found: run scripts/control-plane/build (once per machine, about 8 minutes cold) ' +
        'or set KUBEBUILDER_ASSETS to a directory of envtest binaries',
    );
  }
  if (options.controllerManager === true && !binaries.kubeControllerManager) {
    throw new Error(
      `no kube-controller-manager in ${binaries.source}: add one there, unset KUBEBUILDER_ASSETS to use the ` +
        'binaries of scripts/control-plane/build, or start with { controllerManager: false }',
    );
  }
  const withControllerManager = options.controllerManager ?? binaries.kubeControllerManager !== undefined;
  const credentials: Credentials = {
    certificates: await createServingCertificates({
      hosts: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
      ips: ['127.0.0.1'],
    }),
    serviceAccountKeys: generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }),
    token: randomBytes(32).toString('hex'),
  };
  // A start after a clash picks ports none of the earlier attempts used.
  const triedPorts = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binaries, credentials, withControllerManager, attempt === startAttempts, triedPorts);
    } catch (error) {
      const portClash = error instanceof ComponentExitedError && error.portWasTaken;
      if (!portClash || attempt === startAttempts) throw error;
    }
  }
}
