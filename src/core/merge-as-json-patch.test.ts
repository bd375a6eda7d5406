import { describe, expect, it } from 'vitest';
import { mergeAsJsonPatch } from './merge-as-json-patch.ts';

describe('mergeAsJsonPatch', () => {
  const target = { metadata: { name: 'one', labels: { a: '1' } }, spec: { field: 'x', list: [1, 2] } };

  it('adds new fields and replaces existing ones at the deepest common object', () => {
    expect(mergeAsJsonPatch({ spec: { field: 'y', extra: { deep: 1 } }, metadata: { labels: { b: '2' } } }, target)).toEqual([
      { op: 'add', path: '/spec/field', value: 'y' },
      { op: 'add', path: '/spec/extra', value: { deep: 1 } },
      { op: 'add', path: '/metadata/labels/b', value: '2' },
    ]);
  });

  it('removes fields for nulls, but only those that exist', () => {
    expect(mergeAsJsonPatch({ metadata: { labels: { a: null, missing: null } } }, target)).toEqual([{ op: 'remove', path: '/metadata/labels/a' }]);
  });

  it('adds whole new stanzas without the nulls in them, and replaces arrays whole', () => {
    expect(mergeAsJsonPatch({ status: { ok: true, gone: null }, spec: { list: [3] } }, target)).toEqual([
      { op: 'add', path: '/status', value: { ok: true } },
      { op: 'add', path: '/spec/list', value: [3] },
    ]);
  });

  it('escapes keys as JSON pointers', () => {
    expect(mergeAsJsonPatch({ metadata: { annotations: { 'kopf.dev/x~y': 'v' } } }, target)).toEqual([
      { op: 'add', path: '/metadata/annotations', value: { 'kopf.dev/x~y': 'v' } },
    ]);
    expect(mergeAsJsonPatch({ metadata: { labels: { 'a/b~c': 'v' } } }, target)).toEqual([{ op: 'add', path: '/metadata/labels/a~1b~0c', value: 'v' }]);
  });

  it('is empty for an empty merge patch', () => {
    expect(mergeAsJsonPatch({}, target)).toEqual([]);
  });
});
