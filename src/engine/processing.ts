/**
 * One handling cycle of one object: from the newest state of a batch of its watch events to the one
 * patch that records everything the cycle decided. In order: `on.event` handlers; the changing cause
 * (detected from the stored diff-base); stealth for objects no changing handler is interested in; the
 * finalizer, which takes a cycle of its own; the consistency wait for the operator's own last write;
 * the changing handlers; releasing a deleted object; the patch; and what the worker does next (sleep
 * until a retry, wait for consistency, or nothing). Framework errors (not handlers') throttle the object.
 *
 * The cycle itself never sleeps: it tells its worker to, so that sleeping objects hold no worker slot.
 */
import { inspect } from 'node:util';
import { detectChangingCause, essentialChange, isHandlerReason, isInitial, QUIET_CAUSE_MESSAGES } from '../core/causes.ts';
import type { JsonObject } from '../core/field-path.ts';
import { canReleaseObject, decideFinalizer, isDeletionOngoing, RELEASE_MESSAGE } from '../core/finalizers.ts';
import { ObjectPatch } from '../core/object-patch.ts';
import type { Resource } from '../core/resource-selector.ts';
import { planSleep } from '../core/sleep-plan.ts';
import { throttleAfterError, throttleAfterSuccess, throttlingMessage } from '../core/throttle.ts';
import type { ChangeSubject } from '../registry/selection.ts';
import { applyPatch, type WriteTarget } from './application.ts';
import { handleChangingCause } from './changing.ts';
import { deepFreeze, lazily, objectMembers, type ObjectView } from './contexts.ts';
import { ObjectDaemons } from './daemons.ts';
import { handleEvents } from './event-handlers.ts';
import { handleIndexing } from './indexing.ts';
import type { Batch } from './object-queue.ts';
import type { ObjectMemory } from './object-memory.ts';
import { loggersOf } from './object-logging.ts';
import type { OperatorRuntime } from './runtime.ts';

/** What the worker does after a cycle. */
export type CycleEnd =
  /** Nothing until the next event. */
  | { readonly kind: 'idle' }
  /** Wait for the operator's own write to come back through the watch, until `untilMs` at the latest, then handle the batch again. */
  | { readonly kind: 'consistency'; readonly untilMs: number }
  /** Sleep (a new event cuts it short), then touch the object so a retry starts. */
  | { readonly kind: 'sleep'; readonly seconds: number; readonly message?: string; readonly target: WriteTarget }
  /** A framework error: pause for `seconds` (new events do not cut it short), then handle the batch again. */
  | { readonly kind: 'throttled'; readonly seconds: number };

/** One cycle's input. */
export interface CycleInput {
  readonly runtime: OperatorRuntime;
  readonly resource: Resource;
  readonly batch: Batch;
  readonly memory: ObjectMemory;
}

/**
 * Indexes a batch's newest state ahead of its cycle, while the indexes are being completed and every
 * other handler waits for them; the cycle then skips indexing it again.
 */
export async function indexAhead(input: CycleInput): Promise<Batch> {
  const { runtime, resource, batch, memory } = input;
  const body = deepFreeze(structuredClone(batch.newest.object)) as JsonObject;
  const view: ObjectView = {
    body, resource, patch: new ObjectPatch(), logger: loggersOf(runtime.logger, body, memory).postable, memo: memory.memo, api: runtime.api, indexes: runtime.indexes.view,
  };
  await handleIndexing(runtime, view, memory, batch.newest.type === 'DELETED' && !batch.newest.initial);
  return { ...batch, indexed: true };
}

/** Runs one cycle; never rejects. */
export async function processBatch(input: CycleInput): Promise<CycleEnd> {
  const { runtime, memory } = input;
  const { local } = loggersOf(runtime.logger, input.batch.newest.object as JsonObject, memory);
  try {
    const end = await cycle(input);
    memory.throttle = throttleAfterSuccess(memory.throttle);
    return end;
  } catch (error) {
    const throttled = throttleAfterError(memory.throttle, runtime.settings.queueing.errorDelays, runtime.now());
    memory.throttle = throttled.state;
    const description = error instanceof Error ? `${error.name}: ${error.message}` : inspect(error);
    local.error({ err: error }, throttlingMessage(throttled.delay ?? 0, description));
    return throttled.delay === undefined ? { kind: 'idle' } : { kind: 'throttled', seconds: throttled.delay };
  }
}

async function cycle(input: CycleInput): Promise<CycleEnd> {
  const { runtime, resource, batch, memory } = input;
  const { settings, registry } = runtime;
  const { persistence } = settings;
  const event = batch.newest;
  const body = deepFreeze(structuredClone(event.object)) as JsonObject;
  const eventType = event.initial ? undefined : event.type;
  const finalizer = persistence.finalizer;
  const patch = new ObjectPatch({ finalizerChanges: memory.leftoverFinalizerChanges });
  memory.leftoverFinalizerChanges = [];
  const patchInitiallyEmpty = patch.isEmpty;
  const { postable: logger, local } = loggersOf(runtime.logger, body, memory);
  const view: ObjectView = { body, resource, patch, logger, memo: memory.memo, api: runtime.api, indexes: runtime.indexes.view };
  const target: WriteTarget = { runtime, resource, body, memory, logger: local };

  if (!batch.indexed && registry.hasHandlers('indexing', resource)) await handleIndexing(runtime, view, memory, eventType === 'DELETED');
  if (batch.events.length && registry.hasHandlers('watching', resource)) await handleEvents(runtime, view, batch.events, event);

  let delays: number[] = [];
  let handled = false;
  const changing = registry.hasHandlers('changing', resource);
  const spawning = registry.hasHandlers('spawning', resource);
  if (eventType === 'DELETED') memory.daemons?.abandon();
  if (changing || spawning) {
    const change = essentialChange({
      body,
      diffBaseStorage: persistence.diffbaseStorage,
      progressStorage: persistence.progressStorage,
      extraFields: registry.extraFields(resource),
    });
    const cause = detectChangingCause({ eventType, body, finalizer, old: change.old, diff: change.diff, initial: isInitial(memory) });
    const context = lazily(() => ({ ...objectMembers(view), reason: cause.reason, diff: change.diff, old: change.old, new: change.new }));
    const subject: ChangeSubject = {
      resource, body, context, reason: cause.reason as ChangeSubject['reason'], initial: cause.initial, deleted: isDeletionOngoing(body), old: change.old, new: change.new,
    };
    if (spawning && eventType !== 'DELETED') {
      memory.daemons ??= new ObjectDaemons(runtime, resource, memory, body);
      // Without changing handlers no diff-base is stored, so every event counts as a change (for idle timers).
      const changed = !changing || change.diff.length > 0;
      delays.push(...(await memory.daemons.adjust(body, { deleting: isDeletionOngoing(body), changed, context })));
    }
    const interested = !isHandlerReason(cause.reason) || (changing && registry.prematchesChanging(subject));
    const required = eventType !== 'DELETED' && registry.requiresFinalizer({ resource, body, context, change: { old: change.old, new: change.new }, excluded: memory.daemons?.exclusions() });
    const decision = eventType === 'DELETED' ? undefined : decideFinalizer({ body, finalizer, required });
    if (decision) {
      if (decision.change.action === 'add') patch.addFinalizer(finalizer);
      else patch.removeFinalizer(finalizer);
      local.debug(decision.message);
    } else if (interested && (eventType === 'DELETED' || isConsistent(memory, batch, runtime.now())) && patchInitiallyEmpty) {
      if (isHandlerReason(cause.reason)) {
        delays.push(...(await handleChangingCause({ runtime, view, reason: cause.reason, change, subject, storage: persistence.progressStorage })));
        handled = true;
        if (!delays.length) memory.fullyHandledOnce = true;
      } else {
        logger.debug(QUIET_CAUSE_MESSAGES[cause.reason as keyof typeof QUIET_CAUSE_MESSAGES]);
        handled = changing;
      }
      if (cause.reason === 'delete' && canReleaseObject({ eventType, body, finalizer, delays })) {
        patch.removeFinalizer(finalizer);
        local.debug(RELEASE_MESSAGE);
      }
    } else if (interested && memory.expected && patch.isEmpty) {
      return { kind: 'consistency', untilMs: memory.expected.deadlineMs };
    }
  }

  const patched = eventType === 'DELETED' ? false : await applyPatch(target, patch);
  const plan = planSleep({ delays, patched });
  if (plan.kind === 'sleep') return { kind: 'sleep', seconds: plan.seconds, message: plan.message, target };
  if (plan.kind === 'patched' && plan.message) local.debug(plan.message);
  if (plan.kind === 'finished' && handled) local.debug('Handling cycle is finished, waiting for new changes.');
  return { kind: 'idle' };
}

/**
 * Whether the batch shows the operator's own last write (or the wait for it is over): only then are
 * changing handlers run, so they never act on a state older than what the operator itself wrote.
 */
function isConsistent(memory: ObjectMemory, batch: Batch, nowMs: number): boolean {
  const expected = memory.expected;
  if (expected === undefined) return true;
  if (batch.versions.has(expected.version) || nowMs >= expected.deadlineMs) {
    memory.expected = undefined;
    return true;
  }
  return false;
}
