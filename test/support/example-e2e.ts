/**
 * Kopf-style end-to-end runs of the examples (kopf-features §19.2): a cluster (embedded or real, as
 * `KOPF_TS_TEST_BACKEND` says), the examples' CRD applied with kubectl, `kopf run -A --standalone
 * --verbose <example>` as a child process, then the object created and deleted with kubectl while
 * the operator's output is watched, and finally SIGINT. Every wait has a deadline and ends as soon
 * as the awaited line appears; a deadline passed fails the run with the output so far.
 *
 * `runExample()` does the run (in `beforeAll`) and returns what was seen; `itBehavesLikeKopfExample()`
 * adds the checks Kopf's e2e test makes on every example. Expectations live in each example's test.
 * `watchProcess()` is the output watching alone, for examples that run as programs of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster } from '../../src/kits/testing/start-cluster.ts';
import type { KubeObject, TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { kubectlFor, type KubectlResult } from './kubectl.ts';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The object a run creates and deletes with kubectl. */
export interface ExampleObject {
  /** The kubectl arguments that create it, e.g. `['run', 'kopf-pod-1', '--image', 'busybox']`. */
  create: string[];
  /** Its resource as kubectl names it: `kex`, `pod` … */
  resource: string;
  name: string;
  namespace: string;
}

/** The KopfExample of `examples/obj.yaml`, which Kopf's e2e test creates and deletes for every example. */
export const kopfExampleObject: ExampleObject = {
  create: ['apply', '-f', join(repositoryRoot, 'examples/obj.yaml')],
  resource: 'kex',
  name: 'kopf-example-1',
  namespace: 'default',
};

/** How one example is driven. */
export interface ExampleScenario {
  /** The example's operator file, relative to the repository root. */
  file: string;
  /** More arguments of `kopf run`, after `-A --standalone --verbose`, e.g. `['--liveness', url]`. */
  args?: string[];
  /**
   * The embedded cluster's pod simulation (`startCluster()`'s options of the same names): off by default,
   * so pods stay Pending. The real backend has no kubelet and ignores them.
   */
  cluster?: { runPods?: boolean; timeScale?: number };
  /** The object to create and delete (default: the KopfExample of `examples/obj.yaml`). */
  object?: ExampleObject;
  /** The line that says the operator has started (default: `Client is configured`). */
  startupWords?: RegExp;
  /** The line that says creation is handled, e.g. `Creation is processed:`. */
  creationWords: RegExp;
  /**
   * When the created object counts as handled, judged on `kubectl get -o json` (polled after the
   * creation words, since the cycle's patch is sent after its last line). Default: at once.
   */
  handledWhen?: (object: KubeObject) => boolean;
  /** Steps between creation and deletion, e.g. a patch of the object and a wait for its handling. */
  afterCreation?: (run: ExampleRun) => Promise<void>;
  /**
   * The line that says deletion is handled (default: `Deleted, really deleted`); `null` when no line
   * does, and `kubectl delete` returning (it waits until the object is gone) is enough.
   */
  deletionWords?: RegExp | null;
  /** Milliseconds each wait may take (default 20 s). */
  waitMs?: number;
  /** Run `kopf` from the compiled dist/ as users do (built beforehand), not from src/ as the tests do. */
  compiled?: boolean;
}

/** What a run saw; read it in the tests, after `beforeAll`. */
export interface ExampleRun {
  cluster: TestCluster;
  kubectl: (args: string[], input?: string) => Promise<KubectlResult>;
  /** Everything the operator printed so far, stdout and stderr interleaved as they came. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects at the deadline or when the operator exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Runs kubectl and fails with its output unless it exits with 0. */
  kubectlOk(args: string[]): Promise<string>;
  /** The object the run created and deleted. */
  object: ExampleObject;
  /** `kubectl get <object> -o json` once the object counted as handled. */
  created: KubeObject;
  /** How the operator exited after SIGINT. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

/**
 * True once the operator stored the object's essence (`kopf.zalando.org/last-handled-configuration`),
 * which it does with the last patch of a fully handled cause.
 */
export function essenceStored(object: KubeObject): boolean {
  const annotations = object.metadata?.annotations as Record<string, string> | undefined;
  return annotations?.['kopf.zalando.org/last-handled-configuration'] !== undefined;
}

/** The output of one regular expression's first group, counted: `{ createFn: 1 }`. */
export function countMatches(output: string, pattern: RegExp): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of output.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))) counts[match[1]] = (counts[match[1]] ?? 0) + 1;
  return counts;
}

// Anchored at the start of a log message (after the object prefix), so that the same words quoted
// inside a logged body (a progress record in a debug line) do not count. Every kind of handler counts,
// as in Kopf's test: `Handler`, `Activity`, `Daemon`, `Timer`, `Indexer`.

/** Handler ids by how often they succeeded. */
export const succeededCounts = (output: string) => countMatches(output, /(?:^|\] )(?:Handler|Activity|Daemon|Timer|Indexer) '(.+?)' succeeded/m);

/** Handler ids by how often they failed for good (not counting retried or ignored errors). */
export const failedCounts = (output: string) =>
  countMatches(output, /(?:^|\] )(?:Handler|Activity|Daemon|Timer|Indexer) '(.+?)' failed (?:permanently|with an exception and will stop)/m);

/** Stack lines of logged errors (`    at fn (file:line:col)`). */
export const stackLines = (output: string) => output.match(/^[ \t]+at .*$/gm) ?? [];

/**
 * The messages of the log lines (in the `full` format) that match `pattern`, without the time, logger,
 * level and object prefix: short enough to compare whole, and to read when a comparison fails.
 */
export function messagesMatching(output: string, pattern: RegExp): string[] {
  const head = /^\[[^\]]*\] \S+\s+\[\w+\s*\] (?:\[[^\]]*\] )?/;
  return output
    .split('\n')
    .filter((line) => head.test(line))
    .map((line) => line.replace(head, ''))
    .filter((message) => pattern.test(message));
}

/** A child process whose output (stdout and stderr, interleaved as they come) is collected and awaited. */
export interface WatchedProcess {
  /** Everything printed so far. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects at the deadline or when the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves when the process has exited; false if it still runs after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<boolean>;
}

/** Starts collecting a spawned process's output; call it right after `spawn()`, before any output can arrive. */
export function watchProcess(child: ChildProcess, name: string): WatchedProcess {
  let output = '';
  // Collect before any waiter listens, so each waiter's check sees the chunk it was woken by.
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output)) return;
        finish();
        resolve();
      };
      const onExit = () => {
        finish();
        reject(new Error(`the ${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; its output:\n${output}`));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`the ${name} did not print ${pattern} within ${timeoutMs} ms; its output:\n${output}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        child.off('exit', onExit);
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', onExit);
      check();
      if (hasExited()) onExit();
    });
  const waitForExit = async (timeoutMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const stopped = await Promise.race([exited.then(() => true), deadline]);
    clearTimeout(timer);
    return stopped;
  };
  return { output: () => output, waitForOutput, waitForExit };
}

/**
 * Runs the example in `beforeAll` (one operator process, one object's life) and stops everything in
 * `afterAll`, whatever happened. The returned function gives the run to the tests.
 */
export function runExample(scenario: ExampleScenario): () => ExampleRun {
  const waitMs = scenario.waitMs ?? 20_000;
  const object = scenario.object ?? kopfExampleObject;
  let cluster: TestCluster | undefined;
  let child: ChildProcess | undefined;
  let run: ExampleRun | undefined;

  beforeAll(async () => {
    cluster = await startCluster(scenario.cluster);
    const kubeconfigPath = cluster.kubeconfigPath;
    const kubectl = kubectlFor(kubeconfigPath);
    const kubectlOk = async (args: string[]) => {
      const result = await kubectl(args);
      if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited with ${result.code}: ${result.stderr}${result.stdout}`);
      return result.stdout;
    };
    await kubectlOk(['apply', '-f', join(repositoryRoot, 'examples/crd.yaml')]);
    await kubectlOk(['wait', '--for', 'condition=Established', '--timeout', '30s', 'crd/kopfexamples.kopf.dev']);

    const operator = spawn(process.execPath, ['bin/kopf.js', 'run', '-A', '--standalone', '--verbose', scenario.file, ...(scenario.args ?? [])], {
      cwd: repositoryRoot,
      env: { ...(scenario.compiled ? compiledPackageEnv() : process.env), KUBECONFIG: kubeconfigPath },
    });
    child = operator;
    const watched = watchProcess(operator, 'operator');
    const waitForOutput = (pattern: RegExp, timeoutMs = waitMs) => watched.waitForOutput(pattern, timeoutMs);

    const partial = { cluster, kubectl, kubectlOk, waitForOutput, output: watched.output, object };
    await waitForOutput(scenario.startupWords ?? /Client is configured/);
    await kubectlOk(object.create);
    await waitForOutput(scenario.creationWords);
    const created = await waitForObject(kubectlOk, object, scenario.handledWhen ?? (() => true), waitMs);
    run = { ...partial, created, exitCode: null, exitSignal: null };
    await scenario.afterCreation?.(run);
    await kubectlOk(['delete', object.resource, object.name, '-n', object.namespace]);
    if (scenario.deletionWords !== null) await waitForOutput(scenario.deletionWords ?? /Deleted, really deleted/);

    operator.kill('SIGINT');
    if (!(await watched.waitForExit(waitMs))) throw new Error(`the operator did not exit within ${waitMs} ms of SIGINT; its output:\n${watched.output()}`);
    run.exitCode = operator.exitCode;
    run.exitSignal = operator.signalCode;
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cluster?.stop();
  });

  return () => {
    if (!run) throw new Error('the example did not run (see the error of beforeAll)');
    return run;
  };
}

/** The environment of this process without the `kopf-ts-source` condition (vitest.config.ts): `kopf-ts` is dist/. */
export function compiledPackageEnv(): NodeJS.ProcessEnv {
  const nodeOptions = (process.env.NODE_OPTIONS ?? '').replace('--conditions=kopf-ts-source', '').trim();
  return { ...process.env, NODE_OPTIONS: nodeOptions };
}

/** Polls the example's object until `handled` says so; returns the last one seen. */
async function waitForObject(kubectlOk: (args: string[]) => Promise<string>, object: ExampleObject, handled: (object: KubeObject) => boolean, waitMs: number): Promise<KubeObject> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const seen = JSON.parse(await kubectlOk(['get', object.resource, object.name, '-n', object.namespace, '-o', 'json'])) as KubeObject;
    if (handled(seen) || Date.now() > deadline) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What Kopf's e2e test checks on an example, from what the example registers. */
export interface KopfExpectations {
  /** It has an `on.create` handler: `Creation is in progress:` must appear. */
  creation: boolean;
  /**
   * It has a mandatory `on.delete` handler: the finalizer is added and deletion is handled. `'spawning'`:
   * only its daemons or timers need the finalizer (to be stopped before the object goes), so it is added
   * and removed, with no deletion handlers to run.
   */
  finalizer: boolean | 'spawning';
  /** It has create/update/delete handlers: `Deleted, really deleted` must appear. */
  changing: boolean;
  /** Exact success counts of these ids (others are not checked); default: every id that succeeded did so exactly once. */
  successCounts?: Record<string, number>;
  /** Exact failure counts of these ids (others are not checked); default: no failures at all. */
  failureCounts?: Record<string, number>;
  /** Logged stacks are expected (errors with their stack). */
  allowStacks?: boolean;
}

/** Adds Kopf's generic e2e checks, as tests of the current `describe`. */
export function itBehavesLikeKopfExample(run: () => ExampleRun, expected: KopfExpectations): void {
  const prefix = () => `[${run().object.namespace}/${run().object.name}]`;

  it('exits with 0 after SIGINT', () => {
    expect({ code: run().exitCode, signal: run().exitSignal }).toEqual({ code: 0, signal: null });
  });

  if (expected.finalizer === 'spawning') {
    it('adds the finalizer for its daemons or timers, and removes it when they stopped', () => {
      expect(run().output()).toContain(`${prefix()} Adding the finalizer`);
      expect(run().output()).toContain(`${prefix()} Removing the finalizer`);
      expect(run().output()).not.toContain('Deletion is in progress:');
    });
  } else if (expected.finalizer) {
    it('adds the finalizer and handles the deletion', () => {
      expect(run().output()).toContain(`${prefix()} Adding the finalizer`);
      expect(run().output()).toContain(`${prefix()} Deletion is in progress:`);
    });
  } else {
    it('adds no finalizer', () => {
      expect(run().output()).not.toContain('Adding the finalizer');
      expect(run().created.metadata?.finalizers).toBeUndefined();
    });
  }

  if (expected.creation) {
    it('handles the creation', () => {
      expect(run().output()).toContain(`${prefix()} Creation is in progress:`);
    });
  }

  if (expected.changing) {
    it('is notified of the object being gone', () => {
      expect(run().output()).toContain(`${prefix()} Deleted, really deleted`);
    });
  }

  if (!expected.allowStacks) {
    it('logs no stacks', () => {
      expect(stackLines(run().output())).toEqual([]);
    });
  }

  it(expected.successCounts ? `counts successes as ${JSON.stringify(expected.successCounts)}` : 'runs each handler to success exactly once', () => {
    const counts = succeededCounts(run().output());
    if (expected.successCounts) {
      const checked = Object.fromEntries(Object.entries(counts).filter(([id]) => id in expected.successCounts!));
      expect(checked).toEqual(expected.successCounts);
    } else {
      expect(Object.keys(counts).length).toBeGreaterThan(0);
      expect(new Set(Object.values(counts))).toEqual(new Set([1]));
    }
  });

  it(expected.failureCounts ? `counts failures as ${JSON.stringify(expected.failureCounts)}` : 'has no handler failing for good', () => {
    const counts = failedCounts(run().output());
    if (expected.failureCounts) {
      const checked = Object.fromEntries(Object.entries(counts).filter(([id]) => id in expected.failureCounts!));
      expect(checked).toEqual(expected.failureCounts);
    } else {
      expect(counts).toEqual({});
    }
  });
}
