/**
 * One operator under benchmark as a child process: its stdout lines timestamped as they arrive, its
 * process tree watched for CPU and memory from the moment it is spawned, and a stop that waits for it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { TreeMonitor } from './process-tree.ts';

/** A line of the contender's stdout and when it arrived (`process.hrtime`, ns). */
export interface TimedLine {
  text: string;
  at: bigint;
}

/** A running contender. */
export interface Contender {
  readonly name: string;
  readonly pid: number;
  /** When it was spawned (`process.hrtime`, ns). */
  readonly spawnedAt: bigint;
  readonly monitor: TreeMonitor;
  /** Calls `listener` for every stdout line from now on. */
  onLine(listener: (line: TimedLine) => void): void;
  /** The first stdout line from now on that matches; rejects when the contender ends first or after the timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<TimedLine>;
  /** Writes a line to its stdin. */
  send(line: string): void;
  /** Rejects when the contender ends before `stop()` is called, with the end of its stderr; never settles otherwise. */
  readonly failed: Promise<never>;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const stderrLinesKept = 40;

/**
 * Spawns a contender. Under util-linux's setpriv (which execs the command, keeping the pid) the kernel
 * kills it if this process dies, so no operator outlives a benchmark that crashed.
 */
export function startContender(name: string, command: string[], env: Record<string, string> = {}): Contender {
  const argv = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', ...command] : command;
  const spawnedAt = process.hrtime.bigint();
  const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: cannot run ${command[0]}`);
  const monitor = new TreeMonitor(child.pid);
  const listeners = new Set<(line: TimedLine) => void>();
  createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (text) => {
    const line = { text, at: process.hrtime.bigint() };
    for (const listener of listeners) listener(line);
  });
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (text) => {
    stderrTail.push(text.length > 300 ? `${text.slice(0, 300)} …` : text);
    if (stderrTail.length > stderrLinesKept) stderrTail.shift();
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const failed = exited.then((): Promise<never> => {
    if (stopping) return new Promise<never>(() => {});
    throw new Error(`${name} ended (exit code ${child.exitCode}, signal ${child.signalCode}); its last lines of stderr:\n${stderrTail.join('\n')}`);
  });
  // Without a handler, a contender that ends during a phase that does not wait on `failed` would crash the run.
  failed.catch(() => {});

  return {
    name,
    pid: child.pid,
    spawnedAt,
    monitor,
    onLine: (listener) => void listeners.add(listener),
    waitForLine(pattern, timeoutMs = 120_000) {
      let listener!: (line: TimedLine) => void;
      let timer!: NodeJS.Timeout;
      const found = new Promise<TimedLine>((resolve, reject) => {
        listener = (line) => pattern.test(line.text) && resolve(line);
        listeners.add(listener);
        timer = setTimeout(() => reject(new Error(`${name} printed no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
      });
      return Promise.race([found, failed]).finally(() => {
        listeners.delete(listener);
        clearTimeout(timer);
      });
    },
    send: (line) => void child.stdin!.write(`${line}\n`),
    failed,
    async stop(graceMs = 20_000) {
      stopping = true;
      monitor.stop();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(kill);
    },
  };
}
