import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { applyJsonPatch } from './json-patch.ts';

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

const invalidStatus = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server rejected our request due to an error in our request',
  reason: 'Invalid',
  details: {},
  code: 422,
};

function doc() {
  return { a: 1, b: { c: [1, 2, { d: null, e: 3 }], f: 'x' }, g: [1, 2, 3], h: null, 'k/l': 1, 'm~n': 2 };
}

describe('applyJsonPatch: operations', () => {
  it.each([
    ['add a key', [{ op: 'add', path: '/x', value: { y: 1 } }], { x: { y: 1 } }],
    ['add over an existing key', [{ op: 'add', path: '/a', value: 9 }], { a: 9 }],
    ['add without a value (null)', [{ op: 'add', path: '/x' }], { x: null }],
    ['add to an array end with -', [{ op: 'add', path: '/g/-', value: 4 }], { g: [1, 2, 3, 4] }],
    ['add inserts at an index', [{ op: 'add', path: '/g/0', value: 0 }], { g: [0, 1, 2, 3] }],
    ['add at the index after the last', [{ op: 'add', path: '/g/3', value: 4 }], { g: [1, 2, 3, 4] }],
    ['add at a negative index', [{ op: 'add', path: '/g/-1', value: 9 }], { g: [1, 2, 3, 9] }],
    ['add at an index with a leading zero', [{ op: 'add', path: '/g/01', value: 9 }], { g: [1, 9, 2, 3] }],
    ['add into a nested array item', [{ op: 'add', path: '/b/c/2/e', value: 7 }], { b: { c: [1, 2, { d: null, e: 7 }], f: 'x' } }],
    ['add with ~1 and ~0 escapes', [{ op: 'add', path: '/k~1l', value: 7 }, { op: 'add', path: '/m~0n', value: 8 }], { 'k/l': 7, 'm~n': 8 }],
    ['add at the empty key', [{ op: 'add', path: '/', value: 5 }], { '': 5 }],
    ['remove a key', [{ op: 'remove', path: '/a' }], { a: undefined }],
    ['remove a null member', [{ op: 'remove', path: '/h' }], { h: undefined }],
    ['remove an array item', [{ op: 'remove', path: '/g/0' }], { g: [2, 3] }],
    ['remove the last item by -1', [{ op: 'remove', path: '/g/-1' }], { g: [1, 2] }],
    ['replace a key', [{ op: 'replace', path: '/a', value: 5 }], { a: 5 }],
    ['replace a missing key, which adds it', [{ op: 'replace', path: '/zz', value: 5 }], { zz: 5 }],
    ['replace an array item', [{ op: 'replace', path: '/g/-1', value: 5 }], { g: [1, 2, 5] }],
    ['move a key', [{ op: 'move', from: '/a', path: '/z' }], { a: undefined, z: 1 }],
    ['move an array item to the end', [{ op: 'move', from: '/g/0', path: '/g/-' }], { g: [2, 3, 1] }],
    ['move onto itself', [{ op: 'move', from: '/a', path: '/a' }], {}],
    ['copy a subtree', [{ op: 'copy', from: '/b/c/2', path: '/z' }], { z: { d: null, e: 3 } }],
    ['copy a missing key as null', [{ op: 'copy', from: '/zz', path: '/z' }], { z: null }],
    ['copy into an array', [{ op: 'copy', from: '/g/1', path: '/g/0' }], { g: [2, 1, 2, 3] }],
    ['test an equal scalar', [{ op: 'test', path: '/a', value: 1 }], {}],
    ['test an equal object whatever the key order', [{ op: 'test', path: '/b', value: { f: 'x', c: [1, 2, { e: 3, d: null }] } }], {}],
    ['test null against a null member', [{ op: 'test', path: '/h', value: null }], {}],
    ['test null against a missing member', [{ op: 'test', path: '/zz', value: null }], {}],
    ['a path not starting with / (upstream ignores its first segment)', [{ op: 'add', path: 'x/y', value: 1 }], { y: 1 }],
  ])('%s', (_name, patch, changes) => {
    const expected: Record<string, unknown> = { ...doc(), ...changes };
    for (const key of Object.keys(expected)) if (expected[key] === undefined) delete expected[key];
    expect(applyJsonPatch(doc(), patch)).toEqual(expected);
  });

  it('applies operations in order, each seeing the previous result', () => {
    const patch = [
      { op: 'add', path: '/list', value: [] },
      { op: 'add', path: '/list/-', value: 'a' },
      { op: 'add', path: '/list/0', value: 'b' },
      { op: 'test', path: '/list', value: ['b', 'a'] },
      { op: 'move', from: '/list/1', path: '/first' },
    ];
    expect(applyJsonPatch({}, patch)).toEqual({ list: ['b'], first: 'a' });
  });

  it('replaces the whole document at the root, and ignores a non-container there as upstream does', () => {
    expect(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: { fresh: true } }])).toEqual({ fresh: true });
    expect(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: 5 }])).toEqual(doc());
  });

  it('tests the whole document at the root', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '', value: { a: 1 } }])).toEqual({ a: 1 });
    expect(apiError(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '', value: { a: 2 } }])).code).toBe(422);
  });

  it('changes neither the document nor the patch', () => {
    const original = doc();
    const patch = [
      { op: 'add', path: '/b/c/-', value: { n: 1 } },
      { op: 'remove', path: '/g/0' },
    ];
    const result = applyJsonPatch(original, patch) as { b: { c: Array<Record<string, unknown>> } };
    expect(original).toEqual(doc());
    result.b.c[3].n = 2;
    expect(patch[0].value).toEqual({ n: 1 });
  });

  it('stores a "__proto__" key as a plain member', () => {
    const result = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: true }])).toThrow(ApiError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does nothing for a null patch, as upstream', () => {
    expect(applyJsonPatch({ a: 1 }, null)).toEqual({ a: 1 });
  });
});

describe('applyJsonPatch: failures', () => {
  it.each([
    ['add under a missing parent', [{ op: 'add', path: '/x/y', value: 1 }]],
    ['add under a scalar', [{ op: 'add', path: '/a/x', value: 1 }]],
    ['add under a null', [{ op: 'add', path: '/h/x', value: 1 }]],
    ['add at the root', [{ op: 'add', path: '', value: {} }]],
    ['add past the end of an array', [{ op: 'add', path: '/g/4', value: 1 }]],
    ['add before the start of an array', [{ op: 'add', path: '/g/-5', value: 1 }]],
    ['add at a non-numeric index', [{ op: 'add', path: '/g/x', value: 1 }]],
    ['remove a missing key', [{ op: 'remove', path: '/zz' }]],
    ['remove past the end of an array', [{ op: 'remove', path: '/g/3' }]],
    ['remove -', [{ op: 'remove', path: '/g/-' }]],
    ['remove the root', [{ op: 'remove', path: '' }]],
    ['replace past the end of an array', [{ op: 'replace', path: '/g/3', value: 1 }]],
    ['replace under a missing parent', [{ op: 'replace', path: '/zz/y', value: 1 }]],
    ['move from a missing key', [{ op: 'move', from: '/zz', path: '/z' }]],
    ['move into its own child', [{ op: 'move', from: '/b', path: '/b/x' }]],
    ['copy from past the end of an array', [{ op: 'copy', from: '/g/9', path: '/z' }]],
    ['test a different value', [{ op: 'test', path: '/a', value: 2 }]],
    ['test a string against a number', [{ op: 'test', path: '/a', value: '1' }]],
    ['test a missing member against a value', [{ op: 'test', path: '/zz', value: 1 }]],
    ['test without a value', [{ op: 'test', path: '/a' }]],
    ['test an object missing a member', [{ op: 'test', path: '/b', value: { f: 'x', c: [1, 2, { e: 3 }] } }]],
    ['an unknown op', [{ op: 'bogus', path: '/a' }]],
    ['a missing op', [{ path: '/a' }]],
    ['a null operation', [null]],
    ['a missing path', [{ op: 'add', value: 1 }]],
    ['a null path, which is not the root', [{ op: 'replace', path: null, value: {} }]],
    ['a missing from', [{ op: 'copy', path: '/x' }]],
    ['a path without any /', [{ op: 'add', path: 'x', value: 1 }]],
    ['a later operation, undoing the earlier ones', [{ op: 'add', path: '/x', value: 1 }, { op: 'test', path: '/x', value: 2 }]],
  ])('%s is 422 with upstream\'s generic message', (_name, patch) => {
    expect(apiError(() => applyJsonPatch(doc(), patch)).toStatus()).toEqual(invalidStatus);
  });

  it.each([
    [{ op: 'add' }, 'object', '[]handlers.jsonPatchOp'],
    ['add', 'string', '[]handlers.jsonPatchOp'],
    [5, 'number', '[]handlers.jsonPatchOp'],
    [true, 'bool', '[]handlers.jsonPatchOp'],
    [[1], 'number', 'handlers.jsonPatchOp'],
    [[[]], 'array', 'handlers.jsonPatchOp'],
  ])('rejects the malformed patch %j with 400', (patch, goType, goTarget) => {
    expect(apiError(() => applyJsonPatch({}, patch)).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `error decoding patch: json: cannot unmarshal ${goType} into Go value of type ${goTarget}`,
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('rejects non-string op, path and from fields with 400', () => {
    expect(apiError(() => applyJsonPatch({}, [{ op: 1, path: '/a' }])).message).toBe(
      'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    );
    expect(apiError(() => applyJsonPatch({}, [{ op: 'add', path: ['a'] }])).message).toBe(
      'error decoding patch: json: cannot unmarshal array into Go struct field jsonPatchOp.path of type string',
    );
    expect(apiError(() => applyJsonPatch({}, [{ op: 'move', path: '/a', from: {} }])).message).toBe(
      'error decoding patch: json: cannot unmarshal object into Go struct field jsonPatchOp.from of type string',
    );
  });

  it('allows 10000 operations and answers 413 above that', () => {
    const ops = (n: number) => Array.from({ length: n }, () => ({ op: 'test', path: '/a', value: 1 }));
    expect(applyJsonPatch({ a: 1 }, ops(10000))).toEqual({ a: 1 });
    expect(apiError(() => applyJsonPatch({ a: 1 }, ops(10001))).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
      reason: 'RequestEntityTooLarge',
      code: 413,
    });
  });
});
