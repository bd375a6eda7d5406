import { describe, expect, it } from 'vitest';
import { diff, reduceDiff, type Diff, type DiffScope } from './diff.ts';

const SCOPES: DiffScope[] = ['full', 'left', 'right'];

describe('diff', () => {
  describe.each(SCOPES)('in the %s scope', (scope) => {
    it('adds the whole value when there was none', () => {
      expect(diff(undefined, { a: 1 }, { scope })).toEqual([['add', [], undefined, { a: 1 }]]);
      expect(diff(null, 'x', { scope })).toEqual([['add', [], undefined, 'x']]);
    });

    it('removes the whole value when there is none', () => {
      expect(diff({ a: 1 }, undefined, { scope })).toEqual([['remove', [], { a: 1 }, undefined]]);
      expect(diff('x', null, { scope })).toEqual([['remove', [], 'x', undefined]]);
    });

    it('finds nothing between two absent values', () => {
      expect(diff(undefined, undefined, { scope })).toEqual([]);
      expect(diff(null, undefined, { scope })).toEqual([]);
    });

    it('compares scalars', () => {
      expect(diff(100, 100, { scope })).toEqual([]);
      expect(diff(100, 200, { scope })).toEqual([['change', [], 100, 200]]);
      expect(diff('hello', 'world', { scope })).toEqual([['change', [], 'hello', 'world']]);
      expect(diff(1, '1', { scope })).toEqual([['change', [], 1, '1']]);
    });

    it('compares arrays whole', () => {
      expect(diff([100, 200, 300], [100, 200, 300], { scope })).toEqual([]);
      expect(diff([100, 200, 300], [100, 666, 300], { scope })).toEqual([['change', [], [100, 200, 300], [100, 666, 300]]]);
      expect(diff({ a: [1] }, { a: [1, 2] }, { scope })).toEqual([['change', ['a'], [1], [1, 2]]]);
    });

    it('sees equal objects whatever their key order', () => {
      expect(diff({ hello: 'world', key: 'val' }, { key: 'val', hello: 'world' }, { scope })).toEqual([]);
    });

    it('recurses into objects for changed keys', () => {
      expect(diff({ main: { hello: 'world', key: 'old' } }, { main: { hello: 'world', key: 'new' } }, { scope }))
        .toEqual([['change', ['main', 'key'], 'old', 'new']]);
    });

    it('changes an object into an array or scalar as a whole', () => {
      expect(diff({ a: { b: 1 } }, { a: [1] }, { scope })).toEqual([['change', ['a'], { b: 1 }, [1]]]);
      expect(diff({ a: 'x' }, { a: { b: 1 } }, { scope })).toEqual([['change', ['a'], 'x', { b: 1 }]]);
    });

    it('treats a null field as an absent one', () => {
      expect(diff({ a: null }, {}, { scope })).toEqual([]);
      expect(diff({}, { a: null }, { scope })).toEqual([]);
    });
  });

  it.each(['full', 'right'] as const)('notices added keys in the %s scope', (scope) => {
    expect(diff({ hello: 'world' }, { hello: 'world', key: 'val' }, { scope })).toEqual([['add', ['key'], undefined, 'val']]);
  });

  it('ignores added keys in the left scope', () => {
    expect(diff({ hello: 'world' }, { hello: 'world', key: 'val' }, { scope: 'left' })).toEqual([]);
  });

  it.each(['full', 'left'] as const)('notices removed keys in the %s scope', (scope) => {
    expect(diff({ hello: 'world', key: 'val' }, { hello: 'world' }, { scope })).toEqual([['remove', ['key'], 'val', undefined]]);
  });

  it('ignores removed keys in the right scope', () => {
    expect(diff({ hello: 'world', key: 'val' }, { hello: 'world' }, { scope: 'right' })).toEqual([]);
  });

  it('lists added, then removed, then changed keys', () => {
    const before = { spec: { b: 1, c: 2, gone: true }, kept: 'x' };
    const after = { spec: { b: 1, c: 3, new1: 'n', new2: 'm' }, kept: 'x', added: { deep: 1 } };
    expect(diff(before, after)).toEqual([
      ['add', ['added'], undefined, { deep: 1 }],
      ['add', ['spec', 'new1'], undefined, 'n'],
      ['add', ['spec', 'new2'], undefined, 'm'],
      ['remove', ['spec', 'gone'], true, undefined],
      ['change', ['spec', 'c'], 2, 3],
    ]);
  });

  it('defaults to the full scope', () => {
    expect(diff({ a: 1 }, { b: 2 })).toEqual([['add', ['b'], undefined, 2], ['remove', ['a'], 1, undefined]]);
  });
});

describe('reduceDiff', () => {
  // The same sample as Kopf's tests/diffs/test_reduction.py.
  const DIFF: Diff = [
    ['add', ['key1'], undefined, 'new1'],
    ['change', ['key2'], 'old2', 'new2'],
    ['add', ['key2', 'suba'], 'olda', 'newa'],
    ['remove', ['key2', 'subb'], 'oldb', 'newb'],
    ['remove', ['key3'], 'old3', undefined],
    ['change', ['key4'], { suba: 'olda', subc: 'oldc' }, { subb: 'newb', subc: 'newc' }],
  ];

  it('keeps every item for the root path', () => {
    expect(reduceDiff(DIFF, [])).toEqual(DIFF);
  });

  it('re-roots the items under the path', () => {
    expect(reduceDiff(DIFF, ['key2'])).toEqual([
      ['change', [], 'old2', 'new2'],
      ['add', ['suba'], 'olda', 'newa'],
      ['remove', ['subb'], 'oldb', 'newb'],
    ]);
  });

  it.each([
    [['nonexistent-key']],
    [['key1', 'nonexistent-key']],
    [['key2', 'nonexistent-key']],
    [['key3', 'nonexistent-key']],
    [['key4', 'nonexistent-key']],
    [['key4', 'suba', 'nonexistent-key']],
    [['key4', 'subb', 'nonexistent-key']],
    [['key4', 'subc', 'nonexistent-key']],
    [['key4', 'nonexistent-dict', 'nonexistent-key']],
  ])('selects nothing for the path %j', (path) => {
    expect(reduceDiff(DIFF, path)).toEqual([]);
  });

  it('dives into a changed object for a field that was added', () => {
    expect(reduceDiff(DIFF, ['key4', 'subb'])).toEqual([['add', [], undefined, 'newb']]);
  });

  it('dives into a changed object for a field that was removed', () => {
    expect(reduceDiff(DIFF, ['key4', 'suba'])).toEqual([['remove', [], 'olda', undefined]]);
  });

  it('dives into a changed object for a field that changed', () => {
    expect(reduceDiff(DIFF, ['key4', 'subc'])).toEqual([['change', [], 'oldc', 'newc']]);
  });

  it('dives into a whole added object (creation) for a field inside it', () => {
    const creation = diff(undefined, { spec: { field: 'value', other: 1 } });
    expect(reduceDiff(creation, ['spec', 'field'])).toEqual([['add', [], undefined, 'value']]);
    expect(reduceDiff(creation, ['spec', 'missing'])).toEqual([]);
  });

  it('produces a full sub-diff for an object field inside a changed parent', () => {
    const changes = diff({ spec: 1 }, { spec: { items: { a: 1 } } });
    expect(reduceDiff(changes, ['spec', 'items'])).toEqual([['add', [], undefined, { a: 1 }]]);
  });
});
