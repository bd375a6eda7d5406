/**
 * Daemons and timers of one object: long-running handlers spawned when the object first matches,
 * seeing its latest state, stopped when it is deleted, stops matching, or the operator exits. A daemon
 * runs until it returns (or fails for good) and is then never restarted for that object in this
 * process; a timer runs every `interval` (aligned with `sharp`), after `idle` seconds without essential
 * changes, or both. Each run's result and `patch` are written right after the run.
 *
 * Stopping is cooperative (JS cannot cancel a running function): `stopped` is raised and its signal
 * aborted; a daemon that does not exit keeps the object's finalizer, checked again every
 * `cancellationPolling` seconds — unless its `cancellationTimeout` passes, after which it is left
 * orphaned and the object released.
 */
import type { Logger } from 'pino';
import type { JsonObject } from '../core/field-path.ts';
import type { Outcome } from '../core/handler-outcome.ts';
import { ObjectPatch } from '../core/object-patch.ts';
import type { Resource } from '../core/resource-selector.ts';
import { handlerTitle, type DaemonHandler, type SpawningHandler, type TimerHandler } from '../registry/handlers.ts';
import { applyPatch, touchObject, type WriteTarget } from './application.ts';
import { attemptMembers, liveView, objectMembers } from './contexts.ts';
import { DaemonStopper } from './daemon-stopper.ts';
import { runAttempt } from './execution.ts';
import { runInScope } from './handling-scope.ts';
import { localLogger, postableLogger } from './object-logging.ts';
import type { ObjectMemory } from './object-memory.ts';
import type { OperatorRuntime } from './runtime.ts';

interface Running {
  readonly handler: SpawningHandler;
  readonly stopper: DaemonStopper;
  readonly done: Promise<void>;
  finished: boolean;
  /** When it was asked to stop (epoch ms), and which stopping lines were logged. */
  stopRequestedMs?: number;
  readonly said: Set<string>;
}

function zeroTimeCycles(count: number): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < count; i++) chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return chain;
}

/** The daemons and timers of one object. */
export class ObjectDaemons {
  readonly #running = new Map<string, Running>();
  /** Daemons that exited on their own (or failed for good), and timers that ran once: never respawned. */
  readonly #exited = new Set<string>();
  #body: JsonObject;
  #lastChangeMs: number;
  #changed?: () => void;
  #changedPromise?: Promise<void>;
  #deleting = false;
  /** Shut down with the operator (or its pause): nothing starts any more. */
  #closed = false;
  /** A cycle is stopping the daemons for deletion right now: it sees their exit itself, no wake-up needed. */
  #stoppingInCycle = false;
  /** The last adjustment's context: a daemon that finishes stopping may have to start again. */
  #lastContext?: () => unknown;

  constructor(
    private readonly runtime: OperatorRuntime,
    private readonly resource: Resource,
    private readonly memory: ObjectMemory,
    body: JsonObject,
  ) {
    this.#body = body;
    this.#lastChangeMs = runtime.now();
  }

  /** Whether any daemon or timer still runs (stopping ones included). */
  get active(): boolean {
    return this.#running.size > 0;
  }

  /** The ids the finalizer need not be kept for: those exited for good and, during deletion, all but the still running. */
  exclusions(): Set<string> {
    if (!this.#deleting) return new Set(this.#exited);
    const ids = this.runtime.registry.handlersOf('daemon', this.resource).map((handler) => handler.id);
    ids.push(...this.runtime.registry.handlersOf('timer', this.resource).map((handler) => handler.id));
    return new Set(ids.filter((id) => !this.#running.has(id)));
  }

  /**
   * Brings the daemons in line with the object's newest state: spawns the matching ones, stops those
   * that no longer match, and during deletion stops them all. Resolves with the seconds until the
   * stopping ones should be checked again (empty when none keeps the object).
   */
  async adjust(body: JsonObject, options: { deleting: boolean; changed: boolean; context: () => unknown }): Promise<number[]> {
    this.#body = body;
    if (options.changed) {
      this.#lastChangeMs = this.runtime.now();
      this.#changed?.();
    }
    this.#deleting = options.deleting;
    this.#lastContext = options.context;
    if (options.deleting) return this.#stopForDeletion();
    const matching = this.runtime.registry.spawningHandlers({ resource: this.resource, body, context: options.context }, this.#exited);
    const wanted = new Set(matching.map((handler) => handler.id));
    for (const running of this.#running.values()) {
      if (!wanted.has(running.handler.id) && !running.stopper.isSet) running.stopper.stop('filters-mismatch');
    }
    for (const handler of matching) {
      if (!this.#running.has(handler.id)) this.#spawn(handler, options.context);
    }
    return [];
  }

  /** The object is gone: every daemon is asked to stop, nothing waits for them. */
  abandon(): void {
    for (const running of this.#running.values()) running.stopper.stop('resource-deleted');
  }

  /**
   * The operator exits or pauses: every daemon is asked to stop and given the instant-exit window, its
   * `cancellationBackoff` and `cancellationTimeout`; those still running then are left orphaned.
   */
  async shutdown(reason: 'operator-exiting' | 'operator-pausing' = 'operator-exiting'): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#running.values()].map(async (running) => {
      running.stopper.stop(reason);
      const local = this.#local();
      const form = handlerTitle(running.handler);
      const daemon = running.handler.kind === 'daemon' ? running.handler : undefined;
      const grace = (daemon?.cancellationBackoff ?? 0) + (daemon?.cancellationTimeout ?? 0);
      await this.#instantExit(running);
      if (!running.finished && grace > 0) await Promise.race([running.done, new Promise((resolve) => setTimeout(resolve, grace * 1000).unref())]);
      if (running.finished) local.debug(`${form} has exited gracefully.`);
      else local.warn(`${form} did not exit in time. Leaving it orphaned.`);
    }));
    this.#running.clear();
  }

  #local(): Logger {
    return localLogger(this.runtime.logger, this.#body);
  }

  async #instantExit(running: Running): Promise<void> {
    const { instantExitTimeout, instantExitZeroTimeCycles } = this.runtime.settings.background;
    const window = instantExitTimeout !== null
      ? new Promise((resolve) => setTimeout(resolve, instantExitTimeout * 1000).unref())
      : zeroTimeCycles(instantExitZeroTimeCycles ?? 0);
    await Promise.race([running.done, window]);
  }

  async #stopForDeletion(): Promise<number[]> {
    this.#stoppingInCycle = true;
    try {
      return await this.#stopRunningForDeletion();
    } finally {
      this.#stoppingInCycle = false;
    }
  }

  async #stopRunningForDeletion(): Promise<number[]> {
    const now = this.runtime.now();
    const delays: number[] = [];
    for (const running of [...this.#running.values()]) {
      if (!running.stopper.isSet || running.stopRequestedMs === undefined) {
        running.stopper.stop('resource-deleted');
        running.stopRequestedMs = now;
        await this.#instantExit(running);
      }
      if (running.finished) continue;
      const delay = this.#stoppingDelay(running, (this.runtime.now() - (running.stopRequestedMs ?? now)) / 1000);
      if (delay !== undefined) delays.push(delay);
    }
    return delays;
  }

  /** Seconds until a stopping daemon is looked at again; undefined once it is abandoned. */
  #stoppingDelay(running: Running, elapsed: number): number | undefined {
    const form = handlerTitle(running.handler);
    const local = this.#local();
    const once = (key: string, log: () => void) => {
      if (!running.said.has(key)) {
        running.said.add(key);
        log();
      }
    };
    const daemon = running.handler.kind === 'daemon' ? (running.handler as DaemonHandler) : undefined;
    const backoff = daemon?.cancellationBackoff;
    const timeout = daemon?.cancellationTimeout;
    if (backoff !== undefined && elapsed < backoff) {
      once('graceful', () => local.debug(`${form} is signalled to exit gracefully.`));
      return backoff - elapsed;
    }
    if (timeout !== undefined) {
      const deadline = (backoff ?? 0) + timeout;
      if (elapsed < deadline) {
        once('force', () => local.debug(`${form} is signalled to exit by force.`));
        return deadline - elapsed;
      }
      local.warn(`${form} did not exit in time. Leaving it orphaned.`);
      this.#running.delete(running.handler.id);
      return undefined;
    }
    const polling = daemon?.cancellationPolling ?? this.runtime.settings.background.cancellationPolling;
    local.debug(`${form} is still exiting. The next check is in ${polling} seconds.`);
    return polling;
  }

  #spawn(handler: SpawningHandler, context: () => unknown): void {
    const stopper = new DaemonStopper();
    const running: Running = { handler, stopper, finished: false, said: new Set(), done: Promise.resolve() };
    const run = handler.kind === 'daemon' ? this.#runDaemon(handler, stopper, context) : this.#runTimer(handler, stopper, context);
    (running as { done: Promise<void> }).done = run
      .catch((error: unknown) => this.#local().error({ err: error }, `${handlerTitle(handler)} failed unexpectedly: ${String(error)}`))
      .finally(() => {
        running.finished = true;
        if (this.#running.get(handler.id) === running) this.#running.delete(handler.id);
        // A daemon that kept a deleted object must let it go now, not at the next polling check.
        if (this.#deleting && !this.#stoppingInCycle && running.stopRequestedMs !== undefined && !this.#running.size) {
          void touchObject(this.#target()).catch(() => undefined);
        }
        // Stopped for a filter mismatch while the object matched again: it starts anew now, not at the next event.
        if (!this.#deleting && !this.#closed && running.stopper.reasons.has('filters-mismatch') && this.#lastContext) {
          void this.adjust(this.#body, { deleting: false, changed: false, context: this.#lastContext });
        }
      });
    this.#running.set(handler.id, running);
  }

  #target(): WriteTarget {
    return { runtime: this.runtime, resource: this.resource, body: this.#body, memory: this.memory, logger: this.#local() };
  }

  async #initialDelay(handler: SpawningHandler, stopper: DaemonStopper, context: () => unknown): Promise<boolean> {
    const spec = handler.initialDelay;
    const seconds = typeof spec === 'function' ? spec(context()) : spec;
    return seconds !== undefined && seconds > 0 ? stopper.wait(seconds) : stopper.isSet;
  }

  /** One attempt with a fresh patch, written right after it; resolves with the outcome. */
  async #attempt(handler: SpawningHandler, stopper: DaemonStopper, retry: number, startedMs: number): Promise<Outcome> {
    const { runtime } = this;
    const patch = new ObjectPatch();
    const logger = postableLogger(runtime.logger, this.#body);
    const members = objectMembers({ body: this.#body, resource: this.resource, patch, logger, memo: this.memory.memo, api: runtime.api, indexes: runtime.indexes.view });
    const body = () => this.#body;
    const meta = () => this.#body.metadata as JsonObject | undefined;
    const context = {
      ...members,
      body: liveView(body),
      spec: liveView(() => this.#body.spec),
      status: liveView(() => this.#body.status),
      meta: liveView(meta),
      labels: liveView(() => meta()?.labels),
      annotations: liveView(() => meta()?.annotations),
      param: handler.param,
      stopped: stopper,
      ...attemptMembers({ retry, startedMs, nowMs: runtime.now() }),
    };
    const scope = { settings: runtime.settings, events: runtime.events, object: { body: this.#body, resource: this.resource, logger } };
    const outcome = await runAttempt({
      form: handlerTitle(handler),
      limits: handler,
      defaults: { errors: handler.errors, backoff: runtime.settings.execution.defaultBackoff },
      attempt: { retries: retry, runtime: (runtime.now() - startedMs) / 1000 },
      invoke: () => runInScope(scope, () => handler.fn(context)),
      stopRequested: () => stopper.isSet,
      logger,
    });
    if (outcome.final && outcome.error === undefined) patch.deliverResult(handler.id, outcome.result);
    await applyPatch(this.#target(), patch).catch((error: unknown) => this.#local().error({ err: error }, `Patching failed after ${handlerTitle(handler)}: ${String(error)}`));
    return outcome;
  }

  async #runDaemon(handler: DaemonHandler, stopper: DaemonStopper, context: () => unknown): Promise<void> {
    if (await this.#initialDelay(handler, stopper, context)) return;
    const startedMs = this.runtime.now();
    for (let retry = 0; ; retry++) {
      const outcome = await this.#attempt(handler, stopper, retry, startedMs);
      if (outcome.final) {
        const how = stopper.isSet ? 'on request' : 'on its own';
        if (!stopper.isSet) this.#exited.add(handler.id);
        this.#local().debug(`${handlerTitle(handler)} has exited ${how} and will not be retried or restarted.`);
        return;
      }
      if (await stopper.wait(outcome.delay ?? 0)) return;
    }
  }

  async #runTimer(handler: TimerHandler, stopper: DaemonStopper, context: () => unknown): Promise<void> {
    if (await this.#initialDelay(handler, stopper, context)) return;
    const { interval, idle, sharp } = handler;
    while (!stopper.isSet) {
      if (idle !== undefined && (await this.#waitForIdle(idle, stopper))) return;
      const startedMs = this.runtime.now();
      for (let retry = 0; ; retry++) {
        const outcome = await this.#attempt(handler, stopper, retry, startedMs);
        if (outcome.final) break;
        if (await stopper.wait(outcome.delay ?? 0)) return;
      }
      if (interval === undefined && idle === undefined) {
        this.#exited.add(handler.id);
        return;
      }
      if (interval !== undefined) {
        const elapsed = (this.runtime.now() - startedMs) / 1000;
        if (await stopper.wait(sharp ? interval - (elapsed % interval) : interval)) return;
      } else if (await this.#waitForChange(stopper)) {
        return;
      }
    }
  }

  /** Waits until no essential change for `idle` seconds; true when stopped meanwhile. */
  async #waitForIdle(idle: number, stopper: DaemonStopper): Promise<boolean> {
    for (;;) {
      const quiet = (this.runtime.now() - this.#lastChangeMs) / 1000;
      if (quiet >= idle) return stopper.isSet;
      if (await stopper.wait(idle - quiet)) return true;
    }
  }

  /** Waits for the next essential change; true when stopped meanwhile. */
  async #waitForChange(stopper: DaemonStopper): Promise<boolean> {
    this.#changedPromise ??= new Promise<void>((resolve) => {
      this.#changed = () => {
        this.#changed = undefined;
        this.#changedPromise = undefined;
        resolve();
      };
    });
    await Promise.race([this.#changedPromise, stopper.wait()]);
    return stopper.isSet;
  }
}
