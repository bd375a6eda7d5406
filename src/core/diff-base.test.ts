import { describe, expect, it } from 'vitest';
import { AnnotationsDiffBaseStorage, createDiffBaseStorage, MultiDiffBaseStorage, StatusDiffBaseStorage, type DiffBaseStorage } from './diff-base.ts';
import { ObjectPatch } from './object-patch.ts';
import { SmartProgressStorage } from './progress-storage.ts';

// A realistic object; the expected annotation texts were produced by Kopf 1.45.2 for it.
const BODY = {
  apiVersion: 'kopf.dev/v1', kind: 'KopfExample',
  metadata: {
    name: 'kopf-example-1', namespace: 'default', uid: 'u-1', resourceVersion: '123', generation: 1,
    creationTimestamp: '2024-01-01T00:00:00Z', finalizers: ['kopf.zalando.org/KopfFinalizerMarker'],
    labels: { somelabel: 'somevalue' },
    annotations: {
      someannotation: 'somevalue',
      'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}',
      'kopf.zalando.org/last-handled-configuration': '{"spec":{}}\n',
      'kopf.zalando.org/create_fn': '{"started":"2024-01-01T00:00:00.000000+00:00"}',
      'other.example.com/kopf-managed': 'yes',
      'other.example.com/progress': 'x',
    },
    managedFields: [{ manager: 'kubectl' }],
  },
  spec: { duration: '1m', field: 'value', items: ['item1', 'item2'], unicode: 'é 😀' },
  status: { create_fn: { message: 'hello world' }, kopf: { progress: { x: {} } }, phase: 'Running' },
  data: { z: 1, a: 2 },
};
const ESSENCE_TEXT = '{"spec":{"duration":"1m","field":"value","items":["item1","item2"],"unicode":"\\u00e9 \\ud83d\\ude00"},"data":{"z":1,"a":2},"metadata":{"labels":{"somelabel":"somevalue"},"annotations":{"someannotation":"somevalue"}}}\n';
const ESSENCE_WITH_PHASE_TEXT = '{"spec":{"duration":"1m","field":"value","items":["item1","item2"],"unicode":"\\u00e9 \\ud83d\\ude00"},"data":{"z":1,"a":2},"metadata":{"labels":{"somelabel":"somevalue"},"annotations":{"someannotation":"somevalue"}},"status":{"phase":"Running"}}\n';

function storedPatch(storage: DiffBaseStorage, essence: Record<string, unknown>, body = {}): unknown {
  const patch = new ObjectPatch();
  storage.store(body, patch, essence as never);
  return patch.mergeBody();
}

describe('AnnotationsDiffBaseStorage', () => {
  const storage = new AnnotationsDiffBaseStorage();

  it('stores the essence byte for byte as Kopf does', () => {
    expect(storedPatch(storage, storage.build(BODY), BODY)).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': ESSENCE_TEXT } },
    });
  });

  it('stores an essence with watched extra fields byte for byte as Kopf does', () => {
    const essence = new SmartProgressStorage().clear(storage.build(BODY, [['status', 'phase']]));
    expect(storedPatch(storage, essence, BODY)).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': ESSENCE_WITH_PHASE_TEXT } },
    });
  });

  it('reads back what it stored', () => {
    const patch = new ObjectPatch();
    const essence = storage.build(BODY);
    storage.store(BODY, patch, essence);
    expect(storage.fetch({ metadata: patch.mergeBody().metadata })).toEqual(essence);
  });

  it.each(['', '\n'])('reads a stored essence with surrounding whitespace %j', (around) => {
    const body = { metadata: { annotations: { 'my-operator.example.com/diff-base': `${around}{"spec":{"a":1}}${around}` } } };
    expect(new AnnotationsDiffBaseStorage({ prefix: 'my-operator.example.com', key: 'diff-base' }).fetch(body)).toEqual({ spec: { a: 1 } });
  });

  it('finds no diff-base on a new object', () => {
    expect(storage.fetch({})).toBeUndefined();
    expect(storage.fetch({ metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': 'null' } } })).toBeUndefined();
  });

  it('rejects a diff-base that is not JSON or not an object, naming the annotation', () => {
    const bad = (text: string) => ({ metadata: { annotations: { 'kopf.zalando.org/last-handled-configuration': text } } });
    expect(() => storage.fetch(bad('{'))).toThrow(/annotation kopf.zalando.org\/last-handled-configuration is not valid JSON/);
    expect(() => storage.fetch(bad('"x"'))).toThrow(/is not a JSON object/);
  });

  it('leaves its own annotation out of the essence, even under a custom prefix', () => {
    const custom = new AnnotationsDiffBaseStorage({ prefix: 'my-op.example.com' });
    const body = { spec: {}, metadata: { annotations: { 'my-op.example.com/last-handled-configuration': '{}', keep: 'x' } } };
    expect(custom.build(body)).toEqual({ spec: {}, metadata: { annotations: { keep: 'x' } } });
  });

  it('writes the kopf-managed marker for a custom prefix', () => {
    const custom = new AnnotationsDiffBaseStorage({ prefix: 'my-op.example.com', key: 'diff-base' });
    expect(storedPatch(custom, { spec: { a: 1 } })).toEqual({
      metadata: { annotations: { 'my-op.example.com/diff-base': '{"spec":{"a":1}}\n', 'my-op.example.com/kopf-managed': 'yes' } },
    });
  });

  it('overwrites an earlier store in the same patch', () => {
    const patch = new ObjectPatch();
    storage.store({}, patch, { spec: { a: 1 } });
    storage.store({}, patch, { spec: { b: 2 } });
    expect(patch.get(['metadata', 'annotations', 'kopf.zalando.org/last-handled-configuration'])).toBe('{"spec":{"b":2}}\n');
  });

  it('drops ignored fields from the essence', () => {
    const ignoring = new AnnotationsDiffBaseStorage({ ignoredFields: ['spec.field', ['spec', 'items']] });
    expect(ignoring.build(BODY)).toEqual({
      spec: { duration: '1m', unicode: 'é 😀' }, data: { z: 1, a: 2 },
      metadata: { labels: { somelabel: 'somevalue' }, annotations: { someannotation: 'somevalue' } },
    });
  });
});

describe('StatusDiffBaseStorage', () => {
  const storage = new StatusDiffBaseStorage();

  it('stores compact JSON without a newline in status.kopf.last-handled-configuration', () => {
    expect(storedPatch(storage, { spec: { a: 'é' } })).toEqual({ status: { kopf: { 'last-handled-configuration': '{"spec":{"a":"\\u00e9"}}' } } });
  });

  it('uses its name and field', () => {
    expect(new StatusDiffBaseStorage({ name: 'my-op' }).field).toEqual(['status', 'my-op', 'last-handled-configuration']);
    expect(new StatusDiffBaseStorage({ field: 'status.my-operator.diff-base' }).field).toEqual(['status', 'my-operator', 'diff-base']);
  });

  it('reads back what it stored', () => {
    expect(storage.fetch({ status: { kopf: { 'last-handled-configuration': '{"spec":{"a":1}}' } } })).toEqual({ spec: { a: 1 } });
    expect(storage.fetch({})).toBeUndefined();
    expect(() => storage.fetch({ status: { kopf: { 'last-handled-configuration': { spec: {} } } } })).toThrow(/not a JSON string/);
  });

  it('leaves its own field out of an essence that watches the status', () => {
    const body = { spec: {}, status: { kopf: { 'last-handled-configuration': '{}' }, phase: 'x' } };
    expect(storage.build(body, [['status']])).toEqual({ spec: {}, status: { phase: 'x' } });
  });
});

describe('MultiDiffBaseStorage', () => {
  const storage = new MultiDiffBaseStorage([new AnnotationsDiffBaseStorage({ prefix: 'my-op.example.com' }), new StatusDiffBaseStorage()]);

  it('stores in every storage as Kopf does', () => {
    expect(storedPatch(storage, { spec: { a: 1 } })).toEqual({
      metadata: { annotations: { 'my-op.example.com/last-handled-configuration': '{"spec":{"a":1}}\n', 'my-op.example.com/kopf-managed': 'yes' } },
      status: { kopf: { 'last-handled-configuration': '{"spec":{"a":1}}' } },
    });
  });

  it('reads from the first storage that has a diff-base', () => {
    expect(storage.fetch({ status: { kopf: { 'last-handled-configuration': '{"spec":{"s":1}}' } } })).toEqual({ spec: { s: 1 } });
    expect(storage.fetch({
      metadata: { annotations: { 'my-op.example.com/last-handled-configuration': '{"spec":{"a":1}}' } },
      status: { kopf: { 'last-handled-configuration': '{"spec":{"s":1}}' } },
    })).toEqual({ spec: { a: 1 } });
    expect(storage.fetch({})).toBeUndefined();
  });

  it('leaves every storage’s own fields out of the essence', () => {
    const body = {
      spec: { a: 1 },
      metadata: { annotations: { 'my-op.example.com/last-handled-configuration': '{}', keep: 'y' } },
      status: { kopf: { 'last-handled-configuration': '{}' }, phase: 'p' },
    };
    expect(storage.build(body, [['status']])).toEqual({ spec: { a: 1 }, metadata: { annotations: { keep: 'y' } }, status: { phase: 'p' } });
  });
});

describe('createDiffBaseStorage', () => {
  it('builds the storage that settings name', () => {
    const annotations = createDiffBaseStorage({ kind: 'annotations', prefix: 'my-op.example.com', key: 'base', ignoredFields: ['spec.x', ['spec', 'y']], v1: false });
    expect(annotations).toMatchObject({ key: 'base', ignoredFields: [['spec', 'x'], ['spec', 'y']], keys: { prefix: 'my-op.example.com', v1: false } });
    expect(createDiffBaseStorage({ kind: 'status', name: 'op' })).toMatchObject({ field: ['status', 'op', 'last-handled-configuration'] });
    const multi = createDiffBaseStorage({ kind: 'multi', storages: [{ kind: 'annotations' }, { kind: 'status' }] });
    expect((multi as MultiDiffBaseStorage).storages.map((s) => s.constructor)).toEqual([AnnotationsDiffBaseStorage, StatusDiffBaseStorage]);
  });
});
