/**
 * `OperatorRunner`: an operator running in the background of the test process, against a cluster — for
 * tests that create objects and then look at what the operator did and logged. It is Kopf's
 * `KopfRunner`, without the thread: the operator shares the test's event loop, so handlers can be
 * awaited and inspected like any other code of the test.
 */
import type { Logger } from 'pino';
import type { NamespacePattern } from '../../core/namespace-patterns.ts';
import { createLogger, type LogFormat, type LogLevel } from '../../engine/logging.ts';
import { operator, type OperatorOptions } from '../../engine/operator.ts';
import { Registry } from '../../registry/registry.ts';
import type { OperatorSettings } from '../../registry/settings.ts';
import { loadOperatorCode } from './operator-loading.ts';
import type { TestCluster } from './test-cluster.ts';

/** What to run and how; everything is optional. */
export interface OperatorRunnerOptions {
  /** Operator files (`.ts`/`.js`, relative to the working directory), loaded as `kopf run` loads them. */
  files?: readonly string[];
  /** Modules (package names or paths), loaded after the files, as `kopf run -m` does. */
  modules?: readonly string[];
  /**
   * The handlers. The files and modules register into it when given, else into a fresh registry of
   * this runner. With neither a registry nor code to load, the default registry (`kopf.on.*` of the
   * test's own modules) is served.
   */
  registry?: Registry;
  /**
   * Runs the operator instead of `kopf.operator()`: gets the runner's stop signal and the options the
   * runner would have run `kopf.operator()` with (its logger, connection, registry, `onReady` …). Pass
   * them on — `(signal, options) => kopf.operator({ ...options, memo })` — since `start()` waits for
   * `onReady`.
   */
  operator?: (signal: AbortSignal, options: OperatorOptions) => Promise<void>;
  /** The cluster to talk to (a `startCluster()` result, or any kubeconfig file); default: the current kubeconfig context or in-cluster config. */
  cluster?: Pick<TestCluster, 'kubeconfigPath'>;
  /** The command line's scope flags: `-A`, `-n`, `--standalone`. */
  args?: { clusterwide?: boolean; namespaces?: NamespacePattern[]; standalone?: boolean };
  /** The operator's settings; Kopf's defaults otherwise. */
  settings?: OperatorSettings;
  /** Default `debug`, as `kopf run --verbose`: tests see everything. */
  logLevel?: LogLevel;
  /** Default `full`, as `kopf run`. */
  logFormat?: LogFormat;
}

/** Options of `stop()`. */
export interface OperatorRunnerStopOptions {
  /** Throw the error the operator failed with (default `true`); it is thrown once, by `start()` or `stop()`. */
  reraise?: boolean;
  /** Give up waiting after this long, with an error saying the operator is still running; default: wait. */
  timeoutMs?: number;
}

/** How a run ended. */
export interface OperatorRunnerOutcome {
  /** 0 after a graceful stop, 1 after a failure (as `kopf run`); undefined if the runner never started. */
  exitCode: number | undefined;
  /** What the operator failed with, if it failed. */
  error: unknown;
}

interface LineWaiter {
  pattern: RegExp;
  resolve: (line: string) => void;
  reject: (error: Error) => void;
}

/**
 * Runs an operator in the background of the current process:
 *
 * ```ts
 * await using runner = new OperatorRunner({ files: ['operator.ts'], cluster, args: { clusterwide: true } });
 * await runner.start();
 * await cluster.apply(manifest);
 * await runner.waitForLine(/Handler 'createFn' succeeded/);
 * ```
 *
 * A runner runs once. Every log line of the operator is collected in `lines` and `output`.
 */
export class OperatorRunner implements AsyncDisposable {
  /** Every log line so far, oldest first. */
  readonly lines: string[] = [];
  readonly #options: OperatorRunnerOptions;
  /** The operator's root logger: every line goes to `lines`. */
  readonly #logger: Logger;
  readonly #stopping = new AbortController();
  readonly #waiters = new Set<LineWaiter>();
  #ended: Promise<void> | undefined;
  #exitCode: number | undefined;
  #error: unknown;
  #errorReported = false;

  constructor(options: OperatorRunnerOptions = {}) {
    this.#options = options;
    this.#logger = createLogger({
      level: options.logLevel ?? 'debug',
      format: options.logFormat ?? 'full',
      output: { write: (text: string) => this.#collect(text) },
    });
  }

  /** Every log line so far, as text. */
  get output(): string {
    return this.lines.map((line) => `${line}\n`).join('');
  }

  /** 0 after a graceful stop, 1 after a failure; undefined while it runs (or before it starts). */
  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  /** What the operator failed with, if it failed. */
  get error(): unknown {
    return this.#error;
  }

  /**
   * Loads the operator code and starts the operator; resolves once it serves its resources (its
   * `onReady`). Rejects with the error it failed to start with: code that cannot be loaded, a failed
   * startup handler.
   */
  async start(): Promise<void> {
    if (this.#ended) throw new Error('This OperatorRunner has been started already: a runner runs once.');
    let ready!: () => void;
    const readiness = new Promise<'ready'>((resolve) => (ready = () => resolve('ready')));
    this.#ended = this.#run(ready).then(
      () => this.#end(0, undefined),
      (error: unknown) => this.#end(1, error),
    );
    const first = await Promise.race([readiness, this.#ended.then(() => 'ended' as const)]);
    if (first === 'ready') return;
    if (this.exitCode === 1) {
      this.#errorReported = true;
      throw this.error;
    }
    throw new Error('The operator stopped before it was ready.');
  }

  /**
   * Resolves with the first line (so far or to come) that matches; rejects when none did within the
   * time, or when the operator ended without one — the error shows what it logged.
   */
  waitForLine(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const found = this.lines.find((line) => matches(line, pattern));
    if (found !== undefined) return Promise.resolve(found);
    if (this.exitCode !== undefined) return Promise.reject(this.#noLine(pattern, 'the operator has ended'));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(this.#noLine(pattern, `none within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: LineWaiter = {
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /**
   * Stops the operator gracefully and resolves with how it ended, once it has. Re-throws what it failed
   * with (unless `reraise: false`, or `start()` threw it already). Stopping a runner that has ended or
   * never started just reports that.
   */
  async stop(options: OperatorRunnerStopOptions = {}): Promise<OperatorRunnerOutcome> {
    const ended = this.#ended;
    if (!ended) return { exitCode: undefined, error: undefined };
    if (this.exitCode === undefined && !this.#stopping.signal.aborted) {
      this.#logger.info('Stop-flag is raised. Operator is stopping.');
      this.#stopping.abort();
    }
    if (options.timeoutMs === undefined) {
      await ended;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
      const first = await Promise.race([ended.then(() => 'ended' as const), timeout]);
      clearTimeout(timer);
      if (first === 'timeout') throw new Error(`The operator didn't stop, still running (waited ${options.timeoutMs} ms).`);
    }
    if (this.exitCode === 1 && options.reraise !== false && !this.#errorReported) {
      this.#errorReported = true;
      throw this.error;
    }
    return { exitCode: this.exitCode, error: this.error };
  }

  /** `await using runner = …`: stops the runner at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #run(onReady: () => void): Promise<void> {
    const { files = [], modules = [], args = {}, cluster, settings } = this.#options;
    let registry = this.#options.registry;
    if (files.length > 0 || modules.length > 0) {
      registry ??= new Registry();
      await loadOperatorCode(registry, files, modules);
    }
    const options: OperatorOptions = {
      ...(registry ? { registry } : {}),
      ...(settings ? { settings } : {}),
      ...(args.clusterwide !== undefined ? { clusterwide: args.clusterwide } : {}),
      ...(args.namespaces ? { namespaces: args.namespaces } : {}),
      ...(args.standalone !== undefined ? { standalone: args.standalone } : {}),
      ...(cluster ? { connection: { kubeconfig: cluster.kubeconfigPath } } : {}),
      logger: this.#logger,
      signal: this.#stopping.signal,
      onReady,
    };
    if (this.#options.operator) await this.#options.operator(this.#stopping.signal, options);
    else await operator(options);
  }

  #end(exitCode: number, error: unknown): void {
    this.#exitCode = exitCode;
    this.#error = error;
    for (const waiter of this.#waiters) waiter.reject(this.#noLine(waiter.pattern, 'the operator has ended'));
    this.#waiters.clear();
  }

  #collect(text: string): void {
    for (const line of text.replace(/\n$/, '').split('\n')) {
      this.lines.push(line);
      for (const waiter of this.#waiters) {
        if (!matches(line, waiter.pattern)) continue;
        this.#waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  }

  #noLine(pattern: RegExp, why: string): Error {
    return new Error(`No log line matches ${pattern}: ${why}. The operator logged:\n${this.output}`);
  }
}

/** Whether the line matches; `search` ignores the `lastIndex` that `test` keeps for global patterns. */
function matches(line: string, pattern: RegExp): boolean {
  return line.search(pattern) >= 0;
}
