import { describe, expect, it } from 'vitest';
import { compareElements, decodeElement, displayPath, encodeElement, type PathElement } from './path-element.ts';

describe('path elements', () => {
  it('spells elements as fieldsV1 keys, with key fields sorted, and reads them back', () => {
    const elements: PathElement[] = [{ field: 'spec' }, { key: { protocol: 'TCP', containerPort: 80 } }, { value: 'x.io/f' }, { index: 3 }];
    const texts = elements.map(encodeElement);
    expect(texts).toEqual(['f:spec', 'k:{"containerPort":80,"protocol":"TCP"}', 'v:"x.io/f"', 'i:3']);
    expect(texts.map(decodeElement).map(encodeElement)).toEqual(texts);
  });

  it('rejects keys that are not path elements', () => {
    expect(() => decodeElement('x:y')).toThrow();
    expect(() => decodeElement('k:[1]')).toThrow();
    expect(() => decodeElement('i:one')).toThrow();
  });

  it('prints paths the way conflict messages show them', () => {
    expect(displayPath([{ field: 'spec' }, { field: 'containers' }, { key: { name: 'app' } }, { field: 'image' }])).toBe('.spec.containers[name="app"].image');
    expect(displayPath([{ field: 'spec' }, { field: 'ports' }, { key: { proto: 'TCP', name: 'p' } }])).toBe('.spec.ports[name="p",proto="TCP"]');
    expect(displayPath([{ field: 'metadata' }, { field: 'finalizers' }, { value: 'a' }])).toBe('.metadata.finalizers[="a"]');
    expect(displayPath([{ field: 'items' }, { index: 2 }])).toBe('.items[2]');
  });

  it('orders fields by name before keyed items, set values and indexes', () => {
    const sorted = [{ index: 0 }, { value: 'b' }, { key: { name: 'b' } }, { field: 'b' }, { key: { name: 'a' } }, { field: 'a' }, { value: 'a' }].sort(compareElements);
    expect(sorted.map(encodeElement)).toEqual(['f:a', 'f:b', 'k:{"name":"a"}', 'k:{"name":"b"}', 'v:"a"', 'v:"b"', 'i:0']);
    expect(compareElements({ key: { port: 9 } }, { key: { port: 10 } })).toBeLessThan(0);
  });
});
