import { describe, expect, it } from 'vitest';
import { crdFieldType } from './crd-field-types.ts';
import type { FieldType, ListType, MapType } from './field-type.ts';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        port: { 'x-kubernetes-int-or-string': true },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { app: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'proto'],
          items: { type: 'object', properties: { name: { type: 'string' }, proto: { type: 'string', default: 'TCP' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        args: { type: 'array', items: { type: 'string' } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

const root = crdFieldType(schema) as MapType;
const spec = root.field('spec').type as MapType;

describe('crdFieldType', () => {
  it('gives every resource apiVersion, kind and the standard ObjectMeta', () => {
    expect(root.field('kind')).toEqual({ type: { kind: 'scalar' }, declared: true });
    const meta = root.field('metadata').type as MapType;
    const finalizers = meta.field('finalizers').type as ListType;
    expect(finalizers.listType).toBe('set');
    expect((meta.field('ownerReferences').type as ListType).keys).toEqual(['uid']);
    expect(meta.field('labels').type.kind).toBe('map');
  });

  it('reads list types, map keys and key defaults', () => {
    const ports = spec.field('ports').type as ListType;
    expect([ports.listType, ports.keys, ports.keyDefaults]).toEqual(['map', ['name', 'proto'], { proto: 'TCP' }]);
    expect((spec.field('tags').type as ListType).listType).toBe('set');
    expect((spec.field('args').type as ListType).listType).toBe('atomic');
  });

  it('tells declared fields from map entries and atomic maps from granular ones', () => {
    expect(spec.field('size')).toEqual({ type: { kind: 'scalar' }, declared: true });
    expect(spec.field('port').type.kind).toBe('scalar');
    expect((spec.field('selector').type as MapType).atomic).toBe(true);
    const labels = spec.field('labels').type as MapType;
    expect([labels.atomic, labels.field('anything').declared]).toEqual([false, false]);
  });

  it('leaves free-form parts untyped and gives embedded resources their metadata', () => {
    const free = spec.field('free').type as MapType;
    expect(free.field('x')).toEqual({ type: { kind: 'untyped' }, declared: false });
    const template = spec.field('template').type as MapType;
    const meta: FieldType = template.field('metadata').type;
    expect(((meta as MapType).field('finalizers').type as ListType).listType).toBe('set');
  });
});
