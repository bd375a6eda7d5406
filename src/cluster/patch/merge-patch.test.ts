import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { applyMergePatch } from './merge-patch.ts';

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('applyMergePatch', () => {
  it.each([
    // The examples of RFC 7386 appendix A, on object targets.
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('merges nested objects and replaces arrays whole', () => {
    const target = { metadata: { labels: { a: '1', b: '2' }, finalizers: ['x', 'y'] }, spec: { replicas: 1 } };
    const patch = { metadata: { labels: { b: null, c: '3' }, finalizers: ['z'] }, spec: { replicas: 3 } };
    expect(applyMergePatch(target, patch)).toEqual({ metadata: { labels: { a: '1', c: '3' }, finalizers: ['z'] }, spec: { replicas: 3 } });
  });

  it('drops nulls from values that had nothing to merge into, also inside arrays, as upstream does', () => {
    const patch = { fresh: { keep: 1, drop: null, list: [{ x: null, y: 2 }, null] }, scalar: { z: null } };
    expect(applyMergePatch({ scalar: 5 }, patch)).toEqual({ fresh: { keep: 1, list: [{ y: 2 }, null] }, scalar: {} });
  });

  it('keeps an array exactly as sent when it replaces an object', () => {
    expect(applyMergePatch({ a: { x: 1 } }, { a: [{ y: null }] })).toEqual({ a: [{ y: null }] });
  });

  it('changes neither argument', () => {
    const target = { a: { b: 1 }, list: [1] };
    const patch = { a: { c: { d: null, e: 2 } }, list: [2] };
    const result = applyMergePatch(target, patch);
    expect(target).toEqual({ a: { b: 1 }, list: [1] });
    expect(patch).toEqual({ a: { c: { d: null, e: 2 } }, list: [2] });
    (result.a as Record<string, unknown>).b = 99;
    expect(target.a.b).toBe(1);
  });

  it('stores a "__proto__" key as a plain member', () => {
    const patch = JSON.parse('{"spec":{"__proto__":{"polluted":true}}}');
    const result = applyMergePatch({ spec: {} }, patch);
    expect(Object.keys(result.spec as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.spec)).toBe(Object.prototype);
  });

  it.each([
    [[1, 2], 'array'],
    ['text', 'string'],
    [5, 'number'],
    [true, 'bool'],
  ])('rejects the non-object patch %j with 400', (patch, goType) => {
    expect(apiError(() => applyMergePatch({}, patch)).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `error decoding patch: json: cannot unmarshal ${goType} into Go value of type map[string]interface {}`,
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('rejects a null patch with 400 Invalid JSON Patch', () => {
    const error = apiError(() => applyMergePatch({}, null));
    expect(error.code).toBe(400);
    expect(error.reason).toBe('BadRequest');
    expect(error.message).toBe('Invalid JSON Patch');
  });

  it('changes neither argument, and shares with the target what the patch does not reach', () => {
    const target = { metadata: { name: 'a', labels: { x: '1' } }, data: { k: 'v' }, spec: { deep: { list: [1] } } };
    const before = JSON.stringify(target);
    const patch = { metadata: { labels: { x: null, y: '2' } }, data: { k: null } };
    const result = applyMergePatch(target, patch);
    expect(result).toEqual({ metadata: { name: 'a', labels: { y: '2' } }, data: {}, spec: { deep: { list: [1] } } });
    expect(JSON.stringify(target)).toBe(before);
    expect(patch).toEqual({ metadata: { labels: { x: null, y: '2' } }, data: { k: null } });
    expect(result.spec).toBe(target.spec);
    expect(result.metadata).not.toBe(target.metadata);
  });

  it('keeps a __proto__ member an own member', () => {
    const result = applyMergePatch(JSON.parse('{"a":{"__proto__":{"x":1}}}'), JSON.parse('{"a":{"b":2}}'));
    expect(Object.keys(result.a as object)).toEqual(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
