import { describe, expect, it } from 'vitest';
import { HANDLER_REASONS } from './causes.ts';
import type { Outcome } from './handler-outcome.ts';
import { parseTimestamp } from './kopf-time.ts';
import { mergePatchRequests, ObjectPatch } from './object-patch.ts';
import { isAwakened, isFinished, isSleeping, ProgressState, runtimeSeconds, startCauseProgress, toRecord } from './progress.ts';
import { SmartProgressStorage, StatusProgressStorage } from './progress-storage.ts';

// Timestamps as in Kopf's tests/persistence/test_states.py: zero (0), before (B), after (A), zero+1s (1).
const TSB_ISO = '2020-12-31T23:59:59.000000+00:00';
const TS0_ISO = '2020-12-31T23:59:59.123456+00:00';
const TS1_ISO = '2021-01-01T00:00:00.123456+00:00';
const TSA_ISO = '2020-12-31T23:59:59.999999+00:00';
const NOW = parseTimestamp(TS0_ISO) / 1000;

// As Kopf's own state tests, these use the status storage: its records are plain objects, easy to write by hand.
const storage = new StatusProgressStorage();
const withRecord = (record: Record<string, unknown>) => ({ status: { kopf: { progress: { 'some-id': record } } } });
const loaded = (body: Record<string, unknown>, ids = ['some-id']) => ProgressState.fromStorage({ body: body as never, storage, handlerIds: ids, nowMs: NOW });
const active = (body: Record<string, unknown>) => loaded(body).withHandlers(['some-id'], NOW);
const storedRecord = (state: ProgressState, body: Record<string, unknown> = {}) => {
  const patch = new ObjectPatch();
  state.store(body as never, patch, storage);
  return patch.get(['status', 'kopf', 'progress', 'some-id']) as Record<string, unknown>;
};
const outcome = (value: Outcome) => new Map([['some-id', value]]);

describe('ProgressState', () => {
  it('starts empty and done', () => {
    const state = ProgressState.empty();
    expect(state.size).toBe(0);
    expect(state.purpose).toBeUndefined();
    expect(state.done).toBe(true);
    expect(state.delay(NOW)).toBeUndefined();
    expect(state.delays(NOW)).toEqual([]);
    expect(state.counts).toEqual({ success: 0, failure: 0, running: 0 });
    expect(state.extras).toEqual(new Map());
  });

  it.each([{}, { status: {} }, { status: { kopf: {} } }, { status: { kopf: { progress: {} } } }])('is empty from an empty storage (%j)', (body) => {
    expect(loaded(body).size).toBe(0);
    expect(loaded(body).done).toBe(true);
  });

  it('reads only the records of the given handlers', () => {
    expect(loaded(withRecord({ success: true }), []).size).toBe(0);
  });

  it('loads stored records as passive and makes the cause’s handlers active', () => {
    expect(loaded(withRecord({})).get('some-id')?.active).toBe(false);
    expect(active(withRecord({})).get('some-id')?.active).toBe(true);
    expect(ProgressState.empty().withHandlers(['some-id'], NOW).get('some-id')?.active).toBe(true);
  });

  it('passes outcomes through for passive states too', () => {
    const state = loaded(withRecord({})).withOutcomes(outcome({ final: true }), NOW);
    expect(state.get('some-id')).toMatchObject({ active: false, success: true });
  });

  it('rejects outcomes of handlers it has no state for', () => {
    expect(() => ProgressState.empty().withOutcomes(outcome({ final: true }), NOW)).toThrow(/without a state: some-id/);
  });

  it('counts only active handlers for done and delays', () => {
    const passive = loaded(withRecord({}));
    expect(passive.done).toBe(true);
    expect(passive.delays(NOW)).toEqual([]);
    const running = active(withRecord({}));
    expect(running.done).toBe(false);
    expect(running.delays(NOW)).toEqual([0]);
    expect(active(withRecord({ success: true })).done).toBe(true);
  });

  describe('purposes', () => {
    it('reads the purpose from storage, keeps it through handlers and outcomes, and re-purposes', () => {
      expect(loaded(withRecord({})).get('some-id')?.purpose).toBeUndefined();
      expect(loaded(withRecord({ purpose: 'create' })).get('some-id')?.purpose).toBe('create');
      const state = ProgressState.empty().withPurpose('update').withHandlers(['some-id'], NOW);
      expect(state.purpose).toBe('update');
      expect(state.get('some-id')?.purpose).toBe('update');
      expect(state.withOutcomes(outcome({ final: true }), NOW).purpose).toBe('update');
      expect(state.withPurpose('delete', ['some-id']).get('some-id')?.purpose).toBe('delete');
      expect(state.withPurpose('delete').get('some-id')?.purpose).toBe('update');
    });

    it.each(HANDLER_REASONS.flatMap((stored) => HANDLER_REASONS.filter((r) => r !== stored).map((processed) => [stored, processed])))(
      'reports records of %s as extras when processing %s', (stored, processed) => {
        for (const [record, counters] of [
          [{}, { success: 0, failure: 0, running: 1 }],
          [{ failure: true }, { success: 0, failure: 1, running: 0 }],
          [{ success: true }, { success: 1, failure: 0, running: 0 }],
        ] as const) {
          const state = loaded(withRecord({ ...record, purpose: stored })).withPurpose(processed);
          expect(state.extras).toEqual(new Map([[stored, counters]]));
          expect(state.counts).toEqual({ success: 0, failure: 0, running: 0 });
          expect(state.done).toBe(true);
          expect(state.delays(NOW)).toEqual([]);
        }
      },
    );

    it.each(HANDLER_REASONS)('counts records of the same purpose %s', (reason) => {
      for (const [record, counts, done, delays] of [
        [{}, { success: 0, failure: 0, running: 1 }, false, [0]],
        [{ failure: true }, { success: 0, failure: 1, running: 0 }, true, []],
        [{ success: true }, { success: 1, failure: 0, running: 0 }, true, []],
        [{ delayed: TS1_ISO }, { success: 0, failure: 0, running: 1 }, false, [1]],
      ] as const) {
        const state = loaded(withRecord({ ...record, purpose: reason })).withPurpose(reason).withHandlers(['some-id'], NOW);
        expect(state.extras).toEqual(new Map());
        expect(state.counts).toEqual(counts);
        expect(state.done).toBe(done);
        expect(state.delays(NOW)).toEqual(delays);
      }
    });

    it.each(['create', 'update', 'resume'])('lets a deletion supersede an unfinished %s (Kopf issue 601)', (reason) => {
      const body = {
        status: {
          kopf: {
            progress: {
              fn1: { purpose: reason, failure: true },
              fn2: { purpose: reason, success: true },
              fn3: { purpose: reason, delayed: TS1_ISO },
            },
          },
        },
      };
      let state = loaded(body, ['fn1', 'fn2', 'fn3', 'delete_fn']).withPurpose('delete').withHandlers(['delete_fn'], NOW);
      expect(state.size).toBe(4);
      expect(state.extras).toEqual(new Map([[reason, { success: 1, failure: 1, running: 1 }]]));
      expect(state.counts).toEqual({ success: 0, failure: 0, running: 1 });
      expect(state.done).toBe(false);
      expect(state.delays(NOW)).toEqual([0]);

      state = state.withOutcomes(new Map([['delete_fn', { final: true }]]), NOW);
      expect(state.extras).toEqual(new Map([[reason, { success: 1, failure: 1, running: 1 }]]));
      expect(state.counts).toEqual({ success: 1, failure: 0, running: 0 });
      expect(state.done).toBe(true);
      expect(state.delays(NOW)).toEqual([]);
    });
  });

  describe('times', () => {
    it('starts a fresh handler now', () => {
      expect(storedRecord(ProgressState.empty().withHandlers(['some-id'], NOW)).started).toBe(TS0_ISO);
    });

    it.each([
      [TS0_ISO, {}],
      [TS0_ISO, { started: null }],
      [TS0_ISO, { started: TS0_ISO }],
      [TSB_ISO, { started: TSB_ISO }],
      [TSA_ISO, { started: TSA_ISO }],
    ])('keeps the stored start %s (%j), even when activated later', (expected, record) => {
      const state = loaded(withRecord(record));
      expect(storedRecord(state).started).toBe(expected);
      expect(storedRecord(state.withHandlers(['some-id'], NOW + 123_000)).started).toBe(expected);
    });

    it.each([
      [0, {}],
      [0, { started: TS0_ISO }],
      [0.123456, { started: TSB_ISO }],
      [-0.876543, { started: TSA_ISO }],
    ])('measures a runtime of %f seconds from %j', (expected, record) => {
      expect(runtimeSeconds(active(withRecord(record)).get('some-id')!, NOW)).toBeCloseTo(expected, 6);
    });

    it.each([
      [false, {}], [false, { success: false }], [false, { failure: null }],
      [true, { success: true }], [true, { failure: true }],
    ])('is finished=%s for %j', (expected, record) => {
      expect(isFinished(active(withRecord(record)).get('some-id')!)).toBe(expected);
    });

    it.each([
      [false, true, { success: true }],
      [false, false, { failure: true, delayed: TSA_ISO }],
      [false, true, {}],
      [false, true, { delayed: null }],
      [false, true, { delayed: TS0_ISO }],
      [false, true, { delayed: TSB_ISO }],
      [true, false, { delayed: TSA_ISO }],
      [true, false, { delayed: TSA_ISO, success: null }],
    ])('is sleeping=%s and awakened=%s for %j', (sleeping, awakened, record) => {
      const state = active(withRecord(record)).get('some-id')!;
      expect(isSleeping(state, NOW)).toBe(sleeping);
      expect(isAwakened(state, NOW)).toBe(awakened && !isFinished(state));
    });

    it.each([[0, {}], [0, { retries: null }], [6, { retries: 6 }]])('reads %i retries from %j', (expected, record) => {
      const state = active(withRecord(record));
      expect(state.get('some-id')?.retries).toBe(expected);
      expect(state.retriesOf('some-id')).toBe(expected);
    });

    it('selects the handlers due now: not finished, not sleeping, with a state', () => {
    const body = { status: { kopf: { progress: { done: { success: true }, later: { delayed: TSA_ISO }, now: { delayed: TSB_ISO }, fresh: {} } } } };
    const handlers = ['done', 'later', 'now', 'fresh', 'unknown'].map((id) => ({ id }));
    const state = loaded(body, ['done', 'later', 'now', 'fresh']);
    expect(state.due(handlers, NOW).map((h) => h.id)).toEqual(['now', 'fresh']);
  });

  it('has 0 retries for unknown handlers', () => {
      expect(ProgressState.empty().retriesOf('x')).toBe(0);
    });
  });

  describe('outcomes', () => {
    it.each([
      [1, undefined, undefined, {}],
      [1, TS0_ISO, 0, {}],
      [1, TS1_ISO, 1, {}],
      [1, TS1_ISO, 1, { retries: null }],
      [6, undefined, undefined, { retries: 5 }],
      [6, TS1_ISO, 1, { retries: 5 }],
    ])('counts attempt %i and sets the retry time %s after a delay of %s (from %j)', (retries, delayed, delay, record) => {
      const state = active(withRecord(record)).withOutcomes(outcome({ final: false, delay }), NOW);
      expect(storedRecord(state)).toMatchObject({ retries, delayed: delayed ?? null, success: false, failure: false, stopped: null });
    });

    it.each([[1, {}], [6, { retries: 5 }]])('stores a failure as attempt %i', (retries, record) => {
      const state = active(withRecord(record)).withOutcomes(outcome({ final: true, error: new Error('some-error') }), NOW);
      expect(storedRecord(state)).toMatchObject({ success: false, failure: true, retries, stopped: TS0_ISO, message: 'some-error' });
    });

    it.each([[1, {}], [6, { retries: 5 }]])('stores a success as attempt %i', (retries, record) => {
      const state = active(withRecord(record)).withOutcomes(outcome({ final: true, result: { a: 1 } }), NOW);
      expect(storedRecord(state)).toMatchObject({ success: true, failure: false, retries, stopped: TS0_ISO, message: null });
    });

    it('keeps the first stop time', () => {
      const state = active(withRecord({ stopped: TSB_ISO })).withOutcomes(outcome({ final: true }), NOW);
      expect(storedRecord(state).stopped).toBe(TSB_ISO);
    });

    it('keeps the message of a retried error and clears it on success', () => {
      const retried = active(withRecord({})).withOutcomes(outcome({ final: false, delay: 60, error: new Error('not yet') }), NOW);
      expect(storedRecord(retried).message).toBe('not yet');
      expect(storedRecord(retried.withOutcomes(outcome({ final: true }), NOW)).message).toBeNull();
    });

    it('collects sub-handler ids, sorted and deduplicated', () => {
      const fresh = active({}).withOutcomes(outcome({ final: true, subrefs: ['sub2/b', 'sub2/a', 'sub2', 'sub1', 'sub3'] }), NOW);
      expect(storedRecord(fresh).subrefs).toEqual(['sub1', 'sub2', 'sub2/a', 'sub2/b', 'sub3']);
      const more = active(withRecord({ subrefs: ['sub9/2', 'sub9/1', 'sub1'] }))
        .withOutcomes(outcome({ final: true, subrefs: ['sub2/b', 'sub2/a', 'sub2', 'sub1', 'sub3'] }), NOW);
      expect(storedRecord(more).subrefs).toEqual(['sub1', 'sub2', 'sub2/a', 'sub2/b', 'sub3', 'sub9/1', 'sub9/2']);
      expect(storedRecord(active({}).withOutcomes(outcome({ final: true, subrefs: [] }), NOW)).subrefs).toBeNull();
    });
  });

  describe('store', () => {
    it('writes records that changed, and only those', () => {
      const unchanged = { started: TS0_ISO, purpose: 'create', retries: 1, success: false, failure: false };
      const body = { status: { kopf: { progress: { 'some-id': unchanged } } } };
      const state = loaded(body).withPurpose('create').withHandlers(['some-id'], NOW);
      const patch = new ObjectPatch();
      state.store(body as never, patch, storage);
      expect(patch.isEmpty).toBe(true);
      const after = state.withOutcomes(outcome({ final: true }), NOW);
      after.store(body as never, patch, storage);
      expect(patch.isEmpty).toBe(false);
    });

    it('does not change the body', () => {
      const body = {};
      ProgressState.empty().withHandlers(['some-id'], NOW).store(body, new ObjectPatch(), storage);
      expect(body).toEqual({});
    });

    it('rewrites a naive timestamp of an old version once, as UTC', () => {
      const naive = { status: { kopf: { progress: { 'some-id': { started: '2020-12-31T23:59:59.123456', retries: 0, success: false, failure: false } } } } };
      expect(storedRecord(loaded(naive), naive).started).toBe(TS0_ISO);
    });
  });

  describe('purge', () => {
    it('nulls records the object has', () => {
      const body = withRecord({ retries: 5 });
      const patch = new ObjectPatch();
      loaded(body).purge(body as never, patch, storage, ['some-id']);
      expect(patch.mergeBody()).toEqual({ status: { kopf: { progress: { 'some-id': null } } } });
    });

    it('leaves nothing to write when the object has no records', () => {
      const patch = new ObjectPatch();
      loaded({}).purge({}, patch, storage, ['some-id']);
      expect(patch.isEmpty).toBe(true);
    });

    it('drops records that only this patch has', () => {
      const patch = new ObjectPatch({ merge: withRecord({ retries: 5 }) as never });
      loaded({}).purge({}, patch, storage, ['some-id']);
      expect(patch.isEmpty).toBe(true);
    });

    it('purges records known only from storage or only as handlers', () => {
      const body = withRecord({ retries: 5 });
      const fromStorage = new ObjectPatch();
      loaded(body).purge(body as never, fromStorage, storage, []);
      expect(fromStorage.mergeBody()).toEqual({ status: { kopf: { progress: { 'some-id': null } } } });
      const fromHandlers = new ObjectPatch();
      loaded(body, []).purge(body as never, fromHandlers, storage, ['some-id']);
      expect(fromHandlers.mergeBody()).toEqual({ status: { kopf: { progress: { 'some-id': null } } } });
    });

    it('cascades to sub-handlers, leaving unrelated records', () => {
      const body = { status: { kopf: { progress: { 'some-id': { subrefs: ['sub1', 'sub2', 'sub3'] }, sub1: {}, sub2: {}, 'sub-unrelated': {} } } } };
      const patch = new ObjectPatch();
      loaded(body).purge(body as never, patch, storage, ['some-id']);
      expect(patch.mergeBody()).toEqual({ status: { kopf: { progress: { 'some-id': null, sub1: null, sub2: null } } } });
    });
  });

  it('writes a record with every field, as Kopf’s for_storage does', () => {
    const state = ProgressState.empty().withPurpose('create').withHandlers(['fn'], NOW);
    expect(toRecord(state.get('fn')!)).toEqual({
      started: TS0_ISO, stopped: null, delayed: null, purpose: 'create', retries: 0, success: false, failure: false, message: null, subrefs: null,
    });
  });
});

describe('startCauseProgress', () => {
  const smart = new SmartProgressStorage();

  it('activates the cause’s handlers with its purpose', () => {
    const patch = new ObjectPatch();
    const { state, messages } = startCauseProgress({ body: {}, patch, storage: smart, reason: 'create', ownedIds: ['a', 'b', 'd'], causeIds: ['a', 'b'], nowMs: NOW });
    expect(state.ids()).toEqual(['a', 'b']);
    expect(state.purpose).toBe('create');
    expect(state.get('a')).toMatchObject({ active: true, purpose: 'create' });
    expect(messages).toEqual([]);
    expect(patch.isEmpty).toBe(true);
  });

  it('reports a superseded cause once, re-purposes the selected handlers and purges the rest', () => {
    const body = {
      metadata: {
        annotations: {
          'kopf.zalando.org/create_a': '{"started":"2020-12-31T23:59:59.000000+00:00","purpose":"create","retries":1,"success":true,"failure":false}',
          'kopf.zalando.org/create_b': '{"started":"2020-12-31T23:59:59.000000+00:00","purpose":"create","retries":0,"success":false,"failure":false}',
        },
      },
    };
    const patch = new ObjectPatch();
    const { state, messages } = startCauseProgress({
      body, patch, storage: smart, reason: 'delete', ownedIds: ['create_a', 'create_b', 'delete_fn'], causeIds: ['delete_fn'], nowMs: NOW,
    });
    expect(messages).toEqual(['Creation is superseded by deletion: 1 succeeded; 0 failed; 1 left to the moment.']);
    expect(patch.mergeBody()).toEqual({ metadata: { annotations: { 'kopf.zalando.org/create_a': null, 'kopf.zalando.org/create_b': null } } });
    expect(state.counts).toEqual({ success: 0, failure: 0, running: 1 });
  });
});

// The annotation traffic of whole cycles, with Kopf's default storages (§5.7 of the reference).
describe('progress through handling cycles', () => {
  const smart = new SmartProgressStorage();

  it('writes and purges the record of a one-cycle creation within the same patch: only the result is sent', () => {
    const patch = new ObjectPatch();
    let { state } = startCauseProgress({ body: {}, patch, storage: smart, reason: 'create', ownedIds: ['create_fn'], causeIds: ['create_fn'], nowMs: NOW });
    state = state.withOutcomes(new Map([['create_fn', { final: true, result: { message: 'hello world' } }]]), NOW);
    state.store({}, patch, smart);
    patch.deliverResult('create_fn', { message: 'hello world' });
    expect(state.done).toBe(true);
    state.purge({}, patch, smart, ['create_fn']);
    patch.set(['metadata', 'annotations', 'kopf.zalando.org/last-handled-configuration'], '{"spec":{}}\n');
    expect(mergePatchRequests(patch, { statusSubresource: true })).toHaveLength(2);
    expect(mergePatchRequests(patch, { statusSubresource: false })).toHaveLength(1);
    expect(patch.mergeBody()).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': '{"spec":{}}\n' } },
      status: { create_fn: { message: 'hello world' } },
    });
  });

  it('stores a temporary failure as Kopf does, then purges it on success', () => {
    const first = new ObjectPatch();
    let { state } = startCauseProgress({ body: {}, patch: first, storage: smart, reason: 'create', ownedIds: ['create_fn'], causeIds: ['create_fn'], nowMs: NOW });
    state = state.withOutcomes(new Map([['create_fn', { final: false, delay: 1, error: new Error('Not ready') }]]), NOW);
    state.store({}, first, smart);
    const record = '{"started":"2020-12-31T23:59:59.123456+00:00","delayed":"2021-01-01T00:00:00.123456+00:00","purpose":"create","retries":1,"success":false,"failure":false,"message":"Not ready"}';
    expect(first.mergeBody()).toEqual({ metadata: { annotations: { 'kopf.zalando.org/create_fn': record } } });
    expect(state.delays(NOW)).toEqual([1]);

    const body = { metadata: { annotations: { 'kopf.zalando.org/create_fn': record } } };
    const later = NOW + 1000;
    const second = new ObjectPatch();
    let resumed = startCauseProgress({ body, patch: second, storage: smart, reason: 'create', ownedIds: ['create_fn'], causeIds: ['create_fn'], nowMs: later }).state;
    expect(isAwakened(resumed.get('create_fn')!, later)).toBe(true);
    expect(isAwakened(resumed.get('create_fn')!, later - 1)).toBe(false);
    resumed = resumed.withOutcomes(new Map([['create_fn', { final: true }]]), later);
    resumed.store(body, second, smart);
    resumed.purge(body, second, smart, ['create_fn']);
    expect(second.mergeBody()).toEqual({ metadata: { annotations: { 'kopf.zalando.org/create_fn': null } } });
  });

  it('keeps the records of all handlers of a multi-cycle creation until the last one is done', () => {
    const patch = new ObjectPatch();
    let { state } = startCauseProgress({ body: {}, patch, storage: smart, reason: 'create', ownedIds: ['fn1', 'fn2'], causeIds: ['fn1', 'fn2'], nowMs: NOW });
    state = state.withOutcomes(new Map([['fn1', { final: true }]]), NOW);
    state.store({}, patch, smart);
    expect(state.done).toBe(false);
    expect(patch.mergeBody()).toEqual({
      metadata: {
        annotations: {
          'kopf.zalando.org/fn1': '{"started":"2020-12-31T23:59:59.123456+00:00","stopped":"2020-12-31T23:59:59.123456+00:00","purpose":"create","retries":1,"success":true,"failure":false}',
          'kopf.zalando.org/fn2': '{"started":"2020-12-31T23:59:59.123456+00:00","purpose":"create","retries":0,"success":false,"failure":false}',
        },
      },
    });
  });
});
