/**
 * Cause detection: what a watch event means for the changing handlers.
 *
 * A watch event only says that an object was added, modified or deleted. The
 * cause says why the handlers should run, from the object's state and the
 * diff between its stored diff-base and its current essence:
 * - `gone`: the object is deleted from the API (a DELETED event) — nothing to do;
 * - `free`: it is being deleted and our finalizer is not on it — nothing to do;
 * - `delete`: it is being deleted and our finalizer holds it — delete handlers;
 * - `create`: it has no diff-base — it was never handled — create handlers;
 * - `resume`: nothing changed, but the operator has just started and first
 *   saw the object in its initial listing — resume handlers;
 * - `noop`: nothing essential changed (status, metadata, our own writes);
 * - `update`: the essence changed — update and field handlers.
 * Resume handlers also join update and delete causes while the object is
 * still "initial", but never a creation.
 *
 * Pure: the caller brings the event, the body and the storages.
 */
import { diff as diffOf, type Diff } from './diff.ts';
import type { DiffBaseStorage } from './diff-base.ts';
import type { FieldPath, JsonObject } from './field-path.ts';
import { isDeletionBlocked, isDeletionOngoing } from './finalizers.ts';
import { jsonEqual } from './json.ts';
import type { ProgressStorage } from './progress-storage.ts';

/** Why the changing handlers run (or do not). */
export type Reason = 'create' | 'update' | 'delete' | 'resume' | 'noop' | 'free' | 'gone';

/** The reasons that run handlers. */
export type HandlerReason = 'create' | 'update' | 'delete' | 'resume';

/** The reasons that run handlers, in Kopf's order. */
export const HANDLER_REASONS: readonly HandlerReason[] = ['create', 'update', 'delete', 'resume'];

/** True for the reasons that run handlers. */
export function isHandlerReason(reason: string): reason is HandlerReason {
  return (HANDLER_REASONS as readonly string[]).includes(reason);
}

const TITLES: Readonly<Record<HandlerReason, string>> = { create: 'creation', update: 'updating', delete: 'deletion', resume: 'resuming' };

/** The noun of a reason in log lines (`creation`, `updating` …); other purposes quoted, as Kopf prints them. */
export function causeTitle(reason: string): string {
  return isHandlerReason(reason) ? TITLES[reason] : `'${reason}'`;
}

/** The same, capitalised for the start of a log line. */
export function capitalizedTitle(reason: string): string {
  const title = causeTitle(reason);
  return title.charAt(0).toUpperCase() + title.slice(1);
}

/** The old and new essence of an object and the diff between them. */
export interface EssentialChange {
  /** The stored diff-base, cleared of progress bookkeeping; undefined when the object was never handled. */
  readonly old: JsonObject | undefined;
  /** The current essence, cleared of progress bookkeeping. */
  readonly new: JsonObject;
  readonly diff: Diff;
}

/**
 * The essential change of `body`: its stored diff-base against its current
 * essence, both without the progress storage's own fields.
 *
 * @param extraFields the fields handlers watch outside the usual essence (e.g. `status.phase`).
 */
export function essentialChange(input: {
  body: JsonObject;
  diffBaseStorage: DiffBaseStorage;
  progressStorage: ProgressStorage;
  extraFields?: Iterable<FieldPath>;
}): EssentialChange {
  const { body, diffBaseStorage, progressStorage, extraFields } = input;
  const stored = diffBaseStorage.fetch(body);
  const old = stored === undefined ? undefined : progressStorage.clear(stored);
  const current = progressStorage.clear(diffBaseStorage.build(body, extraFields));
  return { old, new: current, diff: diffOf(old, current) };
}

/** What cause detection looks at. */
export interface CauseInput {
  /** The watch event's type; undefined for objects of the initial listing. */
  readonly eventType: 'ADDED' | 'MODIFIED' | 'DELETED' | undefined;
  readonly body: JsonObject;
  /** The operator's finalizer (`settings.persistence.finalizer`). */
  readonly finalizer: string;
  /** The stored diff-base; undefined when the object was never handled. */
  readonly old: JsonObject | undefined;
  readonly diff: Diff;
  /** True while the object, first seen in the initial listing, has not yet been fully handled in this process. */
  readonly initial: boolean;
}

/** The detected cause: its reason, and whether resume handlers join it. */
export interface DetectedCause {
  readonly reason: Reason;
  readonly initial: boolean;
}

/** The cause of a watch event for the changing handlers (see the header for the rules, checked in order). */
export function detectChangingCause(input: CauseInput): DetectedCause {
  const { eventType, body, finalizer, old, diff, initial } = input;
  if (eventType === 'DELETED') return { reason: 'gone', initial };
  if (isDeletionOngoing(body)) return { reason: isDeletionBlocked(body, finalizer) ? 'delete' : 'free', initial };
  // Creation never mixes with resuming, even for an object found in the initial listing.
  if (old === undefined) return { reason: 'create', initial: false };
  if (diff.length === 0) return { reason: initial ? 'resume' : 'noop', initial };
  return { reason: 'update', initial };
}

/**
 * Whether resume handlers are due for an object: it was first noticed in an
 * initial listing and no cause of it has been fully handled since the
 * operator started.
 */
export function isInitial(memory: { readonly noticedByListing: boolean; readonly fullyHandledOnce: boolean }): boolean {
  return memory.noticedByListing && !memory.fullyHandledOnce;
}

/** The essence to store as the new diff-base once a cause is fully handled; undefined when it is unchanged. */
export function diffBaseToStore(change: EssentialChange): JsonObject | undefined {
  return jsonEqual(change.old, change.new) ? undefined : change.new;
}

/** The debug line of the causes that run no handlers. */
export const QUIET_CAUSE_MESSAGES: Readonly<Record<'gone' | 'free' | 'noop', string>> = {
  gone: 'Deleted, really deleted, and we are notified.',
  free: 'Deletion, but we are done with it, and we do not care.',
  noop: 'Something has changed, but we are not interested (the essence is the same).',
};

/** How many handlers of a cause succeeded, failed, or are still running. */
export interface StateCounters {
  readonly success: number;
  readonly failure: number;
  readonly running: number;
}

/** `Creation is processed: 1 succeeded; 0 failed.` */
export function processedMessage(reason: string, counters: StateCounters): string {
  return `${capitalizedTitle(reason)} is processed: ${counters.success} succeeded; ${counters.failure} failed.`;
}

/** `Creation is superseded by deletion: 1 succeeded; 0 failed; 1 left to the moment.` */
export function supersededMessage(oldPurpose: string, reason: string, counters: StateCounters): string {
  return `${capitalizedTitle(oldPurpose)} is superseded by ${causeTitle(reason).toLowerCase()}: `
    + `${counters.success} succeeded; ${counters.failure} failed; ${counters.running} left to the moment.`;
}

/**
 * `Creation diff: [["add","spec.field",null,"value"]]`, the debug line of the
 * diff a cause carries: each item as `[operation, "dotted.path", old, new]`
 * in JSON, an absent side as null.
 */
export function diffMessage(reason: string, diff: Diff): string {
  const items = diff.map(([operation, field, old, updated]) => [operation, field.join('.'), old ?? null, updated ?? null]);
  return `${capitalizedTitle(reason)} diff: ${JSON.stringify(items)}`;
}

/** `Creation is in progress: <body>`, the debug line of every cycle of a cause. */
export function inProgressMessage(reason: string, bodyText: string): string {
  return `${capitalizedTitle(reason)} is in progress: ${bodyText}`;
}
