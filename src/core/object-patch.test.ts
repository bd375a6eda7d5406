import { describe, expect, it } from 'vitest';
import { expectedResourceVersion, finalizerPatchRequest, mergePatchRequests, ObjectPatch, patchInconsistencies } from './object-patch.ts';

const F = 'kopf.zalando.org/KopfFinalizerMarker';

describe('ObjectPatch', () => {
  it('starts empty', () => {
    const patch = new ObjectPatch();
    expect(patch.isEmpty).toBe(true);
    expect(patch.mergeBody()).toEqual({});
  });

  it('creates stanzas on use but does not count or send them while empty', () => {
    const patch = new ObjectPatch();
    void patch.labels;
    void patch.annotations;
    void patch.spec;
    void patch.status;
    expect(patch.merge).toEqual({ metadata: { labels: {}, annotations: {} }, spec: {}, status: {} });
    expect(patch.isEmpty).toBe(true);
    expect(patch.mergeBody()).toEqual({});
  });

  it('accumulates writes through the accessors', () => {
    const patch = new ObjectPatch();
    patch.labels.app = 'x';
    patch.annotations['kopf.zalando.org/create_fn'] = null;
    patch.spec.replicas = 3;
    patch.status.phase = 'Running';
    patch.metadata.ownerReferences = [];
    expect(patch.isEmpty).toBe(false);
    expect(patch.mergeBody()).toEqual({
      metadata: { labels: { app: 'x' }, annotations: { 'kopf.zalando.org/create_fn': null }, ownerReferences: [] },
      spec: { replicas: 3 },
      status: { phase: 'Running' },
    });
  });

  it('sets, reads and unsets fields by path, dropping emptied parents', () => {
    const patch = new ObjectPatch();
    patch.set(['status', 'kopf', 'progress', 'fn'], { retries: 1 });
    expect(patch.get(['status', 'kopf', 'progress', 'fn'])).toEqual({ retries: 1 });
    expect(patch.has(['status', 'kopf'])).toBe(true);
    patch.unset(['status', 'kopf', 'progress', 'fn']);
    expect(patch.merge).toEqual({});
    expect(patch.has(['status'])).toBe(false);
  });

  it('keeps an explicit null as a deletion', () => {
    const patch = new ObjectPatch();
    patch.set(['metadata', 'annotations', 'k'], null);
    expect(patch.has(['metadata', 'annotations', 'k'])).toBe(true);
    expect(patch.get(['metadata', 'annotations', 'k'])).toBeNull();
  });

  it('is not empty with finalizer changes alone', () => {
    const patch = new ObjectPatch();
    patch.addFinalizer(F);
    expect(patch.isEmpty).toBe(false);
    expect(patch.finalizerChanges).toEqual([{ action: 'add', finalizer: F }]);
  });

  it('carries finalizer changes left over from a previous cycle', () => {
    const patch = new ObjectPatch({ finalizerChanges: [{ action: 'remove', finalizer: F }] });
    expect(patch.finalizerChanges).toEqual([{ action: 'remove', finalizer: F }]);
  });

  describe('deliverResult', () => {
    it('puts scalars and arrays at status.<id>', () => {
      const patch = new ObjectPatch();
      patch.deliverResult('fn1', 'string');
      patch.deliverResult('fn2', [1, 2]);
      patch.deliverResult('fn3', 0);
      expect(patch.mergeBody()).toEqual({ status: { fn1: 'string', fn2: [1, 2], fn3: 0 } });
    });

    it('merges objects shallowly into what is already there', () => {
      const patch = new ObjectPatch();
      patch.deliverResult('fn', { a: 1, nested: { x: 1 } });
      patch.deliverResult('fn', { b: 2, nested: { y: 2 } });
      expect(patch.mergeBody()).toEqual({ status: { fn: { a: 1, b: 2, nested: { y: 2 } } } });
    });

    it('replaces a scalar with an object and an object with a scalar', () => {
      const patch = new ObjectPatch();
      patch.deliverResult('fn', 'x');
      patch.deliverResult('fn', { a: 1 });
      expect(patch.get(['status', 'fn'])).toEqual({ a: 1 });
      patch.deliverResult('fn', 'y');
      expect(patch.get(['status', 'fn'])).toBe('y');
    });

    it('delivers nothing for undefined and null', () => {
      const patch = new ObjectPatch();
      patch.deliverResult('fn', undefined);
      patch.deliverResult('fn', null);
      expect(patch.isEmpty).toBe(true);
    });

    it('copies the result so later changes to it do not leak in', () => {
      const patch = new ObjectPatch();
      const result = { message: 'hello world' };
      patch.deliverResult('create_fn', result);
      result.message = 'changed';
      expect(patch.mergeBody()).toEqual({ status: { create_fn: { message: 'hello world' } } });
    });
  });
});

describe('mergePatchRequests', () => {
  const patchOf = (merge: Record<string, unknown>) => new ObjectPatch({ merge: structuredClone(merge) as never });

  it('sends nothing for an empty patch', () => {
    expect(mergePatchRequests(new ObjectPatch(), { statusSubresource: true })).toEqual([]);
    expect(mergePatchRequests(new ObjectPatch(), { statusSubresource: false })).toEqual([]);
  });

  it('splits status off to /status when it is a subresource (Kopf’s 2 PATCHes of a creation)', () => {
    const patch = patchOf({ metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': '{}\n' } }, status: { create_fn: { message: 'hi' } } });
    expect(mergePatchRequests(patch, { statusSubresource: true })).toEqual([
      { contentType: 'application/merge-patch+json', body: { metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': '{}\n' } } } },
      { subresource: 'status', contentType: 'application/merge-patch+json', body: { status: { create_fn: { message: 'hi' } } } },
    ]);
  });

  it('sends everything in one request without a status subresource', () => {
    const patch = patchOf({ metadata: { labels: { a: 'b' } }, status: { x: 1 } });
    expect(mergePatchRequests(patch, { statusSubresource: false })).toEqual([
      { contentType: 'application/merge-patch+json', body: { metadata: { labels: { a: 'b' } }, status: { x: 1 } } },
    ]);
  });

  it('sends only /status when only status changes', () => {
    const patch = patchOf({ status: { x: 1 } });
    expect(mergePatchRequests(patch, { statusSubresource: true })).toEqual([
      { subresource: 'status', contentType: 'application/merge-patch+json', body: { status: { x: 1 } } },
    ]);
  });

  it('sends only the object when only non-status fields change', () => {
    const patch = patchOf({ spec: { x: 1 } });
    void patch.status;
    expect(mergePatchRequests(patch, { statusSubresource: true })).toEqual([
      { contentType: 'application/merge-patch+json', body: { spec: { x: 1 } } },
    ]);
  });
});

describe('finalizerPatchRequest', () => {
  it('builds the JSON patch against the freshest body', () => {
    const patch = new ObjectPatch();
    patch.addFinalizer(F);
    expect(finalizerPatchRequest(patch, { metadata: { resourceVersion: '7', finalizers: ['other'] } })).toEqual({
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: '7' },
        { op: 'add', path: '/metadata/finalizers/1', value: F },
      ],
    });
  });

  it('is undefined when the finalizers would not change', () => {
    const patch = new ObjectPatch();
    expect(finalizerPatchRequest(patch, { metadata: { resourceVersion: '7' } })).toBeUndefined();
    patch.addFinalizer(F);
    expect(finalizerPatchRequest(patch, { metadata: { resourceVersion: '7', finalizers: [F] } })).toBeUndefined();
  });
});

describe('patchInconsistencies', () => {
  it('finds nothing when the object shows what was patched', () => {
    expect(patchInconsistencies({ status: { a: 1 }, metadata: { annotations: { x: null } } }, { status: { a: 1, b: 2 }, metadata: { annotations: { y: 'z' } } })).toEqual([]);
  });

  it('finds fields the server did not keep', () => {
    expect(patchInconsistencies({ status: { a: 1, pruned: 'x' } }, { status: { a: 1 } })).toEqual([['remove', ['status', 'pruned'], 'x', undefined]]);
    expect(patchInconsistencies({ spec: { a: 1 } }, { spec: { a: 2 } })).toEqual([['change', ['spec', 'a'], 1, 2]]);
  });

  it('ignores emptied labels, annotations and finalizers that Kubernetes removes', () => {
    expect(patchInconsistencies({ metadata: { annotations: {}, labels: {}, finalizers: [] } }, { metadata: {} })).toEqual([]);
    expect(patchInconsistencies({ spec: { list: [] } }, { spec: {} })).toEqual([['remove', ['spec', 'list'], [], undefined]]);
  });
});

describe('expectedResourceVersion', () => {
  it('is the version the PATCH returned', () => {
    expect(expectedResourceVersion({ metadata: { resourceVersion: '12' } })).toBe('12');
  });

  it('is undefined when the PATCH changed nothing (the version the cycle started from)', () => {
    expect(expectedResourceVersion({ metadata: { resourceVersion: '12' } }, '12')).toBeUndefined();
    expect(expectedResourceVersion({ metadata: { resourceVersion: '13' } }, '12')).toBe('13');
  });

  it('keeps the never-arriving marker even when the version did not change', () => {
    expect(expectedResourceVersion({ metadata: { resourceVersion: '12', deletionTimestamp: 'x' } }, '12')).toBe('12~which~never~arrives');
  });

  it('is undefined without a returned body', () => {
    expect(expectedResourceVersion(undefined)).toBeUndefined();
  });

  it('never arrives when the last finalizer of a deleted object was removed', () => {
    expect(expectedResourceVersion({ metadata: { resourceVersion: '12', deletionTimestamp: 'x' } })).toBe('12~which~never~arrives');
    expect(expectedResourceVersion({ metadata: { resourceVersion: '12', deletionTimestamp: 'x', finalizers: [] } })).toBe('12~which~never~arrives');
    expect(expectedResourceVersion({ metadata: { resourceVersion: '12', deletionTimestamp: 'x', finalizers: ['a'] } })).toBe('12');
  });
});
