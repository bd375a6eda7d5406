import { describe, expect, it } from 'vitest';
import { ObjectPatch } from './object-patch.ts';
import {
  AnnotationsProgressStorage, createProgressStorage, MultiProgressStorage, SmartProgressStorage, StatusProgressStorage, type ProgressRecord, type ProgressStorage,
} from './progress-storage.ts';

// The expected patches below were produced by Kopf 1.45.2's own storages for the same inputs.
const WAITING: ProgressRecord = {
  started: '2020-12-31T23:59:59.123456+00:00', stopped: null, delayed: '2021-01-01T00:00:59.123456+00:00', purpose: 'create',
  retries: 1, success: false, failure: false, message: 'Not ready yët: "quoted"', subrefs: null,
};
const WAITING_JSON = '{"started":"2020-12-31T23:59:59.123456+00:00","delayed":"2021-01-01T00:00:59.123456+00:00","purpose":"create","retries":1,"success":false,"failure":false,"message":"Not ready y\\u00ebt: \\"quoted\\""}';
const DONE: ProgressRecord = {
  started: '2020-12-31T23:59:59.123456+00:00', stopped: '2020-12-31T23:59:59.200000+00:00', delayed: null, purpose: 'update',
  retries: 1, success: true, failure: false, message: null, subrefs: ['a/b', 'a/c'],
};

function stored(storage: ProgressStorage, key: string, record: ProgressRecord, body = {}): unknown {
  const patch = new ObjectPatch();
  storage.store(key, record, body, patch);
  return patch.mergeBody();
}

describe('AnnotationsProgressStorage', () => {
  it('writes compact JSON in Kopf’s field order under the safe id, nulls left out', () => {
    expect(stored(new AnnotationsProgressStorage(), 'create_fn/sub<1>', WAITING)).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/create_fn.sub_1_': WAITING_JSON } },
    });
  });

  it('writes the fields in Kopf’s order whatever the record’s own order', () => {
    const shuffled: ProgressRecord = { message: 'm', retries: 2, started: 's', failure: false, success: false, purpose: 'delete' };
    expect(stored(new AnnotationsProgressStorage(), 'fn', shuffled)).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/fn': '{"started":"s","purpose":"delete","retries":2,"success":false,"failure":false,"message":"m"}' } },
    });
  });

  it('writes nulls too when verbose', () => {
    expect(stored(new AnnotationsProgressStorage({ verbose: true }), 'create_fn/sub<1>', WAITING)).toEqual({
      metadata: {
        annotations: {
          'kopf.zalando.org/create_fn.sub_1_': '{"started":"2020-12-31T23:59:59.123456+00:00","stopped":null,"delayed":"2021-01-01T00:00:59.123456+00:00","purpose":"create","retries":1,"success":false,"failure":false,"message":"Not ready y\\u00ebt: \\"quoted\\"","subrefs":null}',
        },
      },
    });
  });

  it('writes the kopf-managed marker for a custom prefix', () => {
    expect(stored(new AnnotationsProgressStorage({ prefix: 'my-op.example.com' }), 'create_fn/sub<1>', WAITING)).toEqual({
      metadata: { annotations: { 'my-op.example.com/create_fn.sub_1_': WAITING_JSON, 'my-op.example.com/kopf-managed': 'yes' } },
    });
  });

  it('does not write the marker when the object already has it', () => {
    const body = { metadata: { annotations: { 'my-op.example.com/kopf-managed': 'yes' } } };
    expect(stored(new AnnotationsProgressStorage({ prefix: 'my-op.example.com' }), 'fn', WAITING, body)).toEqual({
      metadata: { annotations: { 'my-op.example.com/fn': WAITING_JSON } },
    });
  });

  it('writes both V2 and V1 keys for a long id', () => {
    const json = '{"started":"2020-12-31T23:59:59.123456+00:00","stopped":"2020-12-31T23:59:59.200000+00:00","purpose":"update","retries":1,"success":true,"failure":false,"subrefs":["a/b","a/c"]}';
    expect(stored(new AnnotationsProgressStorage(), 'x'.repeat(70), DONE)).toEqual({
      metadata: {
        annotations: {
          [`kopf.zalando.org/${'x'.repeat(56)}-j8bZbQ`]: json,
          [`kopf.zalando.org/${'x'.repeat(39)}-j8bZbQ`]: json,
        },
      },
    });
    expect(stored(new AnnotationsProgressStorage({ v1: false }), 'x'.repeat(70), DONE)).toEqual({
      metadata: { annotations: { [`kopf.zalando.org/${'x'.repeat(56)}-j8bZbQ`]: json } },
    });
  });

  it('reads a record back, V2 key first, then V1', () => {
    const storage = new AnnotationsProgressStorage();
    expect(storage.fetch('fn', { metadata: { annotations: { 'kopf.zalando.org/fn': WAITING_JSON } } })).toEqual({
      started: '2020-12-31T23:59:59.123456+00:00', delayed: '2021-01-01T00:00:59.123456+00:00', purpose: 'create',
      retries: 1, success: false, failure: false, message: 'Not ready yët: "quoted"',
    });
    const v1Only = { metadata: { annotations: { [`kopf.zalando.org/${'x'.repeat(39)}-j8bZbQ`]: '{"retries":3}' } } };
    expect(storage.fetch('x'.repeat(70), v1Only)).toEqual({ retries: 3 });
    const both = { metadata: { annotations: { [`kopf.zalando.org/${'x'.repeat(39)}-j8bZbQ`]: '{"retries":3}', [`kopf.zalando.org/${'x'.repeat(56)}-j8bZbQ`]: '{"retries":4}' } } };
    expect(storage.fetch('x'.repeat(70), both)).toEqual({ retries: 4 });
  });

  it('finds no record where there is none or it is null', () => {
    const storage = new AnnotationsProgressStorage();
    expect(storage.fetch('fn', {})).toBeUndefined();
    expect(storage.fetch('fn', { metadata: { annotations: { 'kopf.zalando.org/fn': 'null' } } })).toBeUndefined();
  });

  it('rejects a record that is not JSON or not an object, naming the annotation', () => {
    const storage = new AnnotationsProgressStorage();
    expect(() => storage.fetch('fn', { metadata: { annotations: { 'kopf.zalando.org/fn': '{oops' } } })).toThrow(/annotation kopf.zalando.org\/fn is not valid JSON/);
    expect(() => storage.fetch('fn', { metadata: { annotations: { 'kopf.zalando.org/fn': '[1]' } } })).toThrow(/annotation kopf.zalando.org\/fn is not a JSON object/);
  });

  it('reads the keys of ReplicaSets owned by Deployments with their suffix', () => {
    const body = { kind: 'ReplicaSet', metadata: { ownerReferences: [{ kind: 'Deployment' }], annotations: { 'kopf.zalando.org/fn-ofDRS': '{"retries":1}' } } };
    expect(new AnnotationsProgressStorage().fetch('fn', body)).toEqual({ retries: 1 });
  });

  it('clears all its prefix’s annotations from an essence', () => {
    const essence = { spec: {}, metadata: { annotations: { 'kopf.zalando.org/fn': '{}', 'kopf.zalando.org/touch-dummy': 'x', other: 'y' } } };
    expect(new AnnotationsProgressStorage().clear(essence)).toEqual({ spec: {}, metadata: { annotations: { other: 'y' } } });
    expect(new AnnotationsProgressStorage().clear({ metadata: { annotations: { 'kopf.zalando.org/fn': '{}' } } })).toEqual({});
    expect(essence.metadata.annotations).toHaveProperty('kopf.zalando.org/fn');
  });
});

describe('StatusProgressStorage', () => {
  it('writes the whole record, nulls included, under the raw id', () => {
    expect(stored(new StatusProgressStorage(), 'create_fn/sub<1>', WAITING)).toEqual({
      status: {
        kopf: {
          progress: {
            'create_fn/sub<1>': {
              started: '2020-12-31T23:59:59.123456+00:00', stopped: null, delayed: '2021-01-01T00:00:59.123456+00:00', purpose: 'create',
              retries: 1, success: false, failure: false, message: 'Not ready yët: "quoted"', subrefs: null,
            },
          },
        },
      },
    });
  });

  it('uses its name and fields', () => {
    const storage = new StatusProgressStorage({ name: 'my-op', touchField: 'status.{name}.poke' });
    expect(storage.field).toEqual(['status', 'my-op', 'progress']);
    expect(storage.touchField).toEqual(['status', 'my-op', 'poke']);
    expect(new StatusProgressStorage({ field: ['status', 'a.b'] }).field).toEqual(['status', 'a.b']);
  });

  it('reads records, ignoring malformed containers', () => {
    const storage = new StatusProgressStorage();
    expect(storage.fetch('fn', { status: { kopf: { progress: { fn: { retries: 2 } } } } })).toEqual({ retries: 2 });
    expect(storage.fetch('fn', { status: { kopf: { progress: 'garbage' } } })).toBeUndefined();
    expect(storage.fetch('fn', {})).toBeUndefined();
    expect(() => storage.fetch('fn', { status: { kopf: { progress: { fn: 'x' } } } })).toThrow(/status.kopf.progress.fn is not a JSON object/);
  });

  it('writes nothing when read-only', () => {
    const storage = new StatusProgressStorage({ readOnly: true });
    expect(stored(storage, 'fn', WAITING)).toEqual({});
    const patch = new ObjectPatch();
    storage.touch({}, patch, 'x');
    expect(patch.isEmpty).toBe(true);
  });

  it('touches its dummy field', () => {
    const patch = new ObjectPatch();
    new StatusProgressStorage().touch({}, patch, '2020');
    expect(patch.mergeBody()).toEqual({ status: { kopf: { dummy: '2020' } } });
  });

  it('clears its field from an essence', () => {
    expect(new StatusProgressStorage().clear({ spec: {}, status: { kopf: { progress: {} } } })).toEqual({ spec: {} });
    expect(new StatusProgressStorage().clear({ status: { kopf: { progress: {}, other: 1 } } })).toEqual({ status: { kopf: { other: 1 } } });
  });
});

describe('SmartProgressStorage', () => {
  const body = {
    metadata: { annotations: { 'kopf.zalando.org/fn': '{}', 'kopf.zalando.org/touch-dummy': 'x' } },
    status: { kopf: { progress: { fn: {}, other: { retries: 5 } } } },
  };

  it('writes annotations only', () => {
    expect(stored(new SmartProgressStorage(), 'create_fn/sub<1>', WAITING)).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/create_fn.sub_1_': WAITING_JSON } },
    });
  });

  it('reads annotations first, then the status left by older versions', () => {
    const storage = new SmartProgressStorage();
    expect(storage.fetch('fn', body)).toEqual({});
    expect(storage.fetch('other', body)).toEqual({ retries: 5 });
    expect(storage.fetch('absent', body)).toBeUndefined();
  });

  it('purges from both: nulls what the object has, drops what only the patch has', () => {
    const patch = new ObjectPatch({ merge: { metadata: { annotations: { 'kopf.zalando.org/fn2': 'pending' } } } });
    const storage = new SmartProgressStorage();
    for (const key of ['fn', 'fn2', 'other', 'absent']) storage.purge(key, body, patch);
    expect(patch.mergeBody()).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/fn': null } },
      status: { kopf: { progress: { fn: null, other: null } } },
    });
  });

  it('purging what was only stored in this patch leaves the patch empty', () => {
    const storage = new SmartProgressStorage();
    const patch = new ObjectPatch();
    storage.store('create_fn', DONE, {}, patch);
    storage.purge('create_fn', {}, patch);
    expect(patch.isEmpty).toBe(true);
  });

  it('touches only when the value differs', () => {
    const storage = new SmartProgressStorage();
    const reset = new ObjectPatch();
    storage.touch(body, reset, null);
    expect(reset.mergeBody()).toEqual({ metadata: { annotations: { 'kopf.zalando.org/touch-dummy': null } } });

    const untouched = new ObjectPatch();
    storage.touch({}, untouched, null);
    expect(untouched.isEmpty).toBe(true);

    const set = new ObjectPatch();
    storage.touch({}, set, '2020');
    expect(set.mergeBody()).toEqual({ metadata: { annotations: { 'kopf.zalando.org/touch-dummy': '2020' } } });

    const same = new ObjectPatch();
    storage.touch(body, same, 'x');
    expect(same.isEmpty).toBe(true);
  });

  it('touches with the marker for a custom prefix', () => {
    const patch = new ObjectPatch();
    new SmartProgressStorage({ prefix: 'my-op.example.com' }).touch({}, patch, '2020');
    expect(patch.mergeBody()).toEqual({ metadata: { annotations: { 'my-op.example.com/touch-dummy': '2020', 'my-op.example.com/kopf-managed': 'yes' } } });
  });

  it('clears both its annotations and the status progress from an essence', () => {
    const essence = { spec: { a: 1 }, metadata: { annotations: { 'kopf.zalando.org/fn': '{}' } }, status: { kopf: { progress: {} }, phase: 'x' } };
    expect(new SmartProgressStorage().clear(essence)).toEqual({ spec: { a: 1 }, status: { phase: 'x' } });
  });
});

describe('MultiProgressStorage', () => {
  it('writes to all storages and reads from the first that has a record', () => {
    const storage = new MultiProgressStorage([new StatusProgressStorage(), new AnnotationsProgressStorage()]);
    const patch = new ObjectPatch();
    storage.store('fn', { retries: 1 }, {}, patch);
    expect(patch.mergeBody()).toEqual({
      metadata: { annotations: { 'kopf.zalando.org/fn': '{"retries":1}' } },
      status: { kopf: { progress: { fn: { started: null, stopped: null, delayed: null, purpose: null, retries: 1, success: null, failure: null, message: null, subrefs: null } } } },
    });
    expect(storage.fetch('fn', { metadata: { annotations: { 'kopf.zalando.org/fn': '{"retries":7}' } } })).toEqual({ retries: 7 });
  });
});

describe('createProgressStorage', () => {
  it('builds the storage that settings name', () => {
    expect(createProgressStorage({ kind: 'smart' })).toBeInstanceOf(SmartProgressStorage);
    const annotations = createProgressStorage({ kind: 'annotations', prefix: 'my-op.example.com', touchKey: 'poke', v1: false, verbose: true });
    expect(annotations).toBeInstanceOf(AnnotationsProgressStorage);
    expect(annotations).toMatchObject({ touchKey: 'poke', verbose: true, keys: { prefix: 'my-op.example.com', v1: false } });
    const status = createProgressStorage({ kind: 'status', name: 'op' });
    expect(status).toMatchObject({ field: ['status', 'op', 'progress'], touchField: ['status', 'op', 'dummy'], readOnly: false });
    const multi = createProgressStorage({ kind: 'multi', storages: [{ kind: 'annotations' }, { kind: 'status' }] });
    expect((multi as MultiProgressStorage).storages.map((s) => s.constructor)).toEqual([AnnotationsProgressStorage, StatusProgressStorage]);
  });
});
