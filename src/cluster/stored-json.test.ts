import { describe, expect, it } from 'vitest';
import { storedObjectJson } from './stored-json.ts';

describe('storedObjectJson', () => {
  it('is the JSON text of the object', () => {
    const object = { metadata: { name: 'a' }, data: { key: 'value' } };
    expect(storedObjectJson(object)).toBe(JSON.stringify(object));
  });

  it('serializes the same object once while it is the last one asked for', () => {
    const object = { metadata: { name: 'a' } };
    const first = storedObjectJson(object);
    // A stored object never changes; a change here shows whether the text was made again.
    object.metadata.name = 'changed';
    expect(storedObjectJson(object)).toBe(first);
  });

  it('serializes another object anew', () => {
    storedObjectJson({ n: 1 });
    expect(storedObjectJson({ n: 2 })).toBe('{"n":2}');
  });
});
