import { describe, expect, it } from 'vitest';
import {
  applyFinalizerChanges, canReleaseObject, decideFinalizer, DEFAULT_FINALIZER, finalizerJsonPatch, isDeletionBlocked, isDeletionOngoing,
} from './finalizers.ts';

const F = DEFAULT_FINALIZER;
const RV = { op: 'test', path: '/metadata/resourceVersion', value: '42' };

describe('deletion state', () => {
  it('sees deletion ongoing only with a deletionTimestamp', () => {
    expect(isDeletionOngoing({})).toBe(false);
    expect(isDeletionOngoing({ metadata: {} })).toBe(false);
    expect(isDeletionOngoing({ metadata: { deletionTimestamp: null } })).toBe(false);
    expect(isDeletionOngoing({ metadata: { deletionTimestamp: '2020-01-01T00:00:00Z' } })).toBe(true);
  });

  it('sees deletion blocked only by our finalizer', () => {
    expect(isDeletionBlocked({}, F)).toBe(false);
    expect(isDeletionBlocked({ metadata: { finalizers: ['other'] } }, F)).toBe(false);
    expect(isDeletionBlocked({ metadata: { finalizers: ['other', F] } }, F)).toBe(true);
  });
});

describe('applyFinalizerChanges', () => {
  it('adds once and removes every copy', () => {
    expect(applyFinalizerChanges([], [{ action: 'add', finalizer: F }, { action: 'add', finalizer: F }])).toEqual([F]);
    expect(applyFinalizerChanges([F, 'x', F], [{ action: 'remove', finalizer: F }])).toEqual(['x']);
    expect(applyFinalizerChanges(['x'], [{ action: 'add', finalizer: F }, { action: 'remove', finalizer: F }])).toEqual(['x']);
  });
});

describe('finalizerJsonPatch', () => {
  const body = (finalizers?: string[]) => ({ metadata: { resourceVersion: '42', ...(finalizers ? { finalizers } : {}) } });

  it('creates the list when there is none', () => {
    expect(finalizerJsonPatch(body(), [{ action: 'add', finalizer: F }]))
      .toEqual([RV, { op: 'add', path: '/metadata/finalizers', value: [F] }]);
  });

  it('appends to an existing list', () => {
    expect(finalizerJsonPatch(body(['a', 'b']), [{ action: 'add', finalizer: F }]))
      .toEqual([RV, { op: 'add', path: '/metadata/finalizers/2', value: F }]);
  });

  it('removes the whole list when ours was the last one', () => {
    expect(finalizerJsonPatch(body([F]), [{ action: 'remove', finalizer: F }]))
      .toEqual([RV, { op: 'remove', path: '/metadata/finalizers' }]);
  });

  it('removes ours from the middle of a list', () => {
    expect(finalizerJsonPatch(body(['a', F, 'b']), [{ action: 'remove', finalizer: F }]))
      .toEqual([RV, { op: 'remove', path: '/metadata/finalizers/1' }]);
  });

  it('removes duplicates from the highest index down', () => {
    expect(finalizerJsonPatch(body([F, 'a', F]), [{ action: 'remove', finalizer: F }]))
      .toEqual([RV, { op: 'remove', path: '/metadata/finalizers/2' }, { op: 'remove', path: '/metadata/finalizers/0' }]);
  });

  it('moves ours to the end when removed and added again', () => {
    expect(finalizerJsonPatch(body([F, 'a']), [{ action: 'remove', finalizer: F }, { action: 'add', finalizer: F }]))
      .toEqual([RV, { op: 'remove', path: '/metadata/finalizers/0' }, { op: 'add', path: '/metadata/finalizers/1', value: F }]);
  });

  it('is empty when nothing changes', () => {
    expect(finalizerJsonPatch(body([F]), [{ action: 'add', finalizer: F }])).toEqual([]);
    expect(finalizerJsonPatch(body(['a']), [{ action: 'remove', finalizer: F }])).toEqual([]);
    expect(finalizerJsonPatch(body(), [])).toEqual([]);
  });

  it('tests a null resourceVersion when the body has none', () => {
    expect(finalizerJsonPatch({}, [{ action: 'add', finalizer: F }])[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: null });
  });
});

describe('decideFinalizer', () => {
  const deleting = { deletionTimestamp: '2020-01-01T00:00:00Z' };

  it('adds the finalizer when required and not yet there', () => {
    expect(decideFinalizer({ body: { metadata: {} }, finalizer: F, required: true })).toEqual({
      change: { action: 'add', finalizer: F },
      message: 'Adding the finalizer, thus preventing the actual deletion.',
    });
  });

  it('does not add the finalizer to an object already being deleted', () => {
    expect(decideFinalizer({ body: { metadata: deleting }, finalizer: F, required: true })).toBeUndefined();
  });

  it('keeps the finalizer when required and there', () => {
    expect(decideFinalizer({ body: { metadata: { finalizers: [F] } }, finalizer: F, required: true })).toBeUndefined();
  });

  it('removes the finalizer when nothing requires it, even during deletion', () => {
    const expected = { change: { action: 'remove', finalizer: F }, message: 'Removing the finalizer, as there are no handlers requiring it.' };
    expect(decideFinalizer({ body: { metadata: { finalizers: [F] } }, finalizer: F, required: false })).toEqual(expected);
    expect(decideFinalizer({ body: { metadata: { ...deleting, finalizers: [F] } }, finalizer: F, required: false })).toEqual(expected);
  });

  it('does nothing when not required and absent', () => {
    expect(decideFinalizer({ body: {}, finalizer: F, required: false })).toBeUndefined();
  });
});

describe('canReleaseObject', () => {
  const held = { metadata: { deletionTimestamp: '2020-01-01T00:00:00Z', finalizers: [F] } };

  it('releases a deleted object held by us with nothing delayed', () => {
    expect(canReleaseObject({ eventType: 'MODIFIED', body: held, finalizer: F, delays: [] })).toBe(true);
    expect(canReleaseObject({ eventType: undefined, body: held, finalizer: F, delays: [] })).toBe(true);
  });

  it('waits while something is delayed, even by zero seconds', () => {
    expect(canReleaseObject({ eventType: 'MODIFIED', body: held, finalizer: F, delays: [0] })).toBe(false);
  });

  it('never releases on a DELETED event', () => {
    expect(canReleaseObject({ eventType: 'DELETED', body: held, finalizer: F, delays: [] })).toBe(false);
  });

  it('does not release objects not being deleted or not held by us', () => {
    expect(canReleaseObject({ eventType: 'MODIFIED', body: { metadata: { finalizers: [F] } }, finalizer: F, delays: [] })).toBe(false);
    expect(canReleaseObject({ eventType: 'MODIFIED', body: { metadata: { deletionTimestamp: 'x', finalizers: ['a'] } }, finalizer: F, delays: [] })).toBe(false);
  });
});
