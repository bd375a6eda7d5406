import { describe, expect, it } from 'vitest';
import { compileCrdSchema } from './schema-compiled.ts';

/** A CRD schema with a spec object of the given properties, like most CRDs have. */
function specSchema(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'object', properties: { spec: { type: 'object', properties, ...extra } } };
}

function widget(spec: unknown): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec };
}

function messages(schema: Record<string, unknown>, obj: unknown, old?: unknown): string[] {
  return compileCrdSchema(schema).validate(obj, old).map((error) => error.message);
}

describe('compileCrdSchema', () => {
  it('compiles once per schema object', () => {
    const schema = specSchema({ size: { type: 'integer' } });
    expect(compileCrdSchema(schema)).toBe(compileCrdSchema(schema));
    expect(compileCrdSchema({ ...schema })).not.toBe(compileCrdSchema(schema));
  });
});

describe('prune', () => {
  it('removes undeclared fields and reports their dotted paths, keeping apiVersion, kind and metadata at the root', () => {
    const schema = specSchema({
      size: { type: 'integer' },
      items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    });
    const obj = { ...widget({ size: 1, junk: true, items: [{ name: 'a', x: 1 }, { name: 'b' }] }), other: 'x' };
    const result = compileCrdSchema(schema).prune(obj);
    expect(result.value).toEqual({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1, items: [{ name: 'a' }, { name: 'b' }] } });
    expect(result.unknownFields).toEqual(['other', 'spec.items[0].x', 'spec.junk']);
  });

  it('keeps only real ObjectMeta fields in metadata, whatever the schema says about it', () => {
    const schema = { type: 'object', properties: { metadata: { type: 'object' }, spec: { type: 'object' } } };
    const obj = {
      apiVersion: 'example.com/v1', kind: 'Widget',
      metadata: { name: 'w1', labels: { a: 'b' }, junk: 1, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', extra: 1 }] },
    };
    const result = compileCrdSchema(schema).prune(obj);
    expect(result.value).toEqual({
      apiVersion: 'example.com/v1', kind: 'Widget',
      metadata: { name: 'w1', labels: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }] },
    });
    expect(result.unknownFields).toEqual(['metadata.junk', 'metadata.ownerReferences[0].extra']);
  });

  it('keeps unknown fields below x-kubernetes-preserve-unknown-fields but still prunes declared children', () => {
    const schema = specSchema({
      config: {
        type: 'object', 'x-kubernetes-preserve-unknown-fields': true,
        properties: { strict: { type: 'object', properties: { a: { type: 'string' } } } },
      },
    });
    const result = compileCrdSchema(schema).prune(widget({ config: { free: { any: [1, { deep: true }] }, strict: { a: 'x', b: 'y' } } }));
    expect(result.value).toMatchObject({ spec: { config: { free: { any: [1, { deep: true }] }, strict: { a: 'x' } } } });
    expect(result.unknownFields).toEqual(['spec.config.strict.b']);
  });

  it('keeps apiVersion, kind and metadata of embedded resources and prunes their metadata to ObjectMeta', () => {
    const schema = specSchema({
      template: {
        type: 'object', 'x-kubernetes-embedded-resource': true,
        properties: { spec: { type: 'object', properties: { image: { type: 'string' } } } },
      },
    });
    const template = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { image: 'nginx', junk: 2 }, extra: 3 };
    const result = compileCrdSchema(schema).prune(widget({ template }));
    expect(result.value).toMatchObject({ spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { image: 'nginx' } } } });
    expect((result.value as { spec: { template: object } }).spec.template).not.toHaveProperty('extra');
    expect(result.unknownFields).toEqual(['spec.template.extra', 'spec.template.spec.junk', 'spec.template.metadata.junk']);
  });

  it('prunes map values by the additionalProperties schema', () => {
    const schema = specSchema({ ports: { type: 'object', additionalProperties: { type: 'object', properties: { port: { type: 'integer' } } } } });
    const result = compileCrdSchema(schema).prune(widget({ ports: { http: { port: 80, junk: 1 } } }));
    expect(result.value).toMatchObject({ spec: { ports: { http: { port: 80 } } } });
    expect(result.unknownFields).toEqual(['spec.ports.http.junk']);
  });

  it('does not modify its input', () => {
    const obj = widget({ junk: 1 });
    compileCrdSchema(specSchema({})).prune(obj);
    expect(obj.spec).toEqual({ junk: 1 });
  });
});

describe('applyDefaults', () => {
  const schema = specSchema({
    replicas: { type: 'integer', default: 1 },
    mode: { type: 'string', default: 'fast' },
    note: { type: 'string' },
    optional: { type: 'string', nullable: true, default: 'x' },
    resources: { type: 'object', default: {}, properties: { cpu: { type: 'string', default: '100m' } } },
    nested: { type: 'object', properties: { level: { type: 'integer', default: 3 } } },
    containers: { type: 'array', items: { type: 'object', properties: { pull: { type: 'string', default: 'IfNotPresent' } } } },
  });

  it('fills absent fields under existing objects, and defaults inside defaults', () => {
    const result = compileCrdSchema(schema).applyDefaults(widget({ containers: [{}, { pull: 'Always' }] }));
    expect(result).toEqual(widget({
      replicas: 1, mode: 'fast', optional: 'x', resources: { cpu: '100m' },
      containers: [{ pull: 'IfNotPresent' }, { pull: 'Always' }],
    }));
  });

  it('does not create absent parents', () => {
    const result = compileCrdSchema(schema).applyDefaults({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' } });
    expect(result).toEqual({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' } });
  });

  it('replaces nulls on defaulted non-nullable fields, drops undefaultable ones and keeps nullable ones', () => {
    const result = compileCrdSchema(schema).applyDefaults(widget({ replicas: null, note: null, optional: null, nested: { level: null } })) as { spec: Record<string, unknown> };
    expect(result.spec.replicas).toBe(1);
    expect(result.spec).not.toHaveProperty('note');
    expect(result.spec.optional).toBeNull();
    expect(result.spec.nested).toEqual({ level: 3 });
  });

  it('defaults null array items and map values', () => {
    const mapSchema = specSchema({
      sizes: { type: 'array', items: { type: 'integer', default: 7 } },
      limits: { type: 'object', additionalProperties: { type: 'string', default: 'none' } },
    });
    const result = compileCrdSchema(mapSchema).applyDefaults(widget({ sizes: [1, null], limits: { a: null, b: 'x' } }));
    expect(result).toEqual(widget({ sizes: [1, 7], limits: { a: 'none', b: 'x' } }));
  });

  it('returns a new object and never shares default values', () => {
    const obj = widget({});
    const first = compileCrdSchema(schema).applyDefaults(obj) as { spec: { resources: { cpu: string } } };
    first.spec.resources.cpu = 'changed';
    const second = compileCrdSchema(schema).applyDefaults(obj) as { spec: { resources: { cpu: string } } };
    expect(obj.spec).toEqual({});
    expect(second.spec.resources.cpu).toBe('100m');
  });
});

describe('validate: keywords and messages', () => {
  it('reports type mismatches with the JSON type name of the value', () => {
    const errors = compileCrdSchema(specSchema({ size: { type: 'integer' } })).validate(widget({ size: 'big' }));
    expect(errors).toEqual([{
      type: 'FieldValueTypeInvalid', field: 'spec.size',
      message: 'spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    }]);
    expect(messages(specSchema({ size: { type: 'integer' } }), widget({ size: 1.5 }))).toEqual([
      'spec.size: Invalid value: "number": spec.size in body must be of type integer: "number"',
    ]);
    expect(messages(specSchema({ on: { type: 'boolean' } }), widget({ on: { a: 1 } }))).toEqual([
      'spec.on: Invalid value: "object": spec.on in body must be of type boolean: "object"',
    ]);
  });

  it('accepts both integers and strings for int-or-string, and nothing else', () => {
    const schema = specSchema({ port: { 'x-kubernetes-int-or-string': true } });
    expect(messages(schema, widget({ port: 80 }))).toEqual([]);
    expect(messages(schema, widget({ port: 'http' }))).toEqual([]);
    expect(messages(schema, widget({ port: true }))).toEqual([
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    ]);
  });

  it('accepts null only where nullable', () => {
    const schema = specSchema({ a: { type: 'string' }, b: { type: 'string', nullable: true } });
    expect(messages(schema, widget({ b: null }))).toEqual([]);
    expect(messages(schema, widget({ a: null }))).toEqual(['spec.a: Invalid value: "null": spec.a in body must be of type string: "null"']);
  });

  it('reports missing required fields', () => {
    const schema = specSchema({ name: { type: 'string' } }, { required: ['name'] });
    const errors = compileCrdSchema(schema).validate(widget({}));
    expect(errors).toEqual([{ type: 'FieldValueRequired', field: 'spec.name', message: 'spec.name: Required value' }]);
    const rootRequired = { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } };
    expect(messages(rootRequired, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: {} })).toEqual(['spec: Required value']);
  });

  it('lists the supported values of an enum, quoting non-strings as their JSON', () => {
    const errors = compileCrdSchema(specSchema({ color: { type: 'string', enum: ['red', 'blue'] } })).validate(widget({ color: 'pink' }));
    expect(errors).toEqual([{
      type: 'FieldValueNotSupported', field: 'spec.color',
      message: 'spec.color: Unsupported value: "pink": supported values: "red", "blue"',
    }]);
    expect(messages(specSchema({ n: { type: 'integer', enum: [1, 2] } }), widget({ n: 3 }))).toEqual([
      'spec.n: Unsupported value: 3: supported values: "1", "2"',
    ]);
  });

  it('checks patterns', () => {
    const errors = compileCrdSchema(specSchema({ name: { type: 'string', pattern: '^[a-z]+$' } })).validate(widget({ name: 'ABC' }));
    expect(errors).toEqual([{
      type: 'FieldValueInvalid', field: 'spec.name',
      message: "spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'",
    }]);
    expect(messages(specSchema({ name: { type: 'string', pattern: '(?i)^[a-z]+$' } }), widget({ name: 'ABC' }))).toEqual([]);
  });

  it('checks inclusive and exclusive bounds and multipleOf', () => {
    const schema = specSchema({
      replicas: { type: 'integer', minimum: 1, maximum: 10 },
      ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
      step: { type: 'number', multipleOf: 0.1 },
      even: { type: 'integer', multipleOf: 2 },
    });
    expect(messages(schema, widget({ replicas: 0 }))).toEqual(['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']);
    expect(messages(schema, widget({ replicas: 11 }))).toEqual(['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']);
    expect(messages(schema, widget({ ratio: 0 }))).toEqual(['spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0']);
    expect(messages(schema, widget({ ratio: 1 }))).toEqual(['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1']);
    expect(messages(schema, widget({ ratio: 0.5, step: 0.3, even: 4 }))).toEqual([]);
    expect(messages(schema, widget({ even: 7 }))).toEqual(['spec.even: Invalid value: 7: spec.even in body should be a multiple of 2']);
  });

  it('checks string lengths in characters', () => {
    const schema = specSchema({ name: { type: 'string', minLength: 2, maxLength: 8 } });
    expect(compileCrdSchema(schema).validate(widget({ name: 'much-too-long' }))).toEqual([{
      type: 'FieldValueTooLong', field: 'spec.name', message: 'spec.name: Too long: may not be more than 8 bytes',
    }]);
    expect(messages(schema, widget({ name: 'a' }))).toEqual(['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long']);
    expect(messages(schema, widget({ name: 'ééééééé' }))).toEqual([]);
  });

  it('checks list and map sizes', () => {
    const schema = specSchema({
      items: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'integer' } },
      labels: { type: 'object', minProperties: 1, maxProperties: 2, additionalProperties: { type: 'string' } },
    });
    expect(compileCrdSchema(schema).validate(widget({ items: [1, 2, 3, 4, 5] }))).toEqual([{
      type: 'FieldValueTooMany', field: 'spec.items', message: 'spec.items: Too many: 5: must have at most 3 items',
    }]);
    expect(messages(schema, widget({ items: [] }))).toEqual(['spec.items: Invalid value: 0: spec.items in body should have at least 1 items']);
    expect(messages(schema, widget({ labels: { a: 'x', b: 'y', c: 'z' } }))).toEqual(['spec.labels: Too many: 3: must have at most 2 items']);
    expect(messages(schema, widget({ labels: {} }))).toEqual(['spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties']);
  });

  it('names array items and map entries in paths', () => {
    const schema = specSchema({
      items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
    });
    expect(messages(schema, widget({ items: [{ name: 'a' }, { name: 5 }], labels: { app: 1 } }))).toEqual([
      'spec.items[1].name: Invalid value: "integer": spec.items[1].name in body must be of type string: "integer"',
      'spec.labels.app: Invalid value: "integer": spec.labels.app in body must be of type string: "integer"',
    ]);
  });

  it('checks the formats upstream checks and ignores the others', () => {
    const schema = specSchema({
      id: { type: 'string', format: 'uuid' },
      at: { type: 'string', format: 'date-time' },
      data: { type: 'string', format: 'byte' },
      small: { type: 'integer', format: 'int32' },
      custom: { type: 'string', format: 'my-own-format' },
    });
    expect(messages(schema, widget({
      id: '123e4567-e89b-12d3-a456-426614174000', at: '2026-01-02T03:04:05Z', data: 'aGVsbG8=', small: 2 ** 40, custom: 'anything',
    }))).toEqual([]);
    expect(compileCrdSchema(schema).validate(widget({ id: 'x', at: 'yesterday', data: '???' }))).toEqual([
      { type: 'FieldValueTypeInvalid', field: 'spec.id', message: 'spec.id: Invalid value: "x": spec.id in body must be of type uuid: "x"' },
      { type: 'FieldValueTypeInvalid', field: 'spec.at', message: 'spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"' },
      { type: 'FieldValueTypeInvalid', field: 'spec.data', message: 'spec.data: Invalid value: "???": spec.data in body must be of type byte: "???"' },
    ]);
  });

  it('refuses properties that additionalProperties: false does not allow', () => {
    const schema = specSchema({ fixed: { type: 'object', additionalProperties: false } });
    expect(messages(schema, widget({ fixed: { extra: 1 } }))).toEqual([
      'spec.fixed: Invalid value: "extra": spec.fixed.extra in body is a forbidden property',
    ]);
  });

  it('reports failed junctors as upstream does, on the root path', () => {
    const schema = specSchema({ value: { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: '^b' }] } });
    expect(messages(schema, widget({ value: 'abc' }))).toEqual([]);
    expect(messages(schema, widget({ value: 'c' }))).toEqual(['<nil>: Invalid value: "": "spec.value" must validate at least one schema (anyOf)']);
  });

  it('accepts x-kubernetes-validations without evaluating them', () => {
    const schema = specSchema({ size: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 100', message: 'too small' }] } });
    expect(messages(schema, widget({ size: 1 }))).toEqual([]);
  });

  it('aggregates every error of the object', () => {
    const schema = specSchema({ size: { type: 'integer' }, color: { type: 'string', enum: ['red'] } }, { required: ['name'] });
    expect(compileCrdSchema(schema).validate(widget({ size: 'x', color: 'blue' })).map((error) => error.type).sort()).toEqual([
      'FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTypeInvalid',
    ]);
  });
});

describe('validate: list types', () => {
  const schema = specSchema({
    tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    ports: {
      type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
    },
    routes: {
      type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['host', 'path'],
      items: { type: 'object', properties: { host: { type: 'string', default: '' }, path: { type: 'string', default: '/' } } },
    },
  });

  it('reports the second appearance of a set item once', () => {
    expect(compileCrdSchema(schema).validate(widget({ tags: ['a', 'b', 'a', 'a'] }))).toEqual([
      { type: 'FieldValueDuplicate', field: 'spec.tags[2]', message: 'spec.tags[2]: Duplicate value: "a"' },
    ]);
  });

  it('reports map-list items with equal keys, showing the key', () => {
    expect(messages(schema, widget({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] }))).toEqual([
      'spec.ports[1]: Duplicate value: {"name":"http"}',
    ]);
    expect(messages(schema, widget({ routes: [{ host: 'a', path: '/' }, { host: 'a', path: '/x' }, { path: '/', host: 'a' }] }))).toEqual([
      'spec.routes[2]: Duplicate value: {"host":"a","path":"/"}',
    ]);
  });

  it('does not check lists again on update when the stored object already had duplicates', () => {
    const old = widget({ tags: ['a', 'a'] });
    expect(messages(schema, widget({ tags: ['a', 'a', 'b'] }), old)).toEqual([]);
    expect(messages(schema, widget({ tags: ['b', 'b'] }), widget({ tags: ['a'] }))).toEqual(['spec.tags[1]: Duplicate value: "b"']);
  });
});

describe('validate: embedded resources', () => {
  const schema = specSchema({
    template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
  });

  it('requires apiVersion and kind', () => {
    expect(compileCrdSchema(schema).validate(widget({ template: { metadata: { name: 'p' } } }))).toEqual([
      { type: 'FieldValueRequired', field: 'spec.template.apiVersion', message: 'spec.template.apiVersion: Required value: must not be empty' },
      { type: 'FieldValueRequired', field: 'spec.template.kind', message: 'spec.template.kind: Required value: must not be empty' },
    ]);
  });

  it('validates apiVersion, kind and metadata', () => {
    expect(messages(schema, widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ok', labels: { app: 'x' } } } }))).toEqual([]);
    expect(messages(schema, widget({ template: { apiVersion: 'a/b/c', kind: 'Not_A_Kind', metadata: { name: 'a/b' } } }))).toEqual([
      'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      expect.stringContaining('spec.template.kind: Invalid value: "Not_A_Kind": may have mixed case, but should otherwise match: a DNS-1035 label'),
      "spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'",
    ]);
    expect(messages(schema, widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: 'x' } } }))).toEqual([
      'spec.template.metadata: Invalid value: {"labels":"x"}: json: cannot unmarshal string into Go struct field ObjectMeta.labels of type map[string]string',
    ]);
    expect(messages(schema, widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { 'a b': 'x' } } } }))[0])
      .toMatch(/^spec\.template\.metadata\.labels: Invalid value: "a b": name part must consist of/);
  });
});

describe('validate: ratcheting on update', () => {
  const schema = specSchema({
    name: { type: 'string', maxLength: 3 },
    size: { type: 'integer', minimum: 1 },
    owner: { type: 'object', required: ['email'], properties: { email: { type: 'string' }, team: { type: 'string' } } },
    atomic: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer', minimum: 1 }, x: { type: 'string' } } } },
    ports: {
      type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', maximum: 100 }, note: { type: 'string' } } },
    },
  });

  it('drops errors in parts that did not change', () => {
    const old = widget({ name: 'too-long', size: 1 });
    expect(messages(schema, widget({ name: 'too-long', size: 2 }), old)).toEqual([]);
    expect(messages(schema, widget({ name: 'still-too-long', size: 2 }), old)).toEqual(['spec.name: Too long: may not be more than 3 bytes']);
    expect(messages(schema, widget({ name: 'too-long', size: 0 }), old)).toEqual([
      'spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
    ]);
  });

  it('drops a required-field error while the object missing it is unchanged', () => {
    const old = widget({ owner: { team: 'a' } });
    expect(messages(schema, widget({ owner: { team: 'a' }, size: 3 }), old)).toEqual([]);
    expect(messages(schema, widget({ owner: { team: 'b' } }), old)).toEqual(['spec.owner.email: Required value']);
  });

  it('correlates map-list items by key, but items of other lists not at all', () => {
    const old = widget({ ports: [{ name: 'a', port: 1000 }, { name: 'b', port: 1 }], atomic: [{ n: 0 }, { n: 1 }] });
    const moved = widget({ ports: [{ name: 'c', port: 2 }, { name: 'a', port: 1000 }, { name: 'b', port: 1 }], atomic: [{ n: 0 }, { n: 1 }] });
    expect(messages(schema, moved, old)).toEqual([]);
    const touchedAtomic = widget({ ports: old.spec && (old.spec as { ports: unknown }).ports, atomic: [{ n: 0 }, { n: 1, x: 'changed' }] });
    expect(messages(schema, touchedAtomic, old)).toEqual(['spec.atomic[0].n: Invalid value: 0: spec.atomic[0].n in body should be greater than or equal to 1']);
  });

  it('keeps every error without an old object', () => {
    expect(messages(schema, widget({ name: 'too-long' }))).toEqual(['spec.name: Too long: may not be more than 3 bytes']);
  });
});
