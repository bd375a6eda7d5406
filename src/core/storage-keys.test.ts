import { describe, expect, it } from 'vitest';
import { hashSuffix, kopfManagedPrefixes, markKey, safeName, StorageKeys } from './storage-keys.ts';

const PREFIX = 'my-operator.example.com';

// Goldens from Kopf's tests/persistence/test_annotations_hashing.py, plus keys computed with Kopf's own code.
describe('StorageKeys', () => {
  const keys = new StorageKeys({ prefix: PREFIX, v1: true });

  it('replaces the characters Kubernetes rejects', () => {
    expect(safeName('a_b.c-d/e<f>')).toBe('a_b.c-d.e_f_');
    expect(keys.v1Key('a_b.c-d/e')).toBe('my-operator.example.com/a_b.c-d.e');
    expect(keys.v2Key('a_b.c-d/e')).toBe('my-operator.example.com/a_b.c-d.e');
  });

  it.each([
    ['x', `${PREFIX}/x`],
    ['x'.repeat(39), `${PREFIX}/${'x'.repeat(39)}`],
    ['x'.repeat(40), `${PREFIX}/${'x'.repeat(30)}xx-tEokcg`],
    ['y'.repeat(40), `${PREFIX}/${'y'.repeat(30)}yy-VZlvhw`],
    ['z'.repeat(40), `${PREFIX}/${'z'.repeat(30)}zz-LlPQyA`],
    ['fn'.repeat(323), `${PREFIX}/${'fn'.repeat(15)}fn-Az-r.g`],
  ])('forms the V1 key of %s', (key, expected) => {
    expect(keys.v1Key(key)).toBe(expected);
  });

  it.each([
    ['x', `${PREFIX}/x`],
    ['x'.repeat(63), `${PREFIX}/${'x'.repeat(63)}`],
    ['x'.repeat(64), `${PREFIX}/${'x'.repeat(54)}xx-SItAqA`],
    ['y'.repeat(64), `${PREFIX}/${'y'.repeat(54)}yy-0d251g`],
    ['z'.repeat(64), `${PREFIX}/${'z'.repeat(54)}zz-E7wvIA`],
    ['fn'.repeat(323), `${PREFIX}/${'fn'.repeat(27)}fn-Az-r.g`],
  ])('forms the V2 key of %s', (key, expected) => {
    expect(keys.v2Key(key)).toBe(expected);
  });

  it.each([
    ['create_fn', 'kopf.zalando.org/create_fn', 'kopf.zalando.org/create_fn'],
    ['create_fn/item1', 'kopf.zalando.org/create_fn.item1', 'kopf.zalando.org/create_fn.item1'],
    [
      'a_very_long_parent_handler_name/with_a_long_child_handler_name/field',
      'kopf.zalando.org/a_very_long_parent_handler_name.with_a_long_child_handle-Z5XPyw',
      'kopf.zalando.org/a_very_long_parent_handler_name.with_a_-ECKW2Q',
    ],
    [
      'update_fn/spec.some.deeply.nested.field<with>brackets',
      'kopf.zalando.org/update_fn.spec.some.deeply.nested.field_with_brackets',
      'kopf.zalando.org/update_fn.spec.some.deeply.nested.field-OQe9Tw',
    ],
  ])('forms Kopf’s default-prefix keys of %s', (key, v2, v1) => {
    const defaults = new StorageKeys({ prefix: 'kopf.zalando.org', v1: true });
    expect(defaults.v2Key(key)).toBe(v2);
    expect(defaults.v1Key(key)).toBe(v1);
  });

  it('lists both versions, V2 first, when they differ', () => {
    const defaults = new StorageKeys({ prefix: 'kopf.zalando.org', v1: true });
    expect(defaults.keysFor('.'.repeat(64))).toEqual([
      `kopf.zalando.org/${'.'.repeat(56)}-Okpb4g`,
      `kopf.zalando.org/${'.'.repeat(39)}-Okpb4g`,
    ]);
  });

  it('lists one key when both versions agree', () => {
    expect(new StorageKeys({ prefix: 'kopf.zalando.org', v1: true }).keysFor('...')).toEqual(['kopf.zalando.org/...']);
  });

  it('lists only the V2 key without V1', () => {
    expect(new StorageKeys({ prefix: 'kopf.zalando.org', v1: false }).keysFor('.'.repeat(64))).toEqual([
      `kopf.zalando.org/${'.'.repeat(56)}-Okpb4g`,
    ]);
  });

  it.each([
    ['ReplicaSet', [{ kind: 'Deployment' }], 'kopf.dev/xyz-ofDRS'],
    ['ReplicaSet', [{ kind: 'OtherOwner' }], 'kopf.dev/xyz'],
    ['OtherKind', [{ kind: 'Deployment' }], 'kopf.dev/xyz'],
  ])('marks the keys of a %s owned by %j', (kind, owners, expected) => {
    const body = { kind, metadata: { ownerReferences: owners } };
    expect(new StorageKeys({ prefix: 'kopf.dev', v1: true }).keysFor('xyz', body)).toEqual([expected]);
    expect(markKey('xyz', body)).toBe(expected.slice('kopf.dev/'.length));
  });

  it('requires a prefix', () => {
    expect(() => new StorageKeys({ prefix: '', v1: true })).toThrow(/need a prefix/);
  });

  it('rejects a prefix that leaves no room for names', () => {
    expect(() => new StorageKeys({ prefix: 'x'.repeat(253 - 63), v1: true })).toThrow(/too long/);
    expect(() => new StorageKeys({ prefix: 'x'.repeat(253 - 64), v1: true })).not.toThrow();
  });

  it('cuts a V1 key from the end when the prefix leaves no room, as Python slicing does', () => {
    expect(new StorageKeys({ prefix: 'x'.repeat(70), v1: true }).v1Key('short')).toBe(`${'x'.repeat(70)}/-Udmrgg`);
  });

  it('asks for a marker only for prefixes not recognised as Kopf’s', () => {
    expect(new StorageKeys({ prefix: 'kopf.zalando.org', v1: true }).missingMarker(() => false)).toBeUndefined();
    expect(new StorageKeys({ prefix: 'kopf.example.com', v1: true }).missingMarker(() => false)).toBeUndefined();
    expect(keys.missingMarker(() => false)).toBe(`${PREFIX}/kopf-managed`);
    expect(keys.missingMarker((key) => key === `${PREFIX}/kopf-managed`)).toBeUndefined();
  });
});

describe('hashSuffix', () => {
  it.each([
    ['a', '-yiNMVQ'],
    ['create_fn', '-AZjFuA'],
    ['x'.repeat(64), '-SItAqA'],
  ])('hashes %s as Kopf does', (key, suffix) => {
    expect(hashSuffix(key)).toBe(suffix);
  });
});

describe('kopfManagedPrefixes', () => {
  it('recognises Kopf’s own domain and its subdomains', () => {
    expect(kopfManagedPrefixes(['kopf.zalando.org/x', 'sub.kopf.zalando.org/y', 'sub.sub.kopf.zalando.org/z']))
      .toEqual(new Set(['kopf.zalando.org', 'sub.kopf.zalando.org', 'sub.sub.kopf.zalando.org']));
  });

  it('recognises prefixes with the kopf-managed marker', () => {
    expect(kopfManagedPrefixes(['domain.tld/kopf-managed', 'domain.tld/to-be-removed', 'other/y'])).toEqual(new Set(['domain.tld']));
  });

  it.each(['kopf-domain.tld', 'kopf.domain.tld', 'domain.tld.kopf', 'domain.kopf.tld', 'domain-kopf.tld', 'xkopf.zalando.org'])(
    'does not take %s for a Kopf-managed prefix', (prefix) => {
      expect(kopfManagedPrefixes([`${prefix}/to-be-removed`, 'no-slash'])).toEqual(new Set());
    },
  );
});
