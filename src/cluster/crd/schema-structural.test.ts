import { describe, expect, it } from 'vitest';
import { checkStructuralSchema } from './schema-structural.ts';

const at = 'spec.versions[0].schema.openAPIV3Schema';

function messages(schema: Record<string, unknown>): string[] {
  return checkStructuralSchema(schema, at).map((error) => error.message);
}

function withSpec(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', properties: { spec: { type: 'object', properties } } };
}

describe('checkStructuralSchema: structural invariants', () => {
  it('accepts a typical structural schema', () => {
    expect(checkStructuralSchema({
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
        spec: {
          type: 'object', required: ['size'],
          properties: {
            size: { type: 'integer', minimum: 1, default: 1 },
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            anything: { 'x-kubernetes-preserve-unknown-fields': true },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() > 1', message: 'too short' }] },
          },
        },
        status: { type: 'object', properties: { phase: { type: 'string', enum: ['A', 'B'] } } },
      },
    }, at)).toEqual([]);
  });

  it('requires a type on every node unless it is int-or-string or preserves unknown fields', () => {
    expect(checkStructuralSchema(withSpec({ size: {} }), at)).toEqual([{
      type: 'FieldValueRequired',
      field: `${at}.properties[spec].properties[size].type`,
      message: `${at}.properties[spec].properties[size].type: Required value: must not be empty for specified object fields`,
    }]);
    expect(messages({ properties: {} })).toEqual([`${at}.type: Required value: must not be empty at the root`]);
    expect(messages(withSpec({ list: { type: 'array', items: {} } }))).toEqual([
      `${at}.properties[spec].properties[list].items.type: Required value: must not be empty for specified array items`,
    ]);
  });

  it('requires an object at the root and items on arrays', () => {
    expect(messages({ type: 'string' })).toEqual([`${at}.type: Invalid value: "string": must be object at the root`]);
    expect(messages(withSpec({ list: { type: 'array' } }))).toEqual([`${at}.properties[spec].properties[list].items: Required value: must be specified`]);
  });

  it('forbids additionalProperties at the root, and beside properties', () => {
    expect(messages({ type: 'object', additionalProperties: { type: 'string' } })).toEqual([
      `${at}.additionalProperties: Forbidden: must not be used at the root`,
    ]);
    expect(messages(withSpec({ both: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } }))).toEqual([
      `${at}.properties[spec].properties[both].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
  });

  it('lets the root metadata constrain only name and generateName', () => {
    expect(messages({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } } } })).toEqual([]);
    expect(messages({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } })).toEqual([
      `${at}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    ]);
    expect(messages({ type: 'object', properties: { metadata: { type: 'string' } } })).toEqual([
      `${at}.properties[metadata].type: Invalid value: "string": must be object`,
    ]);
  });

  it('checks embedded resources', () => {
    expect(messages(withSpec({ t: { 'x-kubernetes-embedded-resource': true } }))).toEqual([
      `${at}.properties[spec].properties[t].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
      `${at}.properties[spec].properties[t].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
    ]);
  });

  it('forbids value-shaping keywords inside junctors, except the int-or-string anyOf', () => {
    expect(messages(withSpec({ v: { type: 'string', anyOf: [{ type: 'string', pattern: '^a' }] } }))).toEqual([
      `${at}.properties[spec].properties[v].anyOf[0].type: Forbidden: must be empty to be structural`,
    ]);
    expect(messages(withSpec({ v: { type: 'string', allOf: [{ default: 'x', nullable: true }] } }))).toEqual([
      `${at}.properties[spec].properties[v].allOf[0].default: Forbidden: must be undefined to be structural`,
      `${at}.properties[spec].properties[v].allOf[0].nullable: Forbidden: must be false to be structural`,
    ]);
  });

  it('requires what the root junctors constrain to exist structurally', () => {
    expect(messages({ type: 'object', properties: { spec: { type: 'object' } }, anyOf: [{ required: ['spec'] }, { properties: { other: { minLength: 1 } } }] })).toEqual([
      `${at}.properties[other]: Required value: because it is defined in ${at}.anyOf[1].properties[other]`,
    ]);
  });

  it('reports invalid patterns', () => {
    expect(messages(withSpec({ p: { type: 'string', pattern: '([a-z' } }))).toEqual([
      expect.stringMatching(new RegExp(`^${at.replace(/[.[\]]/g, '\\$&')}\\.properties\\[spec\\]\\.properties\\[p\\]\\.pattern: Invalid value: "\\(\\[a-z": must be a valid regular expression, but isn't: `)),
    ]);
  });

  it('sorts structural errors by message, as upstream does', () => {
    const result = messages(withSpec({ z: {}, a: {} }));
    expect(result).toEqual([...result].sort());
    expect(result).toHaveLength(2);
  });
});

describe('checkStructuralSchema: defaults', () => {
  it('refuses defaults that fail their own schema', () => {
    expect(checkStructuralSchema(withSpec({ size: { type: 'integer', default: 'big' } }), at)).toEqual([{
      type: 'FieldValueTypeInvalid',
      field: `${at}.properties[spec].properties[size].default`,
      message: `${at}.properties[spec].properties[size].default: Invalid value: "string": in body must be of type integer: "string"`,
    }]);
    expect(messages(withSpec({ res: { type: 'object', default: { cpu: 5 }, properties: { cpu: { type: 'string' } } } }))).toEqual([
      `${at}.properties[spec].properties[res].default.cpu: Invalid value: "integer": cpu in body must be of type string: "integer"`,
    ]);
    expect(messages(withSpec({ n: { type: 'integer', minimum: 3, default: 1 } }))).toEqual([
      `${at}.properties[spec].properties[n].default: Invalid value: 1: in body should be greater than or equal to 3`,
    ]);
  });

  it('refuses defaults with unknown fields', () => {
    expect(messages(withSpec({ res: { type: 'object', default: { cpu: '1', junk: true }, properties: { cpu: { type: 'string' } } } }))).toEqual([
      `${at}.properties[spec].properties[res].default: Invalid value: {"cpu":"1","junk":true}: must not have unknown fields`,
    ]);
  });

  it('refuses defaults in the root metadata', () => {
    expect(messages({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', default: 'x' } } } } })).toEqual([
      `${at}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`,
    ]);
  });

  it('does not check defaults while the schema is not structural', () => {
    expect(messages(withSpec({ size: { type: 'integer', default: 'big' }, other: {} }))).toEqual([
      `${at}.properties[spec].properties[other].type: Required value: must not be empty for specified object fields`,
    ]);
  });
});

describe('checkStructuralSchema: OpenAPI rules', () => {
  it('forbids uniqueItems, unsupported keywords, null types and a nullable root', () => {
    expect(messages({ type: 'object', nullable: true })).toEqual([`${at}.nullable: Forbidden: nullable cannot be true at the root`]);
    expect(messages(withSpec({ l: { type: 'array', items: { type: 'string' }, uniqueItems: true } }))).toEqual([
      `${at}.properties[spec].properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ]);
    expect(messages(withSpec({ r: { type: 'string', $ref: '#/x' } }))).toEqual([`${at}.properties[spec].properties[r].$ref: Forbidden: $ref is not supported`]);
    expect(messages(withSpec({ t: { type: 'text' } }))).toEqual([
      `${at}.properties[spec].properties[t].type: Unsupported value: "text": supported values: "array", "boolean", "integer", "number", "object", "string"`,
    ]);
  });

  it('checks list types and their keys', () => {
    expect(messages(withSpec({ l: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } }, 'x-kubernetes-list-type': 'map' } }))).toEqual([
      `${at}.properties[spec].properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
    ]);
    expect(messages(withSpec({
      l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object', properties: { name: { type: 'string' } } } },
    }))).toEqual([
      `${at}.properties[spec].properties[l].x-kubernetes-list-map-keys: Invalid value: ["id"]: entries must all be names of item properties`,
    ]);
    expect(messages(withSpec({
      l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } },
    }))).toEqual([
      `${at}.properties[spec].properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ]);
    expect(messages(withSpec({ l: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' } }))).toEqual([
      `${at}.properties[spec].properties[l].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
    ]);
    expect(messages(withSpec({ l: { type: 'object', 'x-kubernetes-list-type': 'set' } }))).toEqual([
      `${at}.properties[spec].properties[l].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`,
    ]);
  });

  it('refuses x-kubernetes-preserve-unknown-fields: false and checks the shape of CEL rules', () => {
    expect(messages(withSpec({ p: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } }))).toEqual([
      `${at}.properties[spec].properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
    ]);
    expect(messages(withSpec({ p: { type: 'string', 'x-kubernetes-validations': [{ rule: ' ' }, { rule: 'true', reason: 'Nope' }] } }))).toEqual([
      `${at}.properties[spec].properties[p].x-kubernetes-validations[0].rule: Required value: rule is not specified`,
      `${at}.properties[spec].properties[p].x-kubernetes-validations[1].reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
    ]);
  });
});
