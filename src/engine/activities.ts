/**
 * Activities: `on.startup` handlers run to completion before the operator touches the cluster (they may
 * change the settings), `on.cleanup` handlers after it stopped. Each is retried like a changing handler
 * — temporary errors, backoff, `retries`, `timeout` — but progress lives in memory only.
 */
import type { Logger } from 'pino';
import type { Api } from '../client/api.ts';
import type { Activity } from '../registry/context.ts';
import { handlerTitle, type ActivityHandler } from '../registry/handlers.ts';
import type { Registry } from '../registry/registry.ts';
import type { OperatorSettings } from '../registry/settings.ts';
import type { Indexes, Memo } from '../registry/context.ts';
import { attemptMembers } from './contexts.ts';
import { runAttempt } from './execution.ts';
import { runInScope, type EventSink } from './handling-scope.ts';
import { namedLogger } from './logging.ts';
import { sleep } from './sleep.ts';

/** An activity's handlers failed for good; a failed startup stops the operator. */
export class ActivityError extends Error {
  override name = 'ActivityError';
}

/** What activities need of the operator. */
export interface ActivityRuntime {
  readonly registry: Registry;
  readonly settings: OperatorSettings;
  readonly memo: Memo;
  readonly logger: Logger;
  readonly api: Api;
  readonly events: EventSink;
  readonly indexes: Indexes;
}

interface Progress {
  retries: number;
  readonly startedMs: number;
  dueMs: number;
  done: boolean;
  error?: unknown;
  result?: unknown;
}

/**
 * Runs the activity's handlers until each succeeded or failed for good (or `signal` aborts); resolves
 * with the results of those that returned something, by handler id; rejects with an `ActivityError`
 * naming those that failed.
 */
export async function runActivity(runtime: ActivityRuntime, activity: Activity, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const handlers = runtime.registry.activityHandlers(activity);
  const logger = namedLogger(runtime.logger, `kopf.activities.${activity}`);
  const progress = new Map<ActivityHandler, Progress>(handlers.map((handler) => [handler, { retries: 0, startedMs: Date.now(), dueMs: 0, done: false }]));
  while (!signal?.aborted) {
    const pending = [...progress].filter(([, state]) => !state.done);
    if (!pending.length) break;
    for (const [handler, state] of pending) {
      if (state.dueMs > Date.now()) continue;
      const nowMs = Date.now();
      const context = {
        activity,
        settings: runtime.settings,
        memo: runtime.memo,
        logger,
        indexes: runtime.indexes,
        api: runtime.api,
        param: handler.param,
        ...attemptMembers({ retry: state.retries, startedMs: state.startedMs, nowMs }),
      };
      const outcome = await runAttempt({
        form: handlerTitle(handler),
        limits: handler,
        defaults: { errors: handler.errors, backoff: runtime.settings.execution.defaultBackoff },
        attempt: { retries: state.retries, runtime: (nowMs - state.startedMs) / 1000 },
        // Login handlers return connections and credentials, not JSON.
        rawResult: activity === 'authentication',
        invoke: () => runInScope({ settings: runtime.settings, events: runtime.events }, () => handler.fn(context)),
        logger,
      });
      state.retries++;
      state.done = outcome.final;
      state.error = outcome.error;
      state.result = outcome.result;
      state.dueMs = Date.now() + (outcome.delay ?? 0) * 1000;
    }
    const waiting = [...progress.values()].filter((state) => !state.done);
    if (waiting.length) await sleep((Math.min(...waiting.map((state) => state.dueMs)) - Date.now()) / 1000, { signal });
  }
  const failed = [...progress].filter(([, state]) => state.done && state.error !== undefined).map(([handler]) => handlerTitle(handler));
  if (failed.length) throw new ActivityError(`The ${activity} activity failed: ${failed.join(', ')} failed for good.`);
  return Object.fromEntries([...progress].filter(([, state]) => state.result !== undefined).map(([handler, state]) => [handler.id, state.result]));
}
