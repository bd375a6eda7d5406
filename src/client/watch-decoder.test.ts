import { describe, expect, it } from 'vitest';
import { WatchDecoder } from './watch-decoder.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('WatchDecoder', () => {
  it('answers the events each chunk completes, across chunk boundaries', () => {
    const decoder = new WatchDecoder();
    expect(decoder.push(bytes('{"type":"ADDED","object":{"a":1}}\n{"type":"MOD'))).toEqual([{ type: 'ADDED', object: { a: 1 } }]);
    expect(decoder.push(bytes('IFIED","obj'))).toEqual([]);
    expect(decoder.push(bytes('ect":{"a":2}}\n\n{"type":"BOOKMARK","object":{}}\n'))).toEqual([
      { type: 'MODIFIED', object: { a: 2 } },
      { type: 'BOOKMARK', object: {} },
    ]);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const line = bytes('{"type":"ADDED","object":{"name":"ключ"}}\n');
    const split = line.indexOf(0xd0) + 1;
    const decoder = new WatchDecoder();
    expect(decoder.push(line.subarray(0, split))).toEqual([]);
    expect(decoder.push(line.subarray(split))).toEqual([{ type: 'ADDED', object: { name: 'ключ' } }]);
  });

  it('accepts chunks that are views into a larger buffer', () => {
    const whole = bytes('xx{"type":"DELETED","object":{}}\nyy');
    expect(new WatchDecoder().push(whole.subarray(2, whole.length - 2))).toEqual([{ type: 'DELETED', object: {} }]);
  });

  it('throws on a line that is not JSON', () => {
    expect(() => new WatchDecoder().push(bytes('not json\n'))).toThrow(SyntaxError);
  });
});
