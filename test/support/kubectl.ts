import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const kubectlPath = process.env.KUBECTL ?? '/usr/bin/kubectl';
/** Real kubectl is the independent client that proves the cluster; without it those tests skip visibly. */
export const hasKubectl = existsSync(kubectlPath);
if (!hasKubectl) console.warn(`kubectl not found at ${kubectlPath}: the kubectl conformance tests are skipped`);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs real kubectl against a kubeconfig, with its own cache directory so runs never share discovery caches. */
export function kubectlFor(kubeconfigPath: string) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kopf-ts-kubectl-'));
  return (args: string[], input?: string, timeoutMs = 20_000): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        kubectlPath,
        ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args],
        { timeout: timeoutMs, env: { ...process.env, HOME: cacheDir, KUBECONFIG: kubeconfigPath } },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin!.end(input);
    });
}

/** Starts a long-running kubectl (e.g. `get -w`) whose output the test reads as it comes. */
export function spawnKubectl(kubeconfigPath: string, args: string[]) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kopf-ts-kubectl-'));
  const child = spawn(kubectlPath, ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args], {
    env: { ...process.env, HOME: cacheDir, KUBECONFIG: kubeconfigPath },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return { output: () => output, stop: () => child.kill() };
}
