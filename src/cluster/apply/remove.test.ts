import { describe, expect, it } from 'vitest';
import { builtinFieldType } from './builtin-field-types.ts';
import { FieldSet } from './field-set.ts';
import type { FieldType } from './field-type.ts';
import { displayPath } from './path-element.ts';
import { removeFields, withNamedFields } from './remove.ts';

const deployment = builtinFieldType('apps', 'v1', 'Deployment') as FieldType;
const containersPath = [{ field: 'spec' }, { field: 'template' }, { field: 'spec' }, { field: 'containers' }];

describe('removeFields', () => {
  it('removes members with their contents and descends into the rest', () => {
    const value = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }] } } } };
    const fields = FieldSet.of([
      [{ field: 'metadata' }, { field: 'labels' }, { field: 'a' }],
      [...containersPath, { key: { name: 'b' } }],
      [...containersPath, { key: { name: 'a' } }, { field: 'image' }],
    ]);
    expect(removeFields(value, fields, deployment)).toEqual({
      metadata: { labels: { b: '2' } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }] } } },
    });
  });
});

describe('withNamedFields', () => {
  it('adds the declared struct fields a set goes through, but not map entries or list items', () => {
    const fields = FieldSet.of([
      [{ field: 'metadata' }, { field: 'labels' }, { field: 'a' }],
      [...containersPath, { key: { name: 'a' } }, { field: 'image' }],
    ]);
    expect(withNamedFields(fields, deployment).paths().map(displayPath)).toEqual([
      '.metadata',
      '.spec',
      '.metadata.labels',
      '.metadata.labels.a',
      '.spec.template',
      '.spec.template.spec',
      '.spec.template.spec.containers',
      '.spec.template.spec.containers[name="a"].image',
    ]);
  });
});
