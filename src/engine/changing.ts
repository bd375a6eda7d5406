/**
 * The changing causes (create/update/delete/resume): pick the cause's handlers, load their progress
 * from the object, run those due (the lifecycle chooses), store progress and results into the cycle's
 * patch, and once all are done purge the progress and store the new diff-base. Sub-handlers
 * (`kopf.subhandler`, `kopf.register`, `kopf.execute`) run through the same machinery, nested in their
 * parent's scope, with ids `parent/child` and progress stored beside the parent's.
 */
import { diffMessage, diffBaseToStore, inProgressMessage, processedMessage, type EssentialChange, type HandlerReason } from '../core/causes.ts';
import { reduceDiff } from '../core/diff.ts';
import { resolveField } from '../core/field-path.ts';
import type { Outcome } from '../core/handler-outcome.ts';
import type { Lifecycle } from '../core/lifecycles.ts';
import { ProgressState, runtimeSeconds, startCauseProgress, type HandlerState } from '../core/progress.ts';
import type { ProgressStorage } from '../core/progress-storage.ts';
import { HandlerChildrenRetry } from '../core/retries.ts';
import { handlerTitle, type ChangingHandler } from '../registry/handlers.ts';
import type { ChangeSubject } from '../registry/selection.ts';
import { installSubhandlingRuntime, SubRegistry, type ExecuteRequest, type SubhandlingRuntime } from '../registry/subhandlers.ts';
import { attemptMembers, objectMembers, type ObjectView } from './contexts.ts';
import { runAttempt } from './execution.ts';
import { currentScope, runInScope } from './handling-scope.ts';
import type { OperatorRuntime } from './runtime.ts';

/** One changing cause of one object in one cycle. */
export interface CauseRun {
  readonly runtime: OperatorRuntime;
  readonly view: ObjectView;
  readonly reason: HandlerReason;
  readonly change: EssentialChange;
  readonly subject: ChangeSubject;
  readonly storage: ProgressStorage;
}

/** The scope of a running changing handler: where its sub-handlers go and which ran. */
interface ChangingScope {
  readonly run: CauseRun;
  readonly parent: ChangingHandler;
  readonly registry: SubRegistry;
  readonly lifecycle: Lifecycle;
  /** The accumulated sub-handlers were run by `kopf.execute()`, so they do not run again after the parent returns. */
  executed: boolean;
  /** The ids of every sub-handler run, at any depth: the parent's record keeps them for purging. */
  readonly subrefs: Set<string>;
}

/**
 * Runs the cause's handlers that are due and resolves with the delays (seconds) of those left
 * unfinished: none when the cause is fully handled (then the new diff-base is in the patch).
 */
export async function handleChangingCause(run: CauseRun): Promise<number[]> {
  const { registry, now, lifecycle, settings } = run.runtime;
  const { body, patch, logger, resource } = run.view;
  const handlers = registry.changingHandlers(run.subject);
  const owned = registry.changingHandlersOf(resource).map((handler) => handler.id);
  const started = startCauseProgress({
    body, patch, storage: run.storage, reason: run.reason, ownedIds: owned, causeIds: handlers.map((handler) => handler.id), nowMs: now(),
  });
  for (const message of started.messages) logger.info(message);
  let state = started.state;
  logger.debug(inProgressMessage(run.reason, JSON.stringify(body)));
  if (run.change.old !== undefined && run.change.diff.length) logger.debug(diffMessage(run.reason, run.change.diff));
  if (!state.done) {
    state = await runHandlers(run, handlers, state, lifecycle);
    if (state.done) {
      logger.info(processedMessage(run.reason, state.counts));
      state.purge(body, patch, run.storage, owned);
    }
  }
  if (!state.done) return state.delays(now());
  const essence = diffBaseToStore(run.change);
  if (essence) settings.persistence.diffbaseStorage.store(body, patch, essence);
  return [];
}

async function runHandlers(run: CauseRun, handlers: readonly ChangingHandler[], state: ProgressState, lifecycle: Lifecycle): Promise<ProgressState> {
  const { now } = run.runtime;
  const { body, patch } = run.view;
  const chosen = lifecycle(state.due(handlers, now()), { state });
  const outcomes = new Map<string, Outcome>();
  for (const handler of chosen) {
    outcomes.set(handler.id, await attempt(run, handler, state.get(handler.id) as HandlerState, lifecycle));
  }
  const advanced = state.withOutcomes(outcomes, now());
  advanced.store(body, patch, run.storage);
  for (const [id, outcome] of outcomes) {
    if (outcome.final && outcome.error === undefined) patch.deliverResult(id, outcome.result);
  }
  return advanced;
}

async function attempt(run: CauseRun, handler: ChangingHandler, state: HandlerState, lifecycle: Lifecycle): Promise<Outcome> {
  const { settings, events, now } = run.runtime;
  const { view, change } = run;
  const scope: ChangingScope = { run, parent: handler, registry: new SubRegistry(), lifecycle, executed: false, subrefs: new Set() };
  const field = handler.field;
  const nowMs = now();
  const context = {
    ...objectMembers(view),
    param: handler.param,
    reason: run.reason,
    diff: field ? reduceDiff(change.diff, field) : change.diff,
    old: field ? resolveField(change.old, field) : change.old,
    new: field ? resolveField(change.new, field) : change.new,
    ...attemptMembers({ retry: state.retries, startedMs: state.started / 1000, nowMs }),
  };
  const handlingScope = { settings, events, object: { body: view.body, resource: view.resource, logger: view.logger }, changing: scope };
  return runAttempt({
    form: handlerTitle(handler),
    limits: handler,
    defaults: { errors: 'temporary', backoff: settings.execution.defaultBackoff },
    attempt: { retries: state.retries, runtime: runtimeSeconds(state, nowMs) },
    invoke: () =>
      runInScope(handlingScope, async () => {
        const result = await handler.fn(context);
        // Sub-handlers registered but not run with kopf.execute() run once their parent returns.
        if (!scope.executed && scope.registry.handlers.length) await executeSubhandlers(scope, { registry: undefined, lifecycle: undefined });
        return result;
      }),
    subrefs: () => [...scope.subrefs],
    logger: view.logger,
  });
}

/** Runs sub-handlers in the parent's cause; throws `HandlerChildrenRetry` while any is unfinished. */
async function executeSubhandlers(scope: ChangingScope, request: ExecuteRequest): Promise<void> {
  const { run } = scope;
  const { now } = run.runtime;
  const registry = request.registry ?? scope.registry;
  if (request.registry === undefined) scope.executed = true;
  const handlers = registry.handlersFor(run.subject);
  const ids = registry.handlers.map((handler) => handler.id);
  let state = ProgressState.fromStorage({ body: run.view.body, storage: run.storage, handlerIds: ids, nowMs: now() })
    .withPurpose(run.reason)
    .withHandlers(handlers.map((handler) => handler.id), now());
  state = await runHandlers(run, handlers, state, request.lifecycle ?? scope.lifecycle);
  for (const id of ids) {
    scope.subrefs.add(id);
    for (const nested of state.get(id)?.subrefs ?? []) scope.subrefs.add(nested);
  }
  if (!state.done) throw new HandlerChildrenRetry('', { delay: state.delay(now()) ?? null });
}

/** The engine's side of `kopf.subhandler/register/execute`: reads the running changing handler from the scope. */
const subhandling: SubhandlingRuntime = {
  currentScope() {
    const changing = currentScope()?.changing as ChangingScope | undefined;
    return changing && { parent: changing.parent, registry: changing.registry };
  },
  execute(request) {
    const changing = currentScope()?.changing as ChangingScope | undefined;
    if (!changing) throw new Error('kopf.execute() can only be used inside a running changing handler');
    return executeSubhandlers(changing, request);
  },
};

/** Makes `kopf.subhandler/register/execute` work in this process's handlers (idempotent). */
export function enableSubhandling(): void {
  installSubhandlingRuntime(subhandling);
}
