import { describe, expect, it } from 'vitest';
import { createIndexes, indexEntries, IndexReadiness, ObjectIndex } from './indexes.ts';

describe('ObjectIndex', () => {
  it('keeps each object’s values under their keys, replaced or removed as a whole', () => {
    const index = new ObjectIndex();
    index.replace('ns/a', indexEntries({ red: 'a', shared: 1 }));
    index.replace('ns/b', indexEntries({ red: 'b', shared: 1 }));
    expect([...index.keys()].sort()).toEqual(['red', 'shared']);
    expect([...index.get('red')!].sort()).toEqual(['a', 'b']);
    expect(index.get('shared')?.size).toBe(2);
    expect(index.get('red')?.has('a')).toBe(true);

    index.replace('ns/a', indexEntries({ blue: 'a' }));
    expect([...index.get('red')!]).toEqual(['b']);
    expect([...index.get('blue')!]).toEqual(['a']);

    index.replace('ns/b', undefined);
    expect(index.has('red')).toBe(false);
    expect(index.has('shared')).toBe(false);
    expect(index.size).toBe(1);
  });

  it('stores values that are not objects under null, compares stored values by value', () => {
    const index = new ObjectIndex();
    index.replace('ns/a', indexEntries(['x', 'y']));
    index.replace('ns/b', indexEntries(new Map([[42, { deep: true }]])));
    expect([...index.get(null)!]).toEqual([['x', 'y']]);
    expect(index.get(42)?.has({ deep: true })).toBe(true);
  });
});

describe('createIndexes', () => {
  it('makes every index empty, up front', () => {
    const indexes = createIndexes(['byField', 'byOwner']);
    expect(Object.keys(indexes)).toEqual(['byField', 'byOwner']);
    expect(indexes.byField.size).toBe(0);
  });
});

describe('IndexReadiness', () => {
  it('is ready once sealed and every token is returned', async () => {
    const readiness = new IndexReadiness();
    const done = readiness.expect();
    readiness.seal();
    expect(readiness.isReady).toBe(false);
    done();
    expect(readiness.isReady).toBe(true);
    await expect(readiness.ready).resolves.toBeUndefined();
  });
});
