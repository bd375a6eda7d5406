import { describe, expect, it } from 'vitest';
import { compareObjects } from './compare.ts';
import { FieldSet } from './field-set.ts';
import { builtinFieldType } from './builtin-field-types.ts';
import { untypedType, type FieldType } from './field-type.ts';
import { displayPath } from './path-element.ts';

const deployment = builtinFieldType('apps', 'v1', 'Deployment') as FieldType;
const show = (before: unknown, after: unknown, type: FieldType) => {
  const result = compareObjects(before, after, type);
  return { added: result.added.paths().map(displayPath), modified: result.modified.paths().map(displayPath), removed: result.removed.paths().map(displayPath) };
};

describe('compareObjects', () => {
  it('reports scalars added, modified and removed', () => {
    expect(show({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 }, untypedType)).toEqual({ added: ['.c'], modified: ['.b'], removed: [] });
    expect(show({ a: 1, b: 2 }, { a: 1 }, untypedType)).toEqual({ added: [], modified: [], removed: ['.b'] });
  });

  it('counts a map or granular list that appears as added itself, with its contents', () => {
    const before = { spec: { template: { spec: { containers: null } } } };
    const after = { spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } }, strategy: { rollingUpdate: { maxSurge: 1 } } } };
    expect(show(before, after, deployment).added).toEqual([
      '.spec.strategy',
      '.spec.strategy.rollingUpdate',
      '.spec.strategy.rollingUpdate.maxSurge',
      '.spec.template.spec.containers[name="c"]',
      '.spec.template.spec.containers[name="c"].image',
      '.spec.template.spec.containers[name="c"].name',
    ]);
  });

  it('compares keyed items by key, whatever their order, and atomic values whole', () => {
    const spec = (containers: unknown[], selector: unknown) => ({ spec: { selector, template: { spec: { containers } } } });
    const before = spec([{ name: 'a', image: '1' }, { name: 'b', image: '1' }], { matchLabels: { x: '1' } });
    const after = spec([{ name: 'b', image: '2' }, { name: 'a', image: '1' }], { matchLabels: { x: '2' } });
    expect(show(before, after, deployment)).toEqual({ added: [], modified: ['.spec.selector', '.spec.template.spec.containers[name="b"].image'], removed: [] });
  });

  it('compares a value whose shape changed as one value', () => {
    expect(show({ a: { b: 1 } }, { a: 'text' }, untypedType)).toEqual({ added: [], modified: ['.a'], removed: [] });
  });

  it('leaves out what it is told not to report: whole top-level fields, and single paths it still walks below', () => {
    const before = { metadata: { name: 'a', labels: { x: '1' } }, status: { phase: 'A' } };
    const after = { metadata: { name: 'b', labels: { x: '2' } }, status: { phase: 'B' } };
    const result = compareObjects(before, after, untypedType, { fields: ['status'], members: FieldSet.of([[{ field: 'metadata' }, { field: 'name' }]]) });
    expect(result.modified.paths().map(displayPath)).toEqual(['.metadata.labels.x']);
    const created = compareObjects(undefined, after, untypedType, { fields: [], members: FieldSet.of([[{ field: 'metadata' }]]) });
    expect(created.added.paths().map(displayPath)).toEqual(['.status', '.metadata.labels', '.metadata.name', '.metadata.labels.x', '.status.phase']);
  });
});
