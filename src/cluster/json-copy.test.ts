import { describe, expect, it } from 'vitest';
import { copyJson } from './json-copy.ts';

describe('copyJson', () => {
  it('copies nested objects and arrays deeply', () => {
    const original = { metadata: { name: 'a', labels: { app: 'x' } }, items: [{ n: 1 }, [2, 3]], flag: true, none: null };
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    expect(copy.metadata).not.toBe(original.metadata);
    expect(copy.metadata.labels).not.toBe(original.metadata.labels);
    expect(copy.items[0]).not.toBe(original.items[0]);
    copy.metadata.labels.app = 'y';
    (copy.items[1] as number[]).push(4);
    expect(original.metadata.labels.app).toBe('x');
    expect(original.items[1]).toEqual([2, 3]);
  });

  it('returns primitives as they are', () => {
    expect(copyJson('text')).toBe('text');
    expect(copyJson(3)).toBe(3);
    expect(copyJson(null)).toBe(null);
    expect(copyJson(undefined)).toBe(undefined);
  });

  it('keeps undefined members, as structuredClone does', () => {
    const copy = copyJson({ a: undefined, b: 1 });
    expect(Object.keys(copy)).toEqual(['a', 'b']);
  });

  it('keeps a __proto__ key as an own key without touching the prototype', () => {
    const original = JSON.parse('{"__proto__":{"polluted":true},"x":1}') as Record<string, unknown>;
    const copy = copyJson(original);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
  });

  it('copies values that are not plain JSON as structuredClone does', () => {
    const when = new Date('2026-01-01T00:00:00Z');
    const copy = copyJson({ when, tags: new Set(['a']) });
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(when.getTime());
    expect(copy.tags).toEqual(new Set(['a']));
  });
});
