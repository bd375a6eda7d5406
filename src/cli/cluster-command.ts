import type { Command } from 'commander';

/** Parses a TCP port option: an integer in 0–65535 (0 picks a free port). */
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer between 0 and 65535, not "${value}"`);
  return port;
}

/** Parses `--time-scale`: a positive factor for simulated durations. */
function parseTimeScale(value: string): number {
  const factor = Number(value);
  if (!Number.isFinite(factor) || factor <= 0) throw new Error(`--time-scale must be a positive number, not "${value}"`);
  return factor;
}

/** `kopf cluster`: the embedded API server on its own, for kubectl and any client. */
export function registerClusterCommand(program: Command): void {
  program
    .command('cluster')
    .description('run the embedded Kubernetes API server until interrupted')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--address <address>', 'address to listen on', '127.0.0.1')
    .option('--kubeconfig <path>', 'where to write the kubeconfig (default: a temporary file)')
    .option('--http', 'serve plain HTTP without authentication (loopback only)', false)
    .option('--no-run-pods', 'do not schedule and run pods (no kubelet, scheduler or workload controllers)')
    .option('--time-scale <factor>', 'real seconds per simulated second of running pods (0.01: a 10 s back-off takes 100 ms)', parseTimeScale, 1)
    .action(async (options: { port: number; address: string; kubeconfig?: string; http: boolean; runPods: boolean; timeScale: number }) => {
      const started = Date.now();
      // The cluster loads only for this command: `kopf run` and `--help` need none of it.
      const [{ EmbeddedCluster }, { stopYoungGenerationGrowth }] = await Promise.all([import('../cluster/cluster.ts'), import('../cluster/young-generation.ts')]);
      // This process runs the cluster alone, so its memory settings are the cluster's to choose.
      stopYoungGenerationGrowth();
      const cluster = await EmbeddedCluster.start({
        port: options.port,
        address: options.address,
        kubeconfigPath: options.kubeconfig,
        http: options.http,
        runPods: options.runPods,
        timeScale: options.timeScale,
      });
      console.log(`Embedded Kubernetes API server (v1.32) at ${cluster.url}, ready in ${Date.now() - started} ms.`);
      console.log(`Kubeconfig: ${cluster.kubeconfigPath}`);
      console.log(`Try: kubectl --kubeconfig ${cluster.kubeconfigPath} get namespaces`);
      if (options.runPods) console.log(`Pods run in simulation on node kopf-ts-node, at time scale ${options.timeScale} (see docs/embedded-cluster.md).`);
      console.log(`Fault injection: POST ${cluster.url}/_kopf/faults (see docs/embedded-cluster.md). Stop with Ctrl+C.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await cluster.stop();
    });
}
