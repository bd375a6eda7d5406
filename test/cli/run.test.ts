/**
 * `kopf run` as a process: the exit codes and messages of what goes wrong before an operator can run.
 * The operator files are written to a temporary directory per test run; they import kopf-ts by its
 * file URL, as a file outside this repository cannot name the package.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const kopfEntry = pathToFileURL(join(repositoryRoot, 'src/index.ts')).href;

// Each test starts the CLI, which compiles and loads the engine: seconds each, more on a busy machine.
const processTimeoutMs = 60_000;
const slow = { timeout: processTimeoutMs + 5_000 };

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/kopf.js <args>` to its end. */
function kopf(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repositoryRoot, 'bin/kopf.js'), ...args],
      { cwd: repositoryRoot, env: { ...process.env, ...env }, timeout: processTimeoutMs },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

let dir: string;

/** Writes a file under the test directory and returns its path. */
function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopf-ts-run-'));
  // Operator code is ES modules, as in any project with "type": "module".
  write('package.json', JSON.stringify({ type: 'module' }));
});

describe('kopf run: operator code that cannot load exits with 1', slow, () => {
  it('names a missing file', async () => {
    const missing = join(dir, 'missing.ts');
    const exit = await kopf(['run', '-A', missing]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe(`kopf: no such operator file: ${missing}\n`);
  });

  it('names the file and the place of a syntax error', async () => {
    const file = write('syntax.ts', 'export const broken = ;\n');
    const exit = await kopf(['run', '-A', file]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`kopf: cannot load ${file}: `);
    expect(exit.stderr).toContain(`${file}:1:22`);
  });

  it('places a syntax error of a CommonJS file too', async () => {
    const file = write('commonjs/syntax.ts', 'const broken = ;\n');
    write('commonjs/package.json', JSON.stringify({ type: 'commonjs' }));
    const exit = await kopf(['run', '-A', file]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`kopf: cannot load ${file}: `);
    expect(exit.stderr).toContain(`(${file}:1)`);
  });

  it('says how to load an ES module that was taken for CommonJS', async () => {
    const file = write('commonjs/esm.ts', `import * as kopf from '${kopfEntry}';\nkopf.on.create('x', function createFn() {});\n`);
    const exit = await kopf(['run', '-A', file]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`kopf: cannot load ${file}: `);
    expect(exit.stderr).toContain('the file was loaded as CommonJS: name it .mts, or set "type": "module" in the package.json beside it');
  });

  it('names the file and the registration a handler without an id fails', async () => {
    const file = write('nameless.ts', `import * as kopf from '${kopfEntry}';\nkopf.on.create('x', () => {});\n`);
    const exit = await kopf(['run', '-A', file]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(new RegExp(`^kopf: cannot load ${file}: kopf\\.on\\.create\\("x"\\): the handler has no name`));
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  });

  it('shows the stack of a load error with -v', async () => {
    const file = write('throwing.ts', 'throw new RangeError("no operator today");\n');
    const exit = await kopf(['run', '-A', '-v', file]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`kopf: cannot load ${file}: no operator today`);
    expect(exit.stderr).toMatch(/^RangeError: no operator today\n\s+at .*throwing\.ts/m);
  });
});

describe('kopf run: usage errors exit with 2', slow, () => {
  it('without files and modules', async () => {
    const exit = await kopf(['run', '-A']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('error: nothing to run: give operator files or -m modules');
  });

  it('with -A and -n together', async () => {
    const exit = await kopf(['run', '-A', '-n', 'default', 'operator.ts']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('error: -A/--all-namespaces and -n/--namespace cannot be used together');
  });

  it('with an unknown option', async () => {
    const exit = await kopf(['run', '--bogus', 'operator.ts']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain("error: unknown option '--bogus'");
  });
});

describe('kopf run: an operator that fails for good exits with 1', slow, () => {
  // A kubeconfig that names no cluster: the operator fails when it connects.
  const env = () => ({ KUBECONFIG: write('empty-kubeconfig.yaml', 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n') });
  const operatorFile = () => write('operator.ts', `import * as kopf from '${kopfEntry}';\nkopf.on.create('kopfexamples', function createFn() {});\n`);

  it('with the message only', async () => {
    const exit = await kopf(['run', '-A', operatorFile()], env());
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/^kopf: .*has no cluster/m);
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  });

  it('with the stack when -v is given', async () => {
    const exit = await kopf(['run', '-A', '-v', operatorFile()], env());
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/^kopf: .*has no cluster/m);
    expect(exit.stderr).toMatch(/^\s+at /m);
  });
});

describe('kopf run --embedded', slow, () => {
  it('serves the operator from a cluster in its own process, says how to reach it, and exits with 0 on SIGINT', async () => {
    const file = write('embedded.ts', `import * as kopf from '${kopfEntry}';\nkopf.on.create('kopfexamples', function createFn() {});\n`);
    const child = spawn(process.execPath, [join(repositoryRoot, 'bin/kopf.js'), 'run', '--embedded', '-A', '--standalone', '-v', file], { cwd: repositoryRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('Client is configured')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await Promise.race([started, exited]);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const kubeconfig = /^Kubeconfig: (\S+)$/m.exec(stdout)?.[1];
    expect(stdout).toMatch(/^Embedded Kubernetes API server \(v1\.32\) at https:\/\/127\.0\.0\.1:\d+, ready in \d+ ms\.$/m);
    expect(stdout).toContain(`Try: kubectl --kubeconfig ${kubeconfig} get kopfexamples`);
    expect(stderr).toContain('Client is configured via kubeconfig file.');
    expect(stderr).toContain('Signal SIGINT is received. Operator is stopping.');
  });
});
