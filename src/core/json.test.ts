import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual, toJsonValue } from './json.ts';

describe('jsonEqual', () => {
  it('ignores key order but not array order', () => {
    expect(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
  it('treats undefined members as absent', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
  it('distinguishes null, objects and arrays', () => {
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('gives equal text for equal values', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });
});

describe('toJsonValue', () => {
  const where = "the result of handler 'createFn'";

  it('keeps undefined undefined', () => {
    expect(toJsonValue(undefined, where)).toBeUndefined();
  });

  it('copies plain JSON deeply', () => {
    const value = { a: 1, b: ['x', true, null, { c: 2.5 }] };
    const copy = toJsonValue(value, where);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    (value.b[3] as { c: number }).c = 3;
    expect(copy).toEqual({ a: 1, b: ['x', true, null, { c: 2.5 }] });
  });

  it('converts as JSON.stringify does: toJSON, Dates, boxed primitives, undefined members and items', () => {
    const value = {
      when: new Date('2024-01-02T03:04:05.678Z'),
      custom: { toJSON: (key: string) => ({ key, n: 1 }) },
      boxed: [new Number(1), new String('s'), new Boolean(false)],
      dropped: undefined,
      list: [undefined, 1],
    };
    const converted = toJsonValue(value, where);
    expect(converted).toEqual(JSON.parse(JSON.stringify(value)));
    expect(converted).toEqual({ when: '2024-01-02T03:04:05.678Z', custom: { key: 'custom', n: 1 }, boxed: [1, 's', false], list: [null, 1] });
    expect(Object.hasOwn(converted as object, 'dropped')).toBe(false);
  });

  it('converts a top-level Date and a top-level toJSON returning undefined', () => {
    expect(toJsonValue(new Date(0), where)).toBe('1970-01-01T00:00:00.000Z');
    expect(toJsonValue({ toJSON: () => undefined }, where)).toBeUndefined();
  });

  it('applies toJSON once, not again to what it returned', () => {
    const inner = { toJSON: () => 'inner' };
    expect(toJsonValue({ toJSON: () => ({ inner }) }, where)).toEqual({ inner: 'inner' });
  });

  it('keeps a __proto__ key as a key', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    const converted = toJsonValue(value, where) as Record<string, unknown>;
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(Object.hasOwn(converted, '__proto__')).toBe(true);
  });

  it('names the field of a bigint, a function, a symbol', () => {
    expect(() => toJsonValue({ count: 1n }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: count is a bigint"));
    expect(() => toJsonValue({ a: { f: () => 1 } }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: a.f is a function"));
    expect(() => toJsonValue({ items: [1, Symbol('s')] }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: items[1] is a symbol"));
  });

  it('names the value itself when it is the problem', () => {
    expect(() => toJsonValue(5n, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: it is a bigint"));
  });

  it('rejects NaN and the infinities', () => {
    expect(() => toJsonValue({ x: NaN }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: x is NaN"));
    expect(() => toJsonValue([Infinity], where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: [0] is Infinity"));
    expect(() => toJsonValue({ y: new Number(-Infinity) }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: y is -Infinity"));
  });

  it('rejects Maps and Sets, which JSON would write as empty objects', () => {
    expect(() => toJsonValue({ m: new Map([['a', 1]]) }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: m is a Map"));
    expect(() => toJsonValue({ s: new Set([1]) }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: s is a Set"));
  });

  it('rejects cycles, naming where they loop back to', () => {
    const top: Record<string, unknown> = {};
    top.self = top;
    expect(() => toJsonValue(top, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: self refers back to the value itself"));
    const nested: { a: { b: unknown[] } } = { a: { b: [] } };
    nested.a.b.push(nested.a);
    expect(() => toJsonValue(nested, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: a.b[0] refers back to a"));
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { n: 1 };
    expect(toJsonValue({ a: shared, b: shared }, where)).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });

  it('names the field whose toJSON throws', () => {
    const broken = { toJSON: () => { throw new Error('boom'); } };
    expect(() => toJsonValue({ x: broken }, where)).toThrow(new TypeError("the result of handler 'createFn' is not JSON: x failed in its toJSON(): boom"));
  });
});
