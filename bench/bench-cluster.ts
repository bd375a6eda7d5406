/**
 * The API server the operator benchmarks run against, outside this process so that the load generator,
 * the server and the operator under test each have their own CPU account: the embedded cluster
 * (`kopf cluster --http`, a child process) or the real control plane (etcd, kube-apiserver and
 * kube-controller-manager, built once per machine by `scripts/control-plane/build`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startRealControlPlane } from '../src/kits/testing/real-control-plane.ts';

/** A running API server for a benchmark. */
export interface BenchCluster {
  backend: 'embedded' | 'real';
  /** A kubeconfig with admin rights, for every client of the run. */
  kubeconfigPath: string;
  /** The pid of the API server process (kube-apiserver on the real backend). */
  serverPid: number;
  stop(): Promise<void>;
}

async function startEmbedded(): Promise<BenchCluster> {
  const command = [process.execPath, 'bin/kopf.js', 'cluster', '--http', '--port', '0'];
  const argv = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', ...command] : command;
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const kubeconfigPath = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk) => {
      text += chunk;
      const found = /^Kubeconfig: (.+)$/m.exec(text)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the embedded cluster exited with ${code} before it was ready`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    backend: 'embedded',
    kubeconfigPath,
    serverPid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function startReal(): Promise<BenchCluster> {
  const plane = await startRealControlPlane();
  return { backend: 'real', kubeconfigPath: plane.kubeconfigPath, serverPid: plane.pids.kubeApiserver, stop: () => plane.stop() };
}

/** Starts the embedded cluster, or the real control plane with `real`. */
export function startBenchCluster(real: boolean): Promise<BenchCluster> {
  return real ? startReal() : startEmbedded();
}
