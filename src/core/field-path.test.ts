import { describe, expect, it } from 'vitest';
import { cherrypickFields, ensureField, hasField, isJsonObject, parseField, removeField, resolveField, type JsonObject } from './field-path.ts';

describe('parseField', () => {
  it('splits dotted fields and copies key lists', () => {
    expect(parseField('spec.items')).toEqual(['spec', 'items']);
    expect(parseField(['metadata', 'a.b/c'])).toEqual(['metadata', 'a.b/c']);
    expect(parseField(undefined)).toEqual([]);
  });
});

describe('isJsonObject', () => {
  it('accepts objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject('x')).toBe(false);
  });
});

describe('resolveField', () => {
  const body = { spec: { items: [1, 2], nested: { value: null } }, text: 'x' };

  it('reads nested fields and the root', () => {
    expect(resolveField(body, ['spec', 'items'])).toEqual([1, 2]);
    expect(resolveField(body, ['spec', 'nested', 'value'])).toBeNull();
    expect(resolveField(body, [])).toBe(body);
  });

  it('reads absent fields and fields through non-objects as undefined', () => {
    expect(resolveField(body, ['spec', 'missing'])).toBeUndefined();
    expect(resolveField(body, ['text', 'length'])).toBeUndefined();
    expect(resolveField(body, ['spec', 'items', '0'])).toBeUndefined();
    expect(resolveField(undefined, ['a'])).toBeUndefined();
    expect(resolveField({}, ['toString'])).toBeUndefined();
  });
});

describe('hasField', () => {
  it('tells present (even null) from absent', () => {
    expect(hasField({ a: { b: null } }, ['a', 'b'])).toBe(true);
    expect(hasField({ a: {} }, ['a', 'b'])).toBe(false);
    expect(hasField({ a: 'x' }, ['a', 'b'])).toBe(false);
    expect(hasField({}, [])).toBe(true);
    expect(hasField(undefined, [])).toBe(false);
  });
});

describe('ensureField', () => {
  it('sets a field, creating parents', () => {
    const target: JsonObject = { spec: { keep: 1 } };
    ensureField(target, ['spec', 'a', 'b'], 'v');
    ensureField(target, ['top'], null);
    expect(target).toEqual({ spec: { keep: 1, a: { b: 'v' } }, top: null });
  });

  it('refuses the root and paths through non-objects', () => {
    expect(() => ensureField({}, [], 1)).toThrow(/root/);
    expect(() => ensureField({ spec: 'x' }, ['spec', 'a'], 1)).toThrow(/cannot set spec.a: spec is not an object/);
  });
});

describe('removeField', () => {
  it('removes a field and the parents it leaves empty', () => {
    const target: JsonObject = { status: { kopf: { progress: { fn: {} } }, keep: 1 } };
    removeField(target, ['status', 'kopf', 'progress', 'fn']);
    expect(target).toEqual({ status: { keep: 1 } });
    removeField(target, ['status', 'keep']);
    expect(target).toEqual({});
  });

  it('does nothing for absent fields and paths through non-objects', () => {
    const target: JsonObject = { a: { e: { f: 'g' } }, b: {} };
    removeField(target, ['a', 'e', 'f', 'g']);
    removeField(target, ['k', 'l']);
    expect(target).toEqual({ a: { e: { f: 'g' } }, b: {} });
  });

  it('refuses the root', () => {
    expect(() => removeField({}, [])).toThrow(/root/);
  });
});

describe('cherrypickFields', () => {
  it('copies existing fields deeply and skips absent ones', () => {
    const source = { metadata: { labels: { a: 'b' } }, status: { phase: 'x' } };
    const target: JsonObject = { spec: {} };
    cherrypickFields(source, target, [['metadata', 'labels'], ['metadata', 'annotations'], ['status', 'phase']]);
    expect(target).toEqual({ spec: {}, metadata: { labels: { a: 'b' } }, status: { phase: 'x' } });
    source.metadata.labels.a = 'changed';
    expect(target.metadata).toEqual({ labels: { a: 'b' } });
  });
});
