import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { childOfEndedParent, isRunning, onPath } from '../../../test/support/orphans.ts';
import { findKopf, kopfInstallDir, startKopf, type KopfProcess } from './real-kopf.ts';

let dir: string;
const started: KopfProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopf-ts-real-kopf-test-'));
});

afterEach(async () => {
  for (const kopf of started.splice(0)) await kopf.stop(100);
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

function script(path: string, body: string, mode = 0o755): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode });
  return path;
}

/** A completed install of scripts/kopf/install under a cache root, with a stand-in kopf executable. */
function fakeInstall(root: string, options: { marker?: boolean; mode?: number } = {}): string {
  const bin = join(root, 'kopf-1.45.2', 'venv', 'bin');
  mkdirSync(bin, { recursive: true });
  if (options.marker ?? true) writeFileSync(join(root, 'kopf-1.45.2', 'installed'), 'kopf, version 1.45.2\n');
  return script(join(bin, 'kopf'), 'exit 0', options.mode);
}

describe('findKopf', () => {
  it('takes KOPF_TS_KOPF as given', () => {
    expect(findKopf({ KOPF_TS_KOPF: '/opt/kopf/bin/kopf', KOPF_TS_CACHE_DIR: dir })).toBe('/opt/kopf/bin/kopf');
  });

  it('finds the virtualenv of a completed install under KOPF_TS_CACHE_DIR', () => {
    const kopf = fakeInstall(dir);
    expect(findKopf({ KOPF_TS_CACHE_DIR: dir })).toBe(kopf);
  });

  it('looks under XDG_CACHE_HOME without KOPF_TS_CACHE_DIR', () => {
    const kopf = fakeInstall(join(dir, 'kopf-ts'));
    expect(findKopf({ XDG_CACHE_HOME: dir })).toBe(kopf);
    expect(findKopf({ XDG_CACHE_HOME: dir, KOPF_TS_CACHE_DIR: join(dir, 'elsewhere') })).toBeUndefined();
  });

  it('ignores an interrupted install and a kopf that is not executable', () => {
    fakeInstall(join(dir, 'interrupted'), { marker: false });
    fakeInstall(join(dir, 'not-executable'), { mode: 0o644 });
    expect(findKopf({ KOPF_TS_CACHE_DIR: join(dir, 'interrupted') })).toBeUndefined();
    expect(findKopf({ KOPF_TS_CACHE_DIR: join(dir, 'not-executable') })).toBeUndefined();
  });

  it('answers undefined when nothing is installed', () => {
    expect(findKopf({ KOPF_TS_CACHE_DIR: dir })).toBeUndefined();
  });
});

describe('kopfInstallDir', () => {
  it('defaults to ~/.cache/kopf-ts/kopf-<version>', () => {
    expect(kopfInstallDir({})).toBe(join(homedir(), '.cache', 'kopf-ts', 'kopf-1.45.2'));
  });
});

describe('startKopf', () => {
  const cluster = { kubeconfigPath: '/tmp/some-kubeconfig.yaml' };

  /** Starts a stand-in for kopf: a shell script with the given body. */
  function fake(body: string, options: { args?: string[]; env?: Record<string, string> } = {}): KopfProcess {
    const kopf = startKopf({ cluster, file: 'operator.py', kopf: script(join(dir, 'kopf'), body), ...options });
    started.push(kopf);
    return kopf;
  }

  const echoAndWait = `echo "args: $*"; echo "kubeconfig: $KUBECONFIG"; echo "greeting: $GREETING" >&2
trap 'echo "interrupted"; exit 0' INT
echo ready
while :; do sleep 0.05; done`;

  it('runs `kopf run --verbose <args> <file>` with the kubeconfig and the environment, and collects both streams', async () => {
    const kopf = fake(echoAndWait, { args: ['--standalone', '-n', 'ns1'], env: { GREETING: 'hello' } });
    await kopf.waitForLine(/^ready$/);
    await kopf.waitForLine(/^greeting: /);
    expect(kopf.matching(/^args: /)).toEqual(['args: run --verbose --standalone -n ns1 operator.py']);
    expect(kopf.lines).toContain('kubeconfig: /tmp/some-kubeconfig.yaml');
    expect(kopf.lines).toContain('greeting: hello');
    expect(kopf.pid).toBeGreaterThan(0);
  });

  it('serves all namespaces standalone unless told otherwise', async () => {
    const kopf = fake(echoAndWait);
    expect(await kopf.waitForLine(/^args: /)).toBe('args: run --verbose --standalone --all-namespaces operator.py');
  });

  it('waits for a line still to come', async () => {
    const kopf = fake('sleep 0.2; echo "Starting the watch-stream"; exec sleep 30');
    expect(kopf.matching(/watch-stream/)).toEqual([]);
    expect(await kopf.waitForLine(/watch-stream/, 5_000)).toBe('Starting the watch-stream');
  });

  it('is gone at once when killed, even with a child of its own holding its output open', async () => {
    const kopf = fake('echo started; sleep 30');
    await kopf.waitForLine(/^started$/);
    const began = Date.now();
    // Killed by a signal (which one depends on how fast the shell reacts to SIGINT), and promptly.
    expect((await kopf.stop(100)).code).toBeNull();
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it('stops Kopf with SIGINT, its graceful stop', async () => {
    const kopf = fake(echoAndWait);
    await kopf.waitForLine(/^ready$/);
    expect(await kopf.stop()).toEqual({ code: 0, signal: null });
    expect(kopf.lines.at(-1)).toBe('interrupted');
    expect(kopf.exit).toEqual({ code: 0, signal: null });
  });

  it('kills Kopf when SIGINT does not stop it within the grace time', async () => {
    const kopf = fake(`trap '' INT; echo stubborn; while :; do sleep 0.05; done`);
    await kopf.waitForLine(/^stubborn$/);
    const began = Date.now();
    expect(await kopf.stop(300)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
  });

  it('fails a wait when Kopf exits without the line, with its last lines', async () => {
    const kopf = fake('echo "Unresolved resources cannot be served"; exit 1');
    await expect(kopf.waitForLine(/watch-stream/)).rejects.toThrow(
      /kopf exited with code 1 before writing a line matching \/watch-stream\/; its last lines:\n {4}Unresolved resources cannot be served/,
    );
    await expect(kopf.waitForLine(/anything/)).rejects.toThrow(/exited with code 1/);
  });

  it('fails a wait at its deadline', async () => {
    const kopf = fake('echo quiet; exec sleep 30');
    await kopf.waitForLine(/quiet/);
    await expect(kopf.waitForLine(/never/, 200)).rejects.toThrow(/kopf wrote no line matching \/never\/ within 200 ms; its last lines:\n {4}quiet/);
  });

  it('says how to install Kopf when there is none', () => {
    vi.stubEnv('KOPF_TS_KOPF', '');
    vi.stubEnv('KOPF_TS_CACHE_DIR', dir);
    expect(() => startKopf({ cluster, file: 'operator.py' })).toThrow(/Kopf 1\.45\.2 is not installed: run `bash scripts\/kopf\/install`/);
  });

  it('refuses a kopf that cannot be executed', () => {
    const kopf = script(join(dir, 'kopf'), 'exit 0', 0o644);
    expect(() => startKopf({ cluster, file: 'operator.py', kopf })).toThrow(/is not an executable file/);
  });

  /** Runs a parent process that starts a stand-in Kopf, prints its pid and then ends as `ending` says. */
  async function orphanAfterParent(ending: string): Promise<number> {
    const kopf = script(join(dir, 'kopf'), 'echo ready; while :; do sleep 0.05; done');
    const module = fileURLToPath(new URL('./real-kopf.ts', import.meta.url));
    return childOfEndedParent(
      join(dir, 'parent.ts'),
      `import { startKopf } from ${JSON.stringify(module)};\n` +
        `const kopf = startKopf({ cluster: { kubeconfigPath: 'none' }, file: 'x.py', kopf: ${JSON.stringify(kopf)} });\n` +
        `kopf.waitForLine(/ready/).then(() => {\n` +
        `  console.log(kopf.pid);\n` +
        `  ${ending}\n` +
        `});\n`,
    );
  }

  it('ends Kopf when the test process exits', async () => {
    expect(isRunning(await orphanAfterParent('process.exit(0);'))).toBe(false);
  });

  // Only the kernel's parent-death signal covers a parent that is killed outright.
  it.skipIf(!onPath('setpriv'))('ends Kopf when the test process is killed', async () => {
    expect(isRunning(await orphanAfterParent("process.kill(process.pid, 'SIGKILL');"))).toBe(false);
  });
});
