/**
 * `on.event` handlers: run for every watch event of the object, collapsed ones included, before any
 * changing handling and never delayed by it. Their errors are logged with the stack and ignored; they
 * are never retried and nothing of theirs is persisted but their results (to `status.<id>`).
 */
import type { JsonObject } from '../core/field-path.ts';
import type { ObjectEvent } from '../core/watch-event.ts';
import { handlerTitle } from '../registry/handlers.ts';
import { attemptMembers, deepFreeze, lazily, objectMembers, type ObjectView } from './contexts.ts';
import { runAttempt } from './execution.ts';
import { runInScope } from './handling-scope.ts';
import { localLogger } from './object-logging.ts';
import type { OperatorRuntime } from './runtime.ts';

/** Runs the `on.event` handlers for each event; `view.body` is the newest event's frozen object. */
export async function handleEvents(runtime: OperatorRuntime, view: ObjectView, events: readonly ObjectEvent[], newest: ObjectEvent): Promise<void> {
  const { registry, settings, now } = runtime;
  for (const event of events) {
    const body = event === newest ? view.body : (deepFreeze(structuredClone(event.object)) as JsonObject);
    const type = event.initial ? null : event.type;
    const eventView: ObjectView = { ...view, body, logger: localLogger(runtime.logger, body) };
    const members = { ...objectMembers(eventView), type, event: { type, object: body } };
    const context = lazily(() => members);
    for (const handler of registry.watchingHandlers({ resource: view.resource, body, context })) {
      const scope = { settings, events: runtime.events, object: { body, resource: view.resource, logger: eventView.logger } };
      const outcome = await runAttempt({
        form: handlerTitle(handler),
        limits: { errors: 'ignored' },
        defaults: { errors: 'ignored', backoff: settings.execution.defaultBackoff },
        attempt: { retries: 0, runtime: 0 },
        invoke: () => runInScope(scope, () => handler.fn({ ...members, param: handler.param, ...attemptMembers({ retry: 0, startedMs: now(), nowMs: now() }) })),
        logger: eventView.logger,
      });
      if (outcome.result !== undefined) view.patch.deliverResult(handler.id, outcome.result);
    }
  }
}
