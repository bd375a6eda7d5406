import { describe, expect, it } from 'vitest';
import { compileJsonPath, jsonPathText } from './jsonpath.ts';

const widget = {
  metadata: { name: 'w1', labels: { app: 'web', 'app.kubernetes.io/name': 'dotted' } },
  spec: { size: 3, ratio: 1.5, items: ['a', 'b', 'c', 'd'], nested: { deep: { name: 'inner' } }, empty: null },
  status: {
    conditions: [
      { type: 'Synced', status: 'False', count: 1 },
      { type: 'Ready', status: 'True', count: 5 },
      { type: 'Ready', status: 'Unknown', count: 7 },
    ],
  },
};

const find = (path: string, data: unknown = widget) => compileJsonPath(path).find(data);

describe('compileJsonPath: selection', () => {
  it('follows fields and map keys', () => {
    expect(find('.spec.size')).toEqual([3]);
    expect(find('.metadata.labels.app')).toEqual(['web']);
    expect(find('.spec.nested.deep')).toEqual([{ name: 'inner' }]);
  });

  it('keeps a present null value but finds nothing for a missing key', () => {
    expect(find('.spec.empty')).toEqual([null]);
    expect(find('.spec.missing')).toEqual([]);
    expect(find('.spec.empty.further')).toEqual([]);
    expect(find('.spec.size.further')).toEqual([]);
  });

  it('indexes, slices and spreads arrays', () => {
    expect(find('.spec.items[0]')).toEqual(['a']);
    expect(find('.spec.items[-1]')).toEqual(['d']);
    expect(find('.spec.items[*]')).toEqual(['a', 'b', 'c', 'd']);
    expect(find('.spec.items[1:3]')).toEqual(['b', 'c']);
    expect(find('.spec.items[::2]')).toEqual(['a', 'c']);
    expect(find('.spec.items[-2:]')).toEqual(['c', 'd']);
    expect(find('.spec.items[0,2]')).toEqual(['a', 'c']);
  });

  it('reads quoted keys as dotted paths, as kubectl does, and honours escaped dots', () => {
    expect(find("['spec']['size']")).toEqual([3]);
    expect(find(".metadata.labels['app.kubernetes.io/name']")).toEqual([]);
    expect(find('.metadata.labels.app\\.kubernetes\\.io/name')).toEqual(['dotted']);
    expect(find(".metadata.labels['app\\.kubernetes\\.io/name']")).toEqual(['dotted']);
    expect(find(".spec['nested.deep']")).toEqual([{ name: 'inner' }]);
  });

  it('supports wildcards, unions of keys and recursive descent', () => {
    expect(find('.metadata.labels.*')).toEqual(['web', 'dotted']);
    expect(find(".spec['size', 'ratio']")).toEqual([3, 1.5]);
    expect(find('..name')).toEqual(['w1', 'inner']);
  });

  it('filters arrays by comparison', () => {
    expect(find('.status.conditions[?(@.type=="Ready")].status')).toEqual(['True', 'Unknown']);
    expect(find(".status.conditions[?(@.type == 'Synced')].status")).toEqual(['False']);
    expect(find('.status.conditions[?(@.type!="Ready")].type')).toEqual(['Synced']);
    expect(find('.status.conditions[?(@.count>4)].count')).toEqual([5, 7]);
    expect(find('.status.conditions[?(@.count<=5)].count')).toEqual([1, 5]);
    expect(find('.status.conditions[?(@.type=="Nope")].status')).toEqual([]);
  });

  it('filters by existence and handles parentheses inside quotes', () => {
    const data = { items: [{ a: 1 }, { b: 2 }, { a: null, name: 'x)y' }] };
    expect(find('.items[?(@.a)]', data)).toEqual([{ a: 1 }, { a: null, name: 'x)y' }]);
    expect(find('.items[?(@.name=="x)y")].name', data)).toEqual(['x)y']);
  });

  it('compares booleans and numbers with literals of the same kind', () => {
    const data = { items: [{ on: true, n: 1.5 }, { on: false, n: 2.5 }] };
    expect(find('.items[?(@.on==true)].n', data)).toEqual([1.5]);
    expect(find('.items[?(@.n==2.5)].on', data)).toEqual([false]);
    // An integer never equals a float literal: the kinds differ, which fails the whole filter.
    expect(find('.items[?(@.n==2.5)].on', { items: [{ on: true, n: 2 }, { on: false, n: 2.5 }] })).toEqual([]);
  });

  it('reports evaluation errors as no match, as the column printer does', () => {
    expect(find('.spec.items[9]')).toEqual([]);
    expect(find('.spec.size[0]')).toEqual([]);
    expect(find('.spec.size[?(@.a)]')).toEqual([]);
    // A string compared with a number is a type error for the whole expression, not just that element.
    expect(find('.status.conditions[?(@.count=="5")].type')).toEqual([]);
    expect(find('.items[?(@.on<true)]', { items: [{ on: true }] })).toEqual([]);
  });
});

describe('compileJsonPath: parse errors', () => {
  it.each([
    ['.spec[', 'unterminated array'],
    ['.spec[x]', 'invalid array index x'],
    ['.spec["size"]', 'invalid array index "size"'],
    ['.items[?(@.a=="b"', 'unterminated filter'],
    ['.items[?(@.a=="b")', 'unclosed array expect ]'],
    ['.items[?(@.a=<1)]', 'unrecognized filter operator =<'],
    ['.a..b....c', 'invalid multiple recursive descent'],
    ['.a range', 'unrecognized identifier range'],
    ['.a "b', 'unterminated quoted string'],
    ['.a !', "unrecognized character in action: U+0021 '!'"],
  ])('rejects %s', (path, reason) => {
    expect(() => compileJsonPath(path)).toThrow(`invalid JSONPath ${JSON.stringify(path)}: ${reason}`);
  });
});

describe('jsonPathText', () => {
  it('prints scalars as Go does', () => {
    expect(jsonPathText('text')).toBe('text');
    expect(jsonPathText(true)).toBe('true');
    expect(jsonPathText(12345678)).toBe('12345678');
    expect(jsonPathText(1.5)).toBe('1.5');
    expect(jsonPathText(0.0001)).toBe('0.0001');
    expect(jsonPathText(0.00001)).toBe('1e-05');
    expect(jsonPathText(123456.5)).toBe('123456.5');
    expect(jsonPathText(1234567.5)).toBe('1.2345675e+06');
    expect(jsonPathText(-0.000012345)).toBe('-1.2345e-05');
    expect(jsonPathText(1e21)).toBe('1e+21');
  });

  it('prints null as <no value>', () => {
    expect(jsonPathText(null)).toBe('<no value>');
  });

  it('prints objects and arrays as compact JSON with sorted keys and HTML escaping', () => {
    expect(jsonPathText({ b: 1, a: '<x&y>' })).toBe('{"a":"\\u003cx\\u0026y\\u003e","b":1}');
    expect(jsonPathText([{ z: 1, y: [2, 1e-7] }])).toBe('[{"y":[2,1e-7],"z":1}]');
  });
});
