import { describe, expect, it } from 'vitest';
import { toKopfJson } from './kopf-json.ts';

// Expected texts produced by Python's json.dumps(value, separators=(',', ':')).
describe('toKopfJson', () => {
  it('writes compact JSON in insertion order', () => {
    const essence = { spec: { 'string-field': 'value1', 'integer-field': 123, 'float-field': 123.456, 'false-field': false, 'true-field': true } };
    expect(toKopfJson(essence)).toBe('{"spec":{"string-field":"value1","integer-field":123,"float-field":123.456,"false-field":false,"true-field":true}}');
    expect(toKopfJson({ z: 1, a: 2 })).toBe('{"z":1,"a":2}');
  });

  it('escapes non-ASCII characters, DEL and control characters as Python does', () => {
    const value = { a: 'é ключ 😀', b: '\x00\x01\x1f\x7f"\\/\n\r\t\b\f', c: [1, null, {}] };
    expect(toKopfJson(value)).toBe(
      '{"a":"\\u00e9 \\u043a\\u043b\\u044e\\u0447 \\ud83d\\ude00","b":"\\u0000\\u0001\\u001f\\u007f\\"\\\\/\\n\\r\\t\\b\\f","c":[1,null,{}]}',
    );
    expect(toKopfJson('x\u2028y')).toBe('"x\\u2028y"');
  });

  it('round-trips through JSON.parse', () => {
    const value = { a: 'é 😀 \u2028', b: [true, false, null, 0.5, -3] };
    expect(JSON.parse(toKopfJson(value))).toEqual(value);
  });
});
