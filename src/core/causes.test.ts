import { describe, expect, it } from 'vitest';
import {
  capitalizedTitle, causeTitle, detectChangingCause, diffBaseToStore, diffMessage, essentialChange, HANDLER_REASONS, inProgressMessage, isHandlerReason, isInitial,
  processedMessage, QUIET_CAUSE_MESSAGES, supersededMessage, type CauseInput,
} from './causes.ts';
import { diff } from './diff.ts';
import { AnnotationsDiffBaseStorage } from './diff-base.ts';
import { SmartProgressStorage } from './progress-storage.ts';

const FINALIZER = 'fin';
const SPEC = { spec: { field: 'value' } };

type EventType = CauseInput['eventType'];
const REGULAR_EVENTS: EventType[] = ['ADDED', 'MODIFIED', undefined];
const OUR_FINALIZERS = [[FINALIZER], ['irrelevant', FINALIZER, 'another']];
const NO_FINALIZERS = [undefined, ['irrelevant', 'another']];
const NO_DELETION = [undefined, null];

function input(overrides: Partial<CauseInput> & { finalizers?: string[]; deletionTimestamp?: string | null }): CauseInput {
  const { finalizers, deletionTimestamp, ...rest } = overrides;
  const metadata: Record<string, unknown> = {};
  if (finalizers !== undefined) metadata.finalizers = finalizers;
  if (deletionTimestamp !== undefined) metadata.deletionTimestamp = deletionTimestamp;
  const old = 'old' in rest ? rest.old : SPEC;
  return {
    eventType: 'MODIFIED', body: { metadata, ...SPEC } as never, finalizer: FINALIZER, initial: false,
    diff: diff(old, SPEC), ...rest, old,
  };
}

// The matrix of Kopf's tests/causation/test_detection.py.
describe('detectChangingCause', () => {
  describe.each([true, false])('with initial=%s', (initial) => {
    it.each([...OUR_FINALIZERS, ...NO_FINALIZERS])('sees a DELETED event as gone, whatever the finalizers (%j)', (finalizers) => {
      for (const deletionTimestamp of [undefined, null, 'some']) {
        for (const old of [undefined, SPEC, { spec: { field: 'other' } }]) {
          expect(detectChangingCause(input({ eventType: 'DELETED', finalizers, deletionTimestamp, old, initial })).reason).toBe('gone');
        }
      }
    });

    it.each(REGULAR_EVENTS)('sees a deletion without our finalizer as free (%s)', (eventType) => {
      for (const finalizers of NO_FINALIZERS) {
        expect(detectChangingCause(input({ eventType, finalizers, deletionTimestamp: 'some', initial })).reason).toBe('free');
        expect(detectChangingCause(input({ eventType, finalizers, deletionTimestamp: 'some', initial, old: undefined })).reason).toBe('free');
      }
    });

    it.each(REGULAR_EVENTS)('sees a deletion held by our finalizer as delete (%s)', (eventType) => {
      for (const finalizers of OUR_FINALIZERS) {
        expect(detectChangingCause(input({ eventType, finalizers, deletionTimestamp: 'some', initial }))).toEqual({ reason: 'delete', initial });
        expect(detectChangingCause(input({ eventType, finalizers, deletionTimestamp: 'some', initial, old: undefined })).reason).toBe('delete');
      }
    });

    it.each(REGULAR_EVENTS)('sees an object without a diff-base as created, never as resumed (%s)', (eventType) => {
      for (const finalizers of [...OUR_FINALIZERS, ...NO_FINALIZERS]) {
        for (const deletionTimestamp of NO_DELETION) {
          expect(detectChangingCause(input({ eventType, finalizers, deletionTimestamp, initial, old: undefined }))).toEqual({ reason: 'create', initial: false });
        }
      }
    });

    it.each(REGULAR_EVENTS)('sees a changed essence as an update (%s)', (eventType) => {
      for (const deletionTimestamp of NO_DELETION) {
        expect(detectChangingCause(input({ eventType, deletionTimestamp, initial, old: { spec: { field: 'other' } } }))).toEqual({ reason: 'update', initial });
      }
    });
  });

  it.each(REGULAR_EVENTS)('sees an unchanged essence as noop (%s)', (eventType) => {
    expect(detectChangingCause(input({ eventType, initial: false }))).toEqual({ reason: 'noop', initial: false });
  });

  it.each(REGULAR_EVENTS)('sees an unchanged essence of an initially listed object as resume (%s)', (eventType) => {
    expect(detectChangingCause(input({ eventType, initial: true }))).toEqual({ reason: 'resume', initial: true });
  });
});

describe('essentialChange', () => {
  const diffBaseStorage = new AnnotationsDiffBaseStorage();
  const progressStorage = new SmartProgressStorage();

  it('has no old essence for a never handled object', () => {
    const change = essentialChange({ body: { kind: 'K', spec: { a: 1 } }, diffBaseStorage, progressStorage });
    expect(change).toEqual({ old: undefined, new: { spec: { a: 1 } }, diff: [['add', [], undefined, { spec: { a: 1 } }]] });
  });

  it('finds no change when only bookkeeping changed', () => {
    const body = {
      spec: { a: 1 },
      metadata: {
        resourceVersion: '99',
        annotations: { 'kopf.zalando.org/last-handled-configuration': '{"spec":{"a":1}}\n', 'kopf.zalando.org/create_fn': '{}', 'kopf.zalando.org/touch-dummy': 'x' },
      },
      status: { create_fn: { message: 'hi' }, kopf: { progress: {} } },
    };
    expect(essentialChange({ body, diffBaseStorage, progressStorage }).diff).toEqual([]);
  });

  it('clears progress annotations from an old diff-base too', () => {
    const body = {
      spec: { a: 1 },
      metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': '{"spec":{"a":1},"metadata":{"annotations":{"kopf.zalando.org/x":"1"}}}' } },
    };
    expect(essentialChange({ body, diffBaseStorage, progressStorage })).toEqual({ old: { spec: { a: 1 } }, new: { spec: { a: 1 } }, diff: [] });
  });

  it('sees watched extra fields change', () => {
    const body = { spec: {}, status: { phase: 'Running' }, metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': '{"spec":{},"status":{"phase":"Pending"}}' } } };
    expect(essentialChange({ body, diffBaseStorage, progressStorage, extraFields: [['status', 'phase']] }).diff)
      .toEqual([['change', ['status', 'phase'], 'Pending', 'Running']]);
    expect(essentialChange({ body, diffBaseStorage, progressStorage }).diff).toEqual([['remove', ['status'], { phase: 'Pending' }, undefined]]);
  });
});

describe('diffBaseToStore', () => {
  it('stores the new essence when it differs from the old one or there was none', () => {
    expect(diffBaseToStore({ old: undefined, new: { spec: {} }, diff: [['add', [], undefined, { spec: {} }]] })).toEqual({ spec: {} });
    expect(diffBaseToStore({ old: { spec: { a: 1 } }, new: { spec: { a: 2 } }, diff: [] })).toEqual({ spec: { a: 2 } });
  });

  it('stores nothing when the essence is unchanged', () => {
    expect(diffBaseToStore({ old: { spec: { a: 1 } }, new: { spec: { a: 1 } }, diff: [] })).toBeUndefined();
  });
});

describe('isInitial', () => {
  it('is true only for listed objects not yet fully handled', () => {
    expect(isInitial({ noticedByListing: true, fullyHandledOnce: false })).toBe(true);
    expect(isInitial({ noticedByListing: true, fullyHandledOnce: true })).toBe(false);
    expect(isInitial({ noticedByListing: false, fullyHandledOnce: false })).toBe(false);
  });
});

describe('log lines', () => {
  it('names the handler reasons as Kopf does', () => {
    expect(HANDLER_REASONS.map(causeTitle)).toEqual(['creation', 'updating', 'deletion', 'resuming']);
    expect(HANDLER_REASONS.map(capitalizedTitle)).toEqual(['Creation', 'Updating', 'Deletion', 'Resuming']);
    expect(causeTitle('odd')).toBe("'odd'");
    expect(isHandlerReason('noop')).toBe(false);
  });

  it('words the cycle lines as Kopf does', () => {
    expect(processedMessage('create', { success: 1, failure: 0, running: 0 })).toBe('Creation is processed: 1 succeeded; 0 failed.');
    expect(supersededMessage('create', 'delete', { success: 1, failure: 1, running: 1 }))
      .toBe('Creation is superseded by deletion: 1 succeeded; 1 failed; 1 left to the moment.');
    expect(inProgressMessage('update', '{...}')).toBe('Updating is in progress: {...}');
    expect(QUIET_CAUSE_MESSAGES.gone).toBe('Deleted, really deleted, and we are notified.');
    expect(QUIET_CAUSE_MESSAGES.free).toBe('Deletion, but we are done with it, and we do not care.');
    expect(QUIET_CAUSE_MESSAGES.noop).toBe('Something has changed, but we are not interested (the essence is the same).');
  });

  it('writes the diff of a cause as JSON items with dotted paths', () => {
    const changes = diff({ spec: { a: 1, gone: 'x' } }, { spec: { a: 2, added: [1] } });
    expect(diffMessage('update', changes))
      .toBe('Updating diff: [["add","spec.added",null,[1]],["remove","spec.gone","x",null],["change","spec.a",1,2]]');
    expect(diffMessage('create', [['add', [], undefined, { spec: {} }]])).toBe('Creation diff: [["add","",null,{"spec":{}}]]');
    expect(diffMessage('resume', [])).toBe('Resuming diff: []');
  });
});
