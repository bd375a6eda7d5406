import { describe, expect, it } from 'vitest';
import { allAtOnce, asap, LIFECYCLES, oneByOne, randomized, shuffled, type LifecycleContext } from './lifecycles.ts';

const handlers = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
const retries = (counts: Record<string, number>): LifecycleContext => ({ state: { retriesOf: (id) => counts[id] ?? 0 } });
const fixed = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length];
};

describe('lifecycles', () => {
  it.each(Object.entries(LIFECYCLES))('%s selects nothing from nothing', (_name, lifecycle) => {
    expect(lifecycle([], { ...retries({}), random: fixed(0.5) })).toEqual([]);
  });

  it('allAtOnce takes all in registration order', () => {
    expect(allAtOnce(handlers, retries({}))).toEqual(handlers);
  });

  it('oneByOne takes the first', () => {
    expect(oneByOne(handlers, retries({ a: 5 }))).toEqual([{ id: 'a' }]);
  });

  it('randomized takes one picked by the random source', () => {
    expect(randomized(handlers, { ...retries({}), random: fixed(0) })).toEqual([{ id: 'a' }]);
    expect(randomized(handlers, { ...retries({}), random: fixed(0.5) })).toEqual([{ id: 'b' }]);
    expect(randomized(handlers, { ...retries({}), random: fixed(0.99) })).toEqual([{ id: 'c' }]);
  });

  it('shuffled takes all, reordered by the random source, without changing the input', () => {
    const input = [...handlers];
    const result = shuffled(input, { ...retries({}), random: fixed(0) });
    expect(result).toEqual([{ id: 'b' }, { id: 'c' }, { id: 'a' }]);
    expect(input).toEqual(handlers);
    expect(new Set(shuffled(handlers, retries({})).map((h) => h.id))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('asap takes the one with the fewest attempts, the earliest among equals', () => {
    expect(asap(handlers, retries({}))).toEqual([{ id: 'a' }]);
    expect(asap(handlers, retries({ a: 1 }))).toEqual([{ id: 'b' }]);
    expect(asap(handlers, retries({ a: 2, b: 1, c: 1 }))).toEqual([{ id: 'b' }]);
    expect(asap(handlers, retries({ a: 2, b: 3, c: 1 }))).toEqual([{ id: 'c' }]);
  });

  it('keeps the handlers’ own type', () => {
    const typed = [{ id: 'x', fn: () => 1 }];
    expect(asap(typed, retries({}))[0].fn()).toBe(1);
  });
});
