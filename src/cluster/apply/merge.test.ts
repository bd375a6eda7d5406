import { describe, expect, it } from 'vitest';
import { builtinFieldType } from './builtin-field-types.ts';
import { untypedType, type FieldType } from './field-type.ts';
import { mergeValues } from './merge.ts';

const deployment = builtinFieldType('apps', 'v1', 'Deployment') as FieldType;
const withContainers = (containers: unknown[]) => ({ spec: { template: { spec: { containers } } } });
const names = (value: unknown) =>
  ((value as ReturnType<typeof withContainers>).spec.template.spec.containers as Array<{ name: string; image?: string }>).map((c) => `${c.name}=${c.image ?? ''}`);

describe('mergeValues', () => {
  it('merges granular maps key by key and replaces scalars and atomic values', () => {
    const live = { spec: { replicas: 1, paused: true, selector: { matchLabels: { a: '1', b: '2' } } } };
    const config = { spec: { replicas: 3, selector: { matchLabels: { a: '1' } } } };
    expect(mergeValues(live, config, deployment)).toEqual({ spec: { replicas: 3, paused: true, selector: { matchLabels: { a: '1' } } } });
  });

  it('merges keyed list items, keeping live-only items in place and applied items in applied order', () => {
    const live = withContainers([{ name: 'a', image: '1' }, { name: 'x', image: 'keep' }, { name: 'b', image: '1' }]);
    const config = withContainers([{ name: 'c', image: 'new' }, { name: 'b', image: '2' }, { name: 'a' }]);
    expect(names(mergeValues(live, config, deployment))).toEqual(['x=keep', 'c=new', 'b=2', 'a=1']);
    expect(names(mergeValues(withContainers([{ name: 'a', image: '1' }]), withContainers([{ name: 'a', image: '2' }, { name: 'b' }]), deployment))).toEqual(['a=2', 'b=']);
  });

  it('replaces lists without a schema whole and leaves the inputs untouched', () => {
    const live = { l: [1, 2], m: { a: 1 } };
    const merged = mergeValues(live, { l: [3] }, untypedType);
    expect(merged).toEqual({ l: [3], m: { a: 1 } });
    expect(live).toEqual({ l: [1, 2], m: { a: 1 } });
  });
});
