import { describe, expect, it } from 'vitest';
import { liveView } from './contexts.ts';

describe('liveView', () => {
  it('reads the newest object, and refuses changes', () => {
    let current: Record<string, unknown> = { field: 'one', items: [1] };
    const view = liveView(() => current) as Record<string, unknown>;
    const { field } = view;
    expect(field).toBe('one');
    current = { field: 'two', other: true };
    expect(view.field).toBe('two');
    expect('other' in view).toBe(true);
    expect(Object.keys(view)).toEqual(['field', 'other']);
    expect({ ...view }).toEqual({ field: 'two', other: true });
    expect(JSON.stringify(view)).toBe('{"field":"two","other":true}');
    expect(() => {
      view.field = 'three';
    }).toThrow(/read-only/);
  });

  it('is empty while the object has no such stanza', () => {
    let current: unknown;
    const view = liveView(() => current) as Record<string, unknown>;
    expect(Object.keys(view)).toEqual([]);
    current = { a: 1 };
    expect(view.a).toBe(1);
  });
});
