import { describe, expect, it } from 'vitest';
import { buildEssence, removeAnnotations, removeEmptyStanzas } from './essence.ts';

// Cases after Kopf's tests/persistence/test_essences.py.
describe('buildEssence', () => {
  it('drops apiVersion and kind', () => {
    expect(buildEssence({ apiVersion: 'group/version', kind: 'Kind' })).toEqual({});
  });

  it.each(['uid', 'name', 'namespace', 'selfLink', 'generation', 'finalizers', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'any-unexpected-field'])(
    'drops the system field metadata.%s and the emptied metadata', (field) => {
      expect(buildEssence({ metadata: { [field]: 'x' } })).toEqual({});
    },
  );

  it('keeps metadata fields listed as extra fields', () => {
    expect(buildEssence({ metadata: { uid: 'x', other: 'y' } }, { extraFields: [['metadata', 'other']] })).toEqual({ metadata: { other: 'y' } });
  });

  it('drops kubectl’s last-applied-configuration and the emptied stanzas', () => {
    expect(buildEssence({ metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x' } } })).toEqual({});
    expect(buildEssence({ metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x', other: 'y' } } }))
      .toEqual({ metadata: { annotations: { other: 'y' } } });
  });

  it.each(['kopf-domain.tld', 'kopf.domain.tld', 'domain.tld.kopf', 'domain.tld-kopf', 'domain.kopf.tld', 'domain.kopf-tld', 'domain-kopf.tld', 'domain-kopf-tld'])(
    'keeps annotations under %s, which merely mentions kopf', (prefix) => {
      const annotation = `${prefix}/to-be-removed`;
      expect(buildEssence({ metadata: { annotations: { [annotation]: 'x' } } })).toEqual({ metadata: { annotations: { [annotation]: 'x' } } });
    },
  );

  it.each(['kopf.zalando.org', 'sub.kopf.zalando.org', 'sub.sub.kopf.zalando.org'])('drops other operators’ annotations under %s', (prefix) => {
    expect(buildEssence({ metadata: { annotations: { [`${prefix}/to-be-removed`]: 'x', other: 'y' } } }))
      .toEqual({ metadata: { annotations: { other: 'y' } } });
  });

  it('drops annotations under prefixes marked as kopf-managed, the marker included', () => {
    expect(buildEssence({ metadata: { annotations: { 'domain.tld/to-be-removed': 'x', 'domain.tld/kopf-managed': 'yes', other: 'y' } } }))
      .toEqual({ metadata: { annotations: { other: 'y' } } });
  });

  it('drops the status', () => {
    expect(buildEssence({ status: { kopf: { progress: 'x', anything: 'y' }, other: 'z' } })).toEqual({});
  });

  it('keeps status fields listed as extra fields', () => {
    expect(buildEssence({ status: { kopf: { progress: 'x' }, other: 'z' } }, { extraFields: [['status', 'other']] })).toEqual({ status: { other: 'z' } });
  });

  it('skips extra fields the body does not have', () => {
    expect(buildEssence({ spec: { a: 1 } }, { extraFields: [['status', 'phase'], ['spec', 'b']] })).toEqual({ spec: { a: 1 } });
  });

  it('copies the body deeply', () => {
    const body = { spec: { depth: { field: 'x' } }, metadata: { labels: { a: 'b' } } };
    const essence = buildEssence(body);
    body.spec.depth.field = 'y';
    body.metadata.labels.a = 'c';
    expect(essence).toEqual({ spec: { depth: { field: 'x' } }, metadata: { labels: { a: 'b' } } });
  });

  it('removes ignored fields and the parents they empty, skipping paths through non-objects', () => {
    const body = { a: { b: { c: 'd' }, e: { f: 'g' } }, h: { i: 'j' }, x: { only: 1 } };
    const essence = buildEssence(body, { ignoredFields: [['a', 'b'], ['a', 'e', 'f', 'g'], ['h'], ['k', 'l', 'm'], ['x', 'only']] });
    expect(essence).toEqual({ a: { e: { f: 'g' } } });
  });

  it('orders keys as Kopf does: body order, then metadata, then extra fields', () => {
    const body = {
      status: { phase: 'Running' }, metadata: { annotations: { a: '1' }, labels: { l: '2' }, name: 'n' },
      spec: { x: 1 }, kind: 'K', data: { z: 1, a: 2 },
    };
    const essence = buildEssence(body, { extraFields: [['status', 'phase']] });
    expect(JSON.stringify(essence)).toBe('{"spec":{"x":1},"data":{"z":1,"a":2},"metadata":{"labels":{"l":"2"},"annotations":{"a":"1"}},"status":{"phase":"Running"}}');
  });

  it('keeps an empty spec (only labels, annotations, metadata and status are dropped when empty)', () => {
    expect(buildEssence({ spec: {}, metadata: { labels: {} } })).toEqual({ spec: {} });
  });
});

describe('removeEmptyStanzas', () => {
  it('drops empty and null stanzas but keeps filled ones', () => {
    const essence = { metadata: { labels: {}, annotations: null, other: 1 }, status: {}, spec: {} };
    removeEmptyStanzas(essence);
    expect(essence).toEqual({ metadata: { other: 1 }, spec: {} });
  });

  it('drops a metadata left empty', () => {
    const essence = { metadata: { labels: {} } };
    removeEmptyStanzas(essence);
    expect(essence).toEqual({});
  });
});

describe('removeAnnotations', () => {
  it('drops the given annotations only', () => {
    const essence = { metadata: { annotations: { a: '1', b: '2' } } };
    removeAnnotations(essence, ['a', 'missing']);
    expect(essence).toEqual({ metadata: { annotations: { b: '2' } } });
  });

  it('ignores essences without annotations', () => {
    const essence = { spec: {} };
    removeAnnotations(essence, ['a']);
    expect(essence).toEqual({ spec: {} });
  });
});
