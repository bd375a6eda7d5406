import { describe, expect, it } from 'vitest';
import { writtenShape } from './written-shape.ts';

const empty = { metadata: { creationTimestamp: null } };

describe('the shape of a written object', () => {
  it('is the same for objects that differ in scalar values only', () => {
    const one = { metadata: { name: 'a', labels: { app: 'x' }, creationTimestamp: '2026-12-01T00:00:00Z' }, data: { key: 'one' } };
    const two = { metadata: { name: 'b', labels: { app: 'y' }, creationTimestamp: '2026-12-01T00:00:01Z' }, data: { key: 'two' } };
    expect(writtenShape(one, empty)).toBe(writtenShape(two, empty));
  });

  it('tells keys, kinds of values and lists apart', () => {
    const shape = (value: unknown) => writtenShape(value, empty);
    const base = shape({ data: { key: 'v' } });
    expect(shape({ data: { other: 'v' } })).not.toBe(base);
    expect(shape({ data: { key: null } })).not.toBe(base);
    expect(shape({ data: { key: 1 } })).not.toBe(base);
    expect(shape({ data: { key: true } })).not.toBe(base);
    expect(shape({ data: { key: {} } })).not.toBe(base);
    expect(shape({ data: { key: ['v'] } })).not.toBe(base);
    // A list's items name its elements: they are part of the shape.
    expect(shape({ items: [{ name: 'a' }] })).not.toBe(shape({ items: [{ name: 'b' }] }));
  });

  it('keeps keys that would run together apart', () => {
    expect(writtenShape({ a: { b: 'v' } }, {})).not.toBe(writtenShape({ 'a{1:b': 'v' }, {}));
    expect(writtenShape({ 'a}': 's' }, {})).not.toBe(writtenShape({ a: {} }, {}));
  });

  it('holds the values where the empty object has one other than null', () => {
    const zero = { spec: { replicas: 0 } };
    expect(writtenShape({ spec: { replicas: 1 } }, zero)).not.toBe(writtenShape({ spec: { replicas: 2 } }, zero));
    expect(writtenShape({ spec: { replicas: 1 } }, {})).toBe(writtenShape({ spec: { replicas: 2 } }, {}));
  });

  it('is not given for long shapes', () => {
    const keys = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key-${i}`, 'v']));
    expect(writtenShape({ data: keys }, empty)).toBeUndefined();
  });
});
