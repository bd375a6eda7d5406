import { describe, expect, it } from 'vitest';
import { crdFieldType } from './crd-field-types.ts';
import { untypedType } from './field-type.ts';
import { fieldSetOf } from './object-fields.ts';

const type = crdFieldType({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        nested: { type: 'object', properties: { a: { type: 'string' } } },
        atomic: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { a: { type: 'string' } } },
        objmap: { type: 'object', additionalProperties: { type: 'object', properties: { x: { type: 'string' } } } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'proto'],
          items: { type: 'object', properties: { name: { type: 'string' }, proto: { type: 'string', default: 'TCP' }, port: { type: 'integer' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        args: { type: 'array', items: { type: 'string' } },
      },
    },
  },
});

describe('fieldSetOf', () => {
  it('owns leaves, atomic values, list items and map entries, but not struct fields holding fields', () => {
    const config = {
      apiVersion: 'example.com/v1',
      metadata: { name: 'g', labels: { app: 'x' } },
      spec: {
        replicas: 1,
        nested: { a: 'x' },
        atomic: { a: '1' },
        objmap: { m: { x: '1' } },
        ports: [{ name: 'p', port: 80 }],
        tags: ['t1'],
        args: ['a'],
      },
    };
    expect(fieldSetOf(config, type).toFieldsV1()).toEqual({
      'f:apiVersion': {},
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:name': {} },
      'f:spec': {
        'f:args': {},
        'f:atomic': {},
        'f:nested': { 'f:a': {} },
        'f:objmap': { 'f:m': { '.': {}, 'f:x': {} } },
        'f:ports': { 'k:{"name":"p","proto":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
        'f:replicas': {},
        'f:tags': { 'v:"t1"': {} },
      },
    });
  });

  it('owns empty maps and nulls themselves, and nothing for an empty granular list', () => {
    expect(fieldSetOf({ spec: { nested: {}, replicas: null, ports: [] }, metadata: { labels: {} } }, type).toFieldsV1()).toEqual({
      'f:metadata': { 'f:labels': {} },
      'f:spec': { 'f:nested': {}, 'f:replicas': {} },
    });
  });

  it('treats values without a schema as maps of entries and atomic lists', () => {
    expect(fieldSetOf({ a: { b: 1 }, l: [1, 2] }, untypedType).toFieldsV1()).toEqual({ 'f:a': { '.': {}, 'f:b': {} }, 'f:l': {} });
  });
});
