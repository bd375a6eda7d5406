import { describe, expect, it } from 'vitest';
import { builtinFieldType } from './builtin-field-types.ts';
import type { FieldType } from './field-type.ts';
import { clientSideAppliedFields, lastAppliedAnnotation, withLastAppliedSynced } from './last-applied.ts';
import { displayPath } from './path-element.ts';

const configMap = builtinFieldType('', 'v1', 'ConfigMap') as FieldType;
const withAnnotation = (lastApplied: unknown, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', annotations: { [lastAppliedAnnotation]: JSON.stringify(lastApplied) } },
  data,
});

describe('client-side apply annotation', () => {
  it('tolerates taking the fields that still hold their last client-side applied value', () => {
    const live = withAnnotation({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } }, { a: '1', b: '9' });
    expect(clientSideAppliedFields(live, configMap).paths().map(displayPath)).toEqual(['.apiVersion', '.kind', '.data.a', '.metadata.name']);
    expect(clientSideAppliedFields({ metadata: {} }, configMap).empty).toBe(true);
    const broken = { metadata: { annotations: { [lastAppliedAnnotation]: '{' } } };
    expect(clientSideAppliedFields(broken, configMap).empty).toBe(true);
  });

  it('rewrites the annotation to the configuration applied, as Go encodes it', () => {
    const live = withAnnotation({ old: true }, { a: '1' });
    const config = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { a: '<5>' } };
    const synced = withLastAppliedSynced(live, config) as typeof live;
    expect(synced.metadata.annotations[lastAppliedAnnotation]).toBe('{"apiVersion":"v1","data":{"a":"\\u003c5\\u003e"},"kind":"ConfigMap","metadata":{"name":"c"}}\n');
    expect(JSON.parse(live.metadata.annotations[lastAppliedAnnotation])).toEqual({ old: true });
    const plain = { metadata: { name: 'c' } };
    expect(withLastAppliedSynced(plain, config)).toBe(plain);
  });
});
