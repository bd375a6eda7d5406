import { describe, expect, it } from 'vitest';
import { Bucket, compareKeys, type KeyRange } from './bucket.ts';
import type { KubeObject } from './resource-type.ts';

const object = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
const keysOf = ({ keys, start, end }: KeyRange) => keys.slice(start, end);

describe('Bucket', () => {
  it('orders keys bytewise whatever order they were written in, and ranges them by namespace and after a key', () => {
    const bucket = new Bucket();
    for (const key of ['b/a', 'a/x', 'a-b/x', 'a/b', 'a0/c', 'a/c']) bucket.set(key, object(key));
    expect(keysOf(bucket.range())).toEqual(['a-b/x', 'a/b', 'a/c', 'a/x', 'a0/c', 'b/a']);
    // 'a-b/…' sorts before and 'a0/…' after the keys of namespace 'a'.
    expect(keysOf(bucket.range('a'))).toEqual(['a/b', 'a/c', 'a/x']);
    expect(keysOf(bucket.range('a', 'a/b'))).toEqual(['a/c', 'a/x']);
    expect(keysOf(bucket.range('a', 'a/bb'))).toEqual(['a/c', 'a/x']);
    expect(keysOf(bucket.range('a', 'a/x'))).toEqual([]);
    expect(keysOf(bucket.range(undefined, 'a0/c'))).toEqual(['b/a']);
    expect(keysOf(bucket.range('missing'))).toEqual([]);
  });

  it('leaves out removed keys, and holds a key removed and written again once', () => {
    const bucket = new Bucket();
    for (const key of ['n/a', 'n/b', 'n/c']) bucket.set(key, object(key));
    expect(keysOf(bucket.range())).toEqual(['n/a', 'n/b', 'n/c']);
    bucket.delete('n/b');
    bucket.set('n/b', object('n/b'));
    bucket.delete('n/b');
    bucket.set('n/b', object('n/b'));
    bucket.delete('n/c');
    bucket.set('n/a', object('n/a again'));
    expect(keysOf(bucket.range())).toEqual(['n/a', 'n/b']);
    expect(bucket.objects.get('n/a')?.metadata.name).toBe('n/a again');
  });

  it('agrees with a sort of the live keys through thousands of writes and removals between reads', () => {
    const bucket = new Bucket();
    const live = new Set<string>();
    // A fixed linear congruential sequence: the same run every time.
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const key = `ns${next(3)}/o${next(3000)}`;
      if (next(3) === 0) {
        bucket.delete(key);
        live.delete(key);
      } else {
        bucket.set(key, object(key));
        live.add(key);
      }
      // Reads now and then, so that merges happen both at reads and when changes pile up between them.
      if (next(2500) === 0) expect(keysOf(bucket.range())).toEqual([...live].sort(compareKeys));
    }
    expect(keysOf(bucket.range())).toEqual([...live].sort(compareKeys));
    expect(keysOf(bucket.range('ns1'))).toEqual([...live].filter((k) => k.startsWith('ns1/')).sort(compareKeys));
  });
});
