import { describe, expect, it } from 'vitest';
import { customResourceComponentName, customResourceSchemas } from './custom-resource-schemas.ts';
import type { OpenApiResource } from './openapi-resource.ts';

const widget: OpenApiResource = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
  subresources: ['status'],
  verbs: ['get', 'list'],
  builtin: false,
  schema: {
    type: 'object',
    description: 'A widget.',
    properties: {
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        properties: {
          size: { type: 'integer' },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { data: { type: 'string' } }, required: ['data'] },
        },
      },
    },
  },
};

describe('customResourceComponentName', () => {
  it('reverses the group like upstream', () => {
    expect(customResourceComponentName('example.com', 'v1', 'Widget')).toBe('com.example.v1.Widget');
    expect(customResourceComponentName('kopf.dev', 'v1alpha1', 'KopfExample')).toBe('dev.kopf.v1alpha1.KopfExample');
  });
});

describe('customResourceSchemas', () => {
  const schemas = customResourceSchemas(widget);

  it('builds the kind from the CRD schema plus apiVersion, kind and an ObjectMeta reference', () => {
    const kind = schemas.get('com.example.v1.Widget')!;
    expect(kind.description).toBe('A widget.');
    expect(kind.properties!.spec.properties!.size).toEqual({ type: 'integer' });
    expect(kind.properties!.apiVersion).toMatchObject({ type: 'string' });
    expect(kind.properties!.kind).toMatchObject({ type: 'string' });
    expect(kind.properties!.metadata).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    });
    expect(kind['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', version: 'v1', kind: 'Widget' }]);
  });

  it('declares apiVersion, kind and metadata on embedded resources', () => {
    const template = schemas.get('com.example.v1.Widget')!.properties!.spec.properties!.template;
    expect(Object.keys(template.properties!).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
    expect(template.required).toEqual(['data', 'kind', 'apiVersion']);
  });

  it('leaves the CRD schema it was given untouched', () => {
    expect(Object.keys(widget.schema!.properties!)).toEqual(['metadata', 'spec']);
    expect(widget.schema!.properties!.spec.properties!.template.required).toEqual(['data']);
  });

  it('builds the list kind', () => {
    const list = schemas.get('com.example.v1.WidgetList')!;
    expect(list.required).toEqual(['items']);
    expect(list.properties!.items).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/com.example.v1.Widget' } });
    expect(list.properties!.metadata).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' }],
    });
    expect(list['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', version: 'v1', kind: 'WidgetList' }]);
  });

  it('honours a custom list kind and keeps every field of a schemaless resource', () => {
    const custom = customResourceSchemas({ ...widget, schema: undefined, listKind: 'WidgetCollection' });
    expect([...custom.keys()]).toEqual(['com.example.v1.Widget', 'com.example.v1.WidgetCollection']);
    expect(custom.get('com.example.v1.Widget')!['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });
});
