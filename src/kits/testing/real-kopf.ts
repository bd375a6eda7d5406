/**
 * The real Kopf (Python) beside kopf-ts in tests: where `scripts/kopf/install` put it, and a child process of
 * `kopf run` against a test cluster whose output lines can be waited on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestCluster } from './test-cluster.ts';

/** The Kopf release that `scripts/kopf/install` installs. Keep it in step with that script. */
export const kopfVersion = '1.45.2';

/** The command that installs Kopf, for messages. */
export const installKopfCommand = 'bash scripts/kopf/install';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The directory where `scripts/kopf/install` keeps Kopf: `<root>/kopf-<version>`, the root being
 * `$KOPF_TS_CACHE_DIR`, else `$XDG_CACHE_HOME/kopf-ts`, else `~/.cache/kopf-ts`.
 */
export function kopfInstallDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.KOPF_TS_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kopf-ts');
  return join(root, `kopf-${kopfVersion}`);
}

/**
 * The path of the `kopf` executable: `$KOPF_TS_KOPF` as given (an explicit choice is never second-guessed),
 * else the virtualenv of `scripts/kopf/install` once that install has completed. Undefined when neither.
 */
export function findKopf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KOPF_TS_KOPF) return env.KOPF_TS_KOPF;
  const dir = kopfInstallDir(env);
  const kopf = join(dir, 'venv', 'bin', 'kopf');
  // The script writes `installed` last: a virtualenv without it is the leftover of an interrupted install.
  return isFile(join(dir, 'installed')) && isExecutableFile(kopf) ? kopf : undefined;
}

/** How to run Kopf: see {@link startKopf}. */
export interface StartKopfOptions {
  /** The cluster to serve; Kopf gets its kubeconfig through `KUBECONFIG`. */
  cluster: Pick<TestCluster, 'kubeconfigPath'>;
  /** The operator's Python file. */
  file: string;
  /** The options of `kopf run` before the file. Default `['--standalone', '--all-namespaces']`. */
  args?: string[];
  /** Environment variables for Kopf, over this process's own. */
  env?: Record<string, string>;
  /** The `kopf` executable. Default: {@link findKopf}. */
  kopf?: string;
}

/** How a Kopf process ended: the exit code, or the signal that killed it. */
export interface KopfExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `kopf run`. */
export interface KopfProcess {
  /** Undefined when the process could not be started at all (its `exit` and `lines` then say why). */
  readonly pid: number | undefined;
  /** Every line Kopf has written so far, stdout and stderr interleaved as they arrived. */
  readonly lines: readonly string[];
  /** Set once the process has ended and its output is read to the end. */
  readonly exit: KopfExit | undefined;
  /** The lines so far that match a pattern. */
  matching(pattern: RegExp): string[];
  /**
   * Resolves with the first line matching the pattern, already written or still to come. Rejects after
   * `timeoutMs` (default 20 s), or when Kopf exits without writing one; the error carries Kopf's last lines.
   */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGINT (Kopf's graceful stop), then SIGKILL after `graceMs` (default 10 s); resolves once it is gone. */
  stop(graceMs?: number): Promise<KopfExit>;
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutableFile(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

// Without util-linux's setpriv, Kopf is killed from an 'exit' listener instead: that covers a normal exit of the
// test process, though not a SIGKILL of it.
const unguarded = new Set<ChildProcess>();

function killUnguarded(): void {
  for (const child of unguarded) child.kill('SIGKILL');
}

function guardWithExitListener(child: ChildProcess): void {
  if (unguarded.size === 0) process.on('exit', killUnguarded);
  unguarded.add(child);
  child.once('close', () => {
    unguarded.delete(child);
    if (unguarded.size === 0) process.off('exit', killUnguarded);
  });
}

// How long the output of an ended Kopf may take to arrive.
const pipeDrainMs = 1_000;

// Kopf logs every event with the whole object; error messages show only the end of each line.
const shownLines = 30;
const shownLineLength = 400;

function lastLines(lines: readonly string[]): string {
  if (lines.length === 0) return '    (no output)';
  return lines
    .slice(-shownLines)
    .map((line) => `    ${line.length > shownLineLength ? `${line.slice(0, shownLineLength)} …` : line}`)
    .join('\n');
}

function describeExit(exit: KopfExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * Starts `kopf run --verbose <args> <file>` against the cluster, as a child process that the kernel kills when
 * this process dies (through setpriv's parent-death signal where available). `--verbose` makes Kopf log each
 * step of its handling, which is what tests wait on. Throws when no Kopf is installed.
 */
export function startKopf(options: StartKopfOptions): KopfProcess {
  const kopf = options.kopf ?? findKopf();
  if (!kopf) {
    throw new Error(`Kopf ${kopfVersion} is not installed: run \`${installKopfCommand}\` (or set KOPF_TS_KOPF to a kopf executable)`);
  }
  if (!isExecutableFile(kopf)) throw new Error(`cannot run Kopf: ${kopf} is not an executable file`);
  const command = [kopf, 'run', '--verbose', ...(options.args ?? ['--standalone', '--all-namespaces']), options.file];
  const env = {
    ...process.env,
    KUBECONFIG: options.cluster.kubeconfigPath,
    // Python buffers stdout in blocks when it is a pipe; lines must arrive as they are written.
    PYTHONUNBUFFERED: '1',
    ...options.env,
  };
  const setpriv = findOnPath('setpriv');
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', ...command], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!setpriv) guardWithExitListener(child);

  const lines: string[] = [];
  // A file that cannot be executed after all (say, a script whose interpreter is gone) ends here, then in 'close'.
  child.once('error', (error) => lines.push(`could not start ${kopf}: ${error.message}`));
  const waiters = new Set<{ check: (line: string) => void; fail: (exit: KopfExit) => void }>();
  let exit: KopfExit | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      lines.push(line);
      for (const waiter of waiters) waiter.check(line);
    });
  }
  // 'close' comes after both pipes are drained, so `lines` is complete once `exit` is set. A process that Kopf
  // started could hold the pipes open after Kopf is gone; they are closed from this side a moment later.
  child.once('exit', () => {
    setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
    }, pipeDrainMs).unref();
  });
  const closed = new Promise<KopfExit>((resolve) => {
    child.once('close', (code, signal) => {
      exit = { code, signal };
      for (const waiter of waiters) waiter.fail(exit);
      resolve(exit);
    });
  });

  const matching = (pattern: RegExp) => lines.filter((line) => pattern.test(line));

  return {
    pid: child.pid,
    lines,
    get exit() {
      return exit;
    },
    matching,
    waitForLine(pattern, timeoutMs = 20_000) {
      const found = matching(pattern)[0];
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const waiter = {
          check(line: string) {
            if (!pattern.test(line)) return;
            finish();
            resolve(line);
          },
          fail(ended: KopfExit) {
            finish();
            reject(new Error(`kopf ${describeExit(ended)} before writing a line matching ${pattern}; its last lines:\n${lastLines(lines)}`));
          },
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`kopf wrote no line matching ${pattern} within ${timeoutMs} ms; its last lines:\n${lastLines(lines)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        if (exit) waiter.fail(exit);
        else waiters.add(waiter);
      });
    },
    async stop(graceMs = 10_000) {
      if (exit) return exit;
      child.kill('SIGINT');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const ended = await closed;
      clearTimeout(killTimer);
      return ended;
    },
  };
}
