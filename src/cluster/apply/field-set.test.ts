import { describe, expect, it } from 'vitest';
import { FieldSet } from './field-set.ts';
import { displayPath, type FieldPath } from './path-element.ts';

const path = (...fields: string[]): FieldPath => fields.map((field) => ({ field }));

describe('FieldSet', () => {
  const document = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:ports': { '.': {}, 'k:{"name":"p","proto":"TCP"}': { '.': {}, 'f:port': {} } },
      'f:replicas': {},
      'f:tags': { 'v:"t1"': {} },
    },
  };

  it('reads and writes fieldsV1 in sorted order, marking members that have children with "."', () => {
    const set = FieldSet.fromFieldsV1(document);
    expect(set.has(path('metadata', 'labels'))).toBe(true);
    expect(set.has(path('metadata'))).toBe(false);
    expect(set.has([...path('spec', 'ports'), { key: { name: 'p', proto: 'TCP' } }])).toBe(true);
    expect(set.toFieldsV1()).toEqual(document);
    expect(JSON.stringify(set.toFieldsV1())).toBe(JSON.stringify(document));
  });

  it('tells whether each of its paths is a member of a fieldsV1 document', () => {
    const ports = [...path('spec', 'ports'), { key: { name: 'p', proto: 'TCP' } }];
    expect(FieldSet.of([path('spec', 'replicas'), path('metadata', 'labels', 'app'), [...ports, { field: 'port' }]]).isWithin(document)).toBe(true);
    // `f:labels` has `.`: a member itself; `f:metadata` only leads to one.
    expect(FieldSet.of([path('metadata', 'labels')]).isWithin(document)).toBe(true);
    expect(FieldSet.of([path('metadata')]).isWithin(document)).toBe(false);
    expect(FieldSet.of([path('spec', 'tags')]).isWithin(document)).toBe(false);
    expect(FieldSet.of([path('spec', 'replicas', 'x')]).isWithin(document)).toBe(false);
    expect(new FieldSet().isWithin(document)).toBe(true);
  });

  it('lists paths as upstream iterates: members of a level first, then each subtree, all sorted', () => {
    const set = FieldSet.of([path('spec', 'z'), path('spec', 'a', 'x'), path('spec', 'b'), path('metadata', 'labels', 'k')]);
    expect(set.paths().map(displayPath)).toEqual(['.metadata.labels.k', '.spec.b', '.spec.z', '.spec.a.x']);
  });

  it('computes unions, differences and intersections', () => {
    const a = FieldSet.of([path('spec', 'a'), path('spec', 'b'), path('data', 'x')]);
    const b = FieldSet.of([path('spec', 'b'), path('spec', 'c')]);
    expect(a.union(b).paths().map(displayPath)).toEqual(['.data.x', '.spec.a', '.spec.b', '.spec.c']);
    expect(a.difference(b).paths().map(displayPath)).toEqual(['.data.x', '.spec.a']);
    expect(a.intersection(b).paths().map(displayPath)).toEqual(['.spec.b']);
    expect(a.difference(a).empty).toBe(true);
  });

  it('leaves its operands unchanged and answers an operand itself when the result equals it', () => {
    const a = FieldSet.of([path('spec', 'a'), path('spec', 'b'), path('data', 'x')]);
    const before = a.paths().map(displayPath);
    const b = FieldSet.of([path('spec', 'b'), path('spec', 'c')]);
    a.union(b);
    a.difference(b);
    a.without(path('spec', 'a'));
    expect(a.paths().map(displayPath)).toEqual(before);
    expect(a.union(FieldSet.of([path('spec', 'a')]))).toBe(a);
    expect(a.difference(FieldSet.of([path('status', 'phase')]))).toBe(a);
    expect(a.without(path('status'))).toBe(a);
    const remade = a.difference(FieldSet.of([path('spec', 'b')])).union(FieldSet.of([path('spec', 'b')]));
    expect(remade).not.toBe(a);
    expect(remade.equals(a)).toBe(true);
    expect(remade.equals(b)).toBe(false);
  });

  it('writes a frozen document once, and answers the document a set was read from when it was written here', () => {
    const set = FieldSet.fromFieldsV1(document);
    const written = set.toFieldsV1();
    expect(Object.isFrozen(written)).toBe(true);
    expect(written).not.toBe(document);
    expect(set.toFieldsV1()).toBe(written);
    expect(FieldSet.fromFieldsV1(written).toFieldsV1()).toBe(written);
    // `.` marks the parent's member: a subtree read from a marked document loses the mark when the member goes.
    const labels = path('metadata', 'labels');
    const withoutMember = FieldSet.fromFieldsV1(written).difference(FieldSet.of([labels]));
    expect(withoutMember.toFieldsV1()).toEqual({ ...document, 'f:metadata': { 'f:labels': { 'f:app': {} } } });
  });

  it('drops a path with everything below it', () => {
    const set = FieldSet.of([path('status'), path('status', 'phase'), path('spec', 'a')]);
    expect(set.without(path('status')).paths().map(displayPath)).toEqual(['.spec.a']);
    expect(set.without(path('spec', 'a')).paths().map(displayPath)).toEqual(['.status', '.status.phase']);
  });

  it('rejects documents that are not fieldsV1', () => {
    expect(() => FieldSet.fromFieldsV1([])).toThrow();
    expect(() => FieldSet.fromFieldsV1({ 'q:x': {} })).toThrow();
  });
});
