import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How a component process ended. */
export interface ComponentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running binary of the control plane (etcd, kube-apiserver or kube-controller-manager). */
export interface ComponentProcess {
  name: string;
  pid: number;
  /** The file that receives the process's stdout and stderr. */
  logPath: string;
  /** Set once the process has ended. */
  readonly exit: ComponentExit | undefined;
  /** SIGTERM, then SIGKILL when it is still running after `graceMs`; resolves once the process is gone. */
  stop(graceMs: number): Promise<void>;
}

/** A component ended while the control plane was starting. */
export class ComponentExitedError extends Error {
  /** Whether it failed because one of its ports was taken after we picked it. */
  readonly portWasTaken: boolean;

  constructor(readonly component: ComponentProcess) {
    const { code, signal } = component.exit ?? { code: null, signal: null };
    super(
      `${component.name} exited during start (${signal ?? `code ${code}`}); the end of ${component.logPath}:\n` +
        logTail(component.logPath),
    );
    this.name = 'ComponentExitedError';
    // Read now: the log may be deleted with its directory before anyone asks.
    this.portWasTaken = readLog(component.logPath).includes('address already in use');
  }
}

function readLog(logPath: string): string {
  try {
    return readFileSync(logPath, 'utf8');
  } catch {
    return '';
  }
}

/** The last `lines` lines of a component's log, indented for error messages. */
export function logTail(logPath: string, lines = 25): string {
  const text = readLog(logPath).trimEnd();
  if (text === '') return '    (empty)';
  return text
    .split('\n')
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

let setprivPath: string | null | undefined;

/** util-linux's setpriv, which makes the kernel signal a child when its parent dies; null where it is missing. */
function setpriv(): string | null {
  if (setprivPath === undefined) setprivPath = findOnPath('setpriv') ?? null;
  return setprivPath;
}

// Without setpriv, children are killed from an 'exit' listener instead: that covers a normal exit of the test
// process, though not a SIGKILL of it.
const unguardedChildren = new Set<ChildProcess>();

function killUnguardedChildren(): void {
  for (const child of unguardedChildren) child.kill('SIGKILL');
}

function guardWithExitListener(child: ChildProcess): void {
  if (unguardedChildren.size === 0) process.on('exit', killUnguardedChildren);
  unguardedChildren.add(child);
  child.once('exit', () => {
    unguardedChildren.delete(child);
    if (unguardedChildren.size === 0) process.off('exit', killUnguardedChildren);
  });
}

/**
 * Starts a control-plane binary with its output going to `logPath`. It receives SIGTERM when this process dies,
 * so no test run leaves servers behind.
 */
export function startComponent(name: string, binary: string, args: string[], logPath: string): ComponentProcess {
  const log = openSync(logPath, 'a');
  const guard = setpriv();
  let child: ChildProcess;
  try {
    child = guard
      ? spawn(guard, ['--pdeathsig', 'TERM', '--', binary, ...args], { stdio: ['ignore', log, log] })
      : spawn(binary, args, { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  if (!guard) guardWithExitListener(child);

  let exit: ComponentExit | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
    // A binary that cannot be executed at all is reported here rather than by 'exit'.
    child.once('error', () => {
      exit ??= { code: null, signal: null };
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${binary} cannot be executed`);
  const pid = child.pid;

  return {
    name,
    pid,
    logPath,
    get exit() {
      return exit;
    },
    async stop(graceMs) {
      if (exit) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
