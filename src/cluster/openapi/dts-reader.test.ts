import { describe, expect, it } from 'vitest';
import { readDeclarations } from './dts-reader.ts';

const SAMPLE = `import { ListMeta, ObjectMeta } from "../meta/v1";
import { Quantity } from "../api/resource";
/**
 * Widget is a thing.
 *
 * It has two paragraphs.
 */
export interface Widget {
    /** APIVersion of the object. */
    apiVersion?: "example.com/v1";
    /** The widget's metadata. */
    metadata?: ObjectMeta;
    /**
     * Sizes by name.
     *   Indented detail.
     */
    sizes?: {
        [name: string]: Quantity;
    };
    port: number | string;
    readonly tags?: Array<string>;
    parts: Array<Part>;
}
/** Part of a widget. */
export interface Part {
}
/** A free union. */
export type PartOrList = Part | Part[];
`;

describe('readDeclarations', () => {
  const module = readDeclarations('example/v1', SAMPLE);

  it('reads interface and field descriptions, keeping paragraphs and indentation', () => {
    const widget = module.declarations.get('Widget');
    expect(widget?.kind).toBe('interface');
    expect(widget?.description).toBe('Widget is a thing.\n\nIt has two paragraphs.');
    if (widget?.kind !== 'interface') throw new Error('not an interface');
    expect(widget.fields.map((field) => field.name)).toEqual(['apiVersion', 'metadata', 'sizes', 'port', 'tags', 'parts']);
    expect(widget.fields[2].description).toBe('Sizes by name.\n  Indented detail.');
    expect(widget.fields[3].description).toBeUndefined();
  });

  it('parses field types, resolving imported names to their modules', () => {
    const widget = module.declarations.get('Widget');
    if (widget?.kind !== 'interface') throw new Error('not an interface');
    const types = Object.fromEntries(widget.fields.map((field) => [field.name, field.type]));
    expect(types.apiVersion).toEqual({ kind: 'literal', value: 'example.com/v1' });
    expect(types.metadata).toEqual({ kind: 'reference', name: 'ObjectMeta', module: 'meta/v1' });
    expect(types.sizes).toEqual({ kind: 'map', values: { kind: 'reference', name: 'Quantity', module: 'api/resource' } });
    expect(types.port).toEqual({
      kind: 'union',
      members: [
        { kind: 'primitive', name: 'number' },
        { kind: 'primitive', name: 'string' },
      ],
    });
    expect(types.tags).toEqual({ kind: 'array', items: { kind: 'primitive', name: 'string' } });
    expect(types.parts).toEqual({ kind: 'array', items: { kind: 'reference', name: 'Part', module: 'example/v1' } });
  });

  it('marks optional and required fields', () => {
    const widget = module.declarations.get('Widget');
    if (widget?.kind !== 'interface') throw new Error('not an interface');
    expect(widget.fields.filter((field) => !field.optional).map((field) => field.name)).toEqual(['port', 'parts']);
  });

  it('reads empty interfaces and type aliases', () => {
    expect(module.declarations.get('Part')).toEqual({ kind: 'interface', name: 'Part', description: 'Part of a widget.', fields: [] });
    expect(module.declarations.get('PartOrList')).toEqual({
      kind: 'alias',
      name: 'PartOrList',
      description: 'A free union.',
      type: {
        kind: 'union',
        members: [
          { kind: 'reference', name: 'Part', module: 'example/v1' },
          { kind: 'array', items: { kind: 'reference', name: 'Part', module: 'example/v1' } },
        ],
      },
    });
  });

  it('refuses lines it does not understand instead of guessing', () => {
    expect(() => readDeclarations('x/v1', 'export interface A {\n    a?: Map<string, number>;\n}\n')).toThrow(/unsupported type/);
    expect(() => readDeclarations('x/v1', 'export class A {}\n')).toThrow(/unexpected line 1/);
  });
});
