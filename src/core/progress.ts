/**
 * The progress of the handlers of one cause across handling cycles, as
 * immutable values: read from the progress storage, advanced with each
 * attempt's outcome, written back only where something changed, and purged
 * once every handler of the cause is done.
 *
 * Handlers of the current cause are "active": they decide whether the cause
 * is done and how long to sleep. Records read from the object for other
 * handlers (or left by another cause, e.g. a creation interrupted by a
 * deletion) are "passive": they are only counted and purged.
 *
 * Time comes in as arguments (epoch milliseconds), never from a clock.
 */
import { jsonEqual, type JsonValue } from './json.ts';
import { supersededMessage, type StateCounters } from './causes.ts';
import type { JsonObject } from './field-path.ts';
import { errorMessage, type Outcome } from './handler-outcome.ts';
import { formatTimestamp, microsFromMillis, parseTimestamp, type EpochMicros } from './kopf-time.ts';
import type { ObjectPatch } from './object-patch.ts';
import type { ProgressRecord, ProgressStorage } from './progress-storage.ts';

/** The progress of one handler. */
export interface HandlerState {
  /** True for handlers of the current cause; false for records only carried along. */
  readonly active: boolean;
  /** When the first attempt started. */
  readonly started: EpochMicros;
  /** When the handler finished (succeeded or failed for good). */
  readonly stopped?: EpochMicros;
  /** When the next attempt is due. */
  readonly delayed?: EpochMicros;
  /** The reason of the cause the handler runs for; undefined in records of old versions. */
  readonly purpose?: string;
  /** Attempts made so far, the successful one included. */
  readonly retries: number;
  readonly success: boolean;
  readonly failure: boolean;
  /** The text of the last error. */
  readonly message?: string;
  /** The ids of all its sub-handlers, at any depth. */
  readonly subrefs: readonly string[];
  /** The record as read from the object, to write only what changed. */
  readonly origin?: ProgressRecord;
}

/** True when the handler succeeded or failed for good. */
export function isFinished(state: HandlerState): boolean {
  return state.success || state.failure;
}

/** True when the handler is waiting for its next attempt at `nowMs`. */
export function isSleeping(state: HandlerState, nowMs: number): boolean {
  return !isFinished(state) && state.delayed !== undefined && state.delayed > microsFromMillis(nowMs);
}

/** True when the handler is due for an attempt at `nowMs`. */
export function isAwakened(state: HandlerState, nowMs: number): boolean {
  return !isFinished(state) && !isSleeping(state, nowMs);
}

/** Seconds since the handler's first attempt started. */
export function runtimeSeconds(state: HandlerState, nowMs: number): number {
  return (microsFromMillis(nowMs) - state.started) / 1_000_000;
}

function startedAt(nowMs: number, purpose: string | undefined): HandlerState {
  return { active: true, started: microsFromMillis(nowMs), purpose, retries: 0, success: false, failure: false, subrefs: [] };
}

function optionalTimestamp(text: string | null | undefined): EpochMicros | undefined {
  return text === undefined || text === null ? undefined : parseTimestamp(text);
}

function fromRecord(record: ProgressRecord, nowMs: number): HandlerState {
  return {
    active: false,
    started: optionalTimestamp(record.started) ?? microsFromMillis(nowMs),
    stopped: optionalTimestamp(record.stopped),
    delayed: optionalTimestamp(record.delayed),
    purpose: record.purpose || undefined,
    retries: record.retries || 0,
    success: record.success || false,
    failure: record.failure || false,
    message: record.message ?? undefined,
    subrefs: record.subrefs ?? [],
    origin: record,
  };
}

/** The record of a handler's state, every field present (null where unset), as Kopf writes it. */
export function toRecord(state: HandlerState): ProgressRecord {
  return {
    started: formatTimestamp(state.started),
    stopped: state.stopped === undefined ? null : formatTimestamp(state.stopped),
    delayed: state.delayed === undefined ? null : formatTimestamp(state.delayed),
    purpose: state.purpose ?? null,
    retries: state.retries,
    success: state.success,
    failure: state.failure,
    message: state.message ?? null,
    subrefs: state.subrefs.length ? [...state.subrefs].sort() : null,
  };
}

// What the record looks like once stored (nulls are never kept), to compare with what was read.
function asStored(record: ProgressRecord): JsonObject {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined)) as JsonObject;
}

function withOutcome(state: HandlerState, outcome: Outcome, nowMs: number): HandlerState {
  const now = microsFromMillis(nowMs);
  const failed = outcome.error !== undefined;
  return {
    ...state,
    stopped: state.stopped ?? (outcome.final ? now : undefined),
    delayed: outcome.delay === undefined ? undefined : now + Math.round(outcome.delay * 1_000_000),
    success: outcome.final && !failed,
    failure: outcome.final && failed,
    retries: state.retries + 1,
    message: failed ? errorMessage(outcome.error) : undefined,
    subrefs: [...new Set([...state.subrefs, ...(outcome.subrefs ?? [])])].sort(),
  };
}

function countStates(states: Iterable<HandlerState>): StateCounters {
  let success = 0;
  let failure = 0;
  let running = 0;
  for (const state of states) {
    if (state.success) success++;
    if (state.failure) failure++;
    if (!isFinished(state)) running++;
  }
  return { success, failure, running };
}

/** The progress of a set of handlers for one cause; every change returns a new value. */
export class ProgressState {
  private readonly states: ReadonlyMap<string, HandlerState>;
  /** The reason of the cause being handled; undefined before one is set. */
  readonly purpose: string | undefined;

  private constructor(states: ReadonlyMap<string, HandlerState>, purpose: string | undefined) {
    this.states = states;
    this.purpose = purpose;
  }

  /** No progress at all (e.g. for handlers whose progress is never persisted). */
  static empty(): ProgressState {
    return new ProgressState(new Map(), undefined);
  }

  /** The stored progress of the given handlers (those with a record), all passive. */
  static fromStorage(input: { body: JsonObject; storage: ProgressStorage; handlerIds: Iterable<string>; nowMs: number }): ProgressState {
    const states = new Map<string, HandlerState>();
    for (const id of new Set(input.handlerIds)) {
      const record = input.storage.fetch(id, input.body);
      if (record !== undefined) states.set(id, fromRecord(record, input.nowMs));
    }
    return new ProgressState(states, undefined);
  }

  get size(): number {
    return this.states.size;
  }

  /** The ids of all the handlers with a state, active or passive. */
  ids(): string[] {
    return [...this.states.keys()];
  }

  /** The state of handler `id`, if it has one. */
  get(id: string): HandlerState | undefined {
    return this.states.get(id);
  }

  /** The handlers due for an attempt at `nowMs` (neither finished nor sleeping), in their given order. */
  due<H extends { readonly id: string }>(handlers: readonly H[], nowMs: number): H[] {
    return handlers.filter((handler) => {
      const state = this.states.get(handler.id);
      return state !== undefined && isAwakened(state, nowMs);
    });
  }

  /** The attempts handler `id` has made (0 when it has no state). */
  retriesOf(id: string): number {
    return this.states.get(id)?.retries ?? 0;
  }

  /** The state for the cause `purpose`; the given handlers' states are re-purposed to it. */
  withPurpose(purpose: string, handlerIds: Iterable<string> = []): ProgressState {
    const states = new Map(this.states);
    for (const id of handlerIds) {
      const state = states.get(id);
      if (state !== undefined) states.set(id, { ...state, purpose });
    }
    return new ProgressState(states, purpose);
  }

  /** The given handlers made active: their stored states, or fresh ones starting at `nowMs`. */
  withHandlers(handlerIds: Iterable<string>, nowMs: number): ProgressState {
    const states = new Map(this.states);
    for (const id of handlerIds) {
      const state = states.get(id);
      states.set(id, state === undefined ? startedAt(nowMs, this.purpose) : { ...state, active: true });
    }
    return new ProgressState(states, this.purpose);
  }

  /** The states advanced by the outcomes of this cycle's attempts, which ended at `nowMs`. */
  withOutcomes(outcomes: ReadonlyMap<string, Outcome>, nowMs: number): ProgressState {
    const unknown = [...outcomes.keys()].filter((id) => !this.states.has(id));
    if (unknown.length) throw new RangeError(`outcomes for handlers without a state: ${unknown.join(', ')}`);
    const states = new Map(this.states);
    for (const [id, outcome] of outcomes) states.set(id, withOutcome(this.states.get(id) as HandlerState, outcome, nowMs));
    return new ProgressState(states, this.purpose);
  }

  /** Writes into the patch every record that differs from what the object holds. */
  store(body: JsonObject, patch: ObjectPatch, storage: ProgressStorage): void {
    for (const [id, state] of this.states) {
      const record = toRecord(state);
      if (!jsonEqual(asStored(record), state.origin as JsonValue | undefined)) storage.store(id, record, body, patch);
    }
  }

  /**
   * Purges the records of the given handlers, of every handler with a state,
   * and of all their sub-handlers; records of other handlers (e.g. of another
   * operator) stay.
   */
  purge(body: JsonObject, patch: ObjectPatch, storage: ProgressStorage, handlerIds: Iterable<string>): void {
    const purged = new Set<string>();
    const purgeOnce = (id: string): void => {
      if (purged.has(id)) return;
      purged.add(id);
      storage.purge(id, body, patch);
    };
    for (const id of handlerIds) purgeOnce(id);
    for (const [id, state] of this.states) {
      purgeOnce(id);
      for (const subref of state.subrefs) purgeOnce(subref);
    }
  }

  /** True when every active handler is finished (so also when there are none). */
  get done(): boolean {
    return [...this.states.values()].every((state) => !state.active || isFinished(state));
  }

  /** The counts of the handlers of the current purpose (and of records without a purpose). */
  get counts(): StateCounters {
    return countStates([...this.states.values()].filter((state) => this.purpose === undefined || state.purpose === undefined || state.purpose === this.purpose));
  }

  /** The counts per other purpose: the causes this one supersedes. */
  get extras(): Map<string, StateCounters> {
    const extras = new Map<string, StateCounters>();
    const purposes = new Set([...this.states.values()].map((state) => state.purpose));
    for (const purpose of purposes) {
      if (purpose === undefined || purpose === this.purpose) continue;
      extras.set(purpose, countStates([...this.states.values()].filter((state) => state.purpose === purpose)));
    }
    return extras;
  }

  /** Seconds until each unfinished active handler is due (0 for those due now). */
  delays(nowMs: number): number[] {
    const now = microsFromMillis(nowMs);
    return [...this.states.values()]
      .filter((state) => state.active && !isFinished(state))
      .map((state) => (state.delayed === undefined ? 0 : Math.max(0, (state.delayed - now) / 1_000_000)));
  }

  /** Seconds until the first unfinished active handler is due; undefined when none is left. */
  delay(nowMs: number): number | undefined {
    const delays = this.delays(nowMs);
    return delays.length ? Math.min(...delays) : undefined;
  }
}

/** The progress a cause starts its cycle with, and the log lines about the causes it supersedes. */
export interface CauseProgress {
  readonly state: ProgressState;
  /** Info lines, e.g. `Creation is superseded by deletion: 1 succeeded; 0 failed; 1 left to the moment.` */
  readonly messages: readonly string[];
}

/**
 * Loads the progress of a cause: the records of all the resource's changing
 * handlers (`ownedIds`), set to the cause's purpose, with the handlers
 * selected for it (`causeIds`) active. Records of another purpose belong to a
 * cause this one supersedes (a creation interrupted by a deletion): each is
 * reported once, the selected handlers' records are re-purposed, and the rest
 * are purged into the patch so the report does not repeat.
 */
export function startCauseProgress(input: {
  body: JsonObject;
  patch: ObjectPatch;
  storage: ProgressStorage;
  reason: string;
  ownedIds: readonly string[];
  causeIds: readonly string[];
  nowMs: number;
}): CauseProgress {
  const { body, patch, storage, reason, ownedIds, causeIds, nowMs } = input;
  let state = ProgressState.fromStorage({ body, storage, handlerIds: ownedIds, nowMs }).withPurpose(reason).withHandlers(causeIds, nowMs);
  const messages: string[] = [];
  for (const [purpose, counters] of state.extras) {
    messages.push(supersededMessage(purpose, reason, counters));
    state = state.withPurpose(reason, causeIds);
  }
  if (state.extras.size) state.purge(body, patch, storage, ownedIds);
  return { state, messages };
}

