/**
 * The indexing step of a cycle: every index handler of the resource sees the object's newest state
 * before any other handler does. Errors are ignored by default (the stale values stay); a permanent
 * failure removes the object's values and leaves it out of that index for the operator's lifetime; a
 * temporary one removes them until a later event after its delay indexes the object again.
 */
import type { Logger } from 'pino';
import type { JsonObject } from '../core/field-path.ts';
import { handlerTitle } from '../registry/handlers.ts';
import { attemptMembers, lazily, objectMembers, type ObjectView } from './contexts.ts';
import { runAttempt } from './execution.ts';
import { runInScope } from './handling-scope.ts';
import { indexEntries } from './indexes.ts';
import type { ObjectMemory } from './object-memory.ts';
import type { OperatorRuntime } from './runtime.ts';

/** An object's indexing state, in memory only. */
export interface IndexingMemory {
  /** Indexers that failed for good on this object. */
  readonly excluded: Set<string>;
  /** Indexers waiting for a retry. */
  readonly retries: Map<string, { retries: number; startedMs: number; dueMs: number }>;
}

function objectKey(body: JsonObject): string {
  const { namespace, name, uid } = (body.metadata ?? {}) as { namespace?: string; name?: string; uid?: string };
  return `${namespace ?? ''}/${name ?? ''}/${uid ?? ''}`;
}

/** Indexing lines are terse, as in Kopf: what would be info is debug. */
function terse(logger: Logger): Logger {
  return Object.assign(Object.create(logger) as Logger, { info: logger.debug.bind(logger) });
}

/** Indexes the object (or removes it, when `deleted`) in every index of its resource. */
export async function handleIndexing(runtime: OperatorRuntime, view: ObjectView, memory: ObjectMemory, deleted: boolean): Promise<void> {
  const { registry, settings, now, indexes } = runtime;
  const key = objectKey(view.body);
  const state = (memory.indexing ??= { excluded: new Set(), retries: new Map() });
  const members = objectMembers(view);
  const matching = deleted ? [] : registry.indexingHandlers({ resource: view.resource, body: view.body, context: lazily(() => members) });
  const wanted = new Set(matching.map((handler) => handler.id));
  for (const handler of registry.handlersOf('index', view.resource)) {
    if (!wanted.has(handler.id)) indexes.view[handler.id]?.replace(key, undefined);
  }
  for (const handler of matching) {
    const index = indexes.view[handler.id];
    const retry = state.retries.get(handler.id);
    if (!index || state.excluded.has(handler.id) || (retry && retry.dueMs > now())) continue;
    const startedMs = retry?.startedMs ?? now();
    const retries = retry?.retries ?? 0;
    const scope = { settings, events: runtime.events, object: { body: view.body, resource: view.resource, logger: view.logger } };
    const outcome = await runAttempt({
      form: handlerTitle(handler),
      limits: handler,
      defaults: { errors: 'ignored', backoff: settings.execution.defaultBackoff },
      attempt: { retries, runtime: (now() - startedMs) / 1000 },
      rawResult: true,
      invoke: () => runInScope(scope, () => handler.fn({ ...members, param: handler.param, ...attemptMembers({ retry: retries, startedMs, nowMs: now() }) })),
      logger: terse(view.logger),
    });
    if (!outcome.final) {
      index.replace(key, undefined);
      state.retries.set(handler.id, { retries: retries + 1, startedMs, dueMs: now() + (outcome.delay ?? 0) * 1000 });
      continue;
    }
    state.retries.delete(handler.id);
    if (outcome.error !== undefined) {
      index.replace(key, undefined);
      state.excluded.add(handler.id);
    } else if (outcome.result !== undefined && outcome.result !== null) {
      index.replace(key, indexEntries(outcome.result));
    }
  }
}
