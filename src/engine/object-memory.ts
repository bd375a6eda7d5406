/**
 * What an operator remembers about one object between its cycles, in this process only (everything
 * that must survive a restart is persisted on the object itself): whether it came with the initial
 * listing and has been fully handled since, its memo, its throttling after framework errors, finalizer
 * changes a conflict left over, and the resourceVersion its own last PATCH produced.
 */
import type { FinalizerChange } from '../core/finalizers.ts';
import { NOT_THROTTLED, type ThrottleState } from '../core/throttle.ts';
import type { Memo } from '../registry/context.ts';
import type { ObjectDaemons } from './daemons.ts';
import type { IndexingMemory } from './indexing.ts';
import type { ObjectLoggers } from './object-logging.ts';

/** The version a cycle's PATCH produced, to be seen in the watch before the next changing handling. */
export interface ExpectedVersion {
  readonly version: string;
  /** Epoch milliseconds after which the wait gives up and the object is handled anyway. */
  readonly deadlineMs: number;
}

/** One object's memory. */
export interface ObjectMemory {
  /** First seen in an initial listing (so resume handlers are due). */
  noticedByListing: boolean;
  /** A changing cause has been fully handled since the operator started. */
  fullyHandledOnce: boolean;
  /** The handlers' per-object memo: a shallow copy of the operator's, made at first sight. */
  readonly memo: Memo;
  throttle: ThrottleState;
  /** Finalizer changes whose JSON patch met a newer object; retried in the next cycle. */
  leftoverFinalizerChanges: FinalizerChange[];
  expected?: ExpectedVersion;
  /** Its indexing retries and exclusions, once indexed. */
  indexing?: IndexingMemory;
  /** Its daemons and timers, once it has had any. */
  daemons?: ObjectDaemons;
  /** Its loggers, once it has had a cycle. */
  loggers?: ObjectLoggers;
}

/** A fresh memory for an object seen for the first time. */
export function newObjectMemory(operatorMemo: Memo, noticedByListing: boolean): ObjectMemory {
  return {
    noticedByListing,
    fullyHandledOnce: false,
    memo: { ...operatorMemo },
    throttle: NOT_THROTTLED,
    leftoverFinalizerChanges: [],
  };
}
