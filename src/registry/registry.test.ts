import { describe, expect, it, vi } from 'vitest';
import { EVERYTHING, type Resource } from '../core/resource-selector.ts';
import { getDefaultRegistry, on, setDefaultRegistry } from './default-registry.ts';
import { Registry } from './registry.ts';
import type { ChangeSubject } from './selection.ts';

function resource(overrides: Partial<Resource> & Pick<Resource, 'plural' | 'kind'>): Resource {
  return {
    group: 'kopf.dev',
    version: 'v1',
    singular: overrides.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: ['status'],
    namespaced: true,
    preferred: true,
    verbs: ['get', 'list', 'watch', 'patch', 'create', 'update', 'delete'],
    ...overrides,
  };
}

const kex = resource({ plural: 'kopfexamples', kind: 'KopfExample', shortNames: ['kex'], categories: ['all'] });
const pods = resource({ group: '', plural: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'] });
const events = resource({ group: '', plural: 'events', kind: 'Event' });

const body = { metadata: { name: 'ex1', labels: { app: 'web' } }, spec: { field: 'a' } };

function change(overrides: Partial<ChangeSubject> = {}): ChangeSubject {
  return {
    resource: kex,
    body,
    context: () => ({}),
    reason: 'update',
    initial: false,
    deleted: false,
    old: { spec: { field: 'a' } },
    new: { spec: { field: 'b' } },
    ...overrides,
  };
}

const ids = (handlers: readonly { id: string }[]) => handlers.map((handler) => handler.id);

describe('handlers by kind and resource', () => {
  it('lists a kind, optionally for one resource', () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', function a() {});
    registry.on.create('pods', function b() {});
    registry.on.update('kopfexamples', function c() {});
    registry.on.startup(function d() {});
    expect(ids(registry.handlersOf('create'))).toEqual(['a', 'b']);
    expect(ids(registry.handlersOf('create', pods))).toEqual(['b']);
    expect(ids(registry.handlersOf('startup', pods))).toEqual(['d']);
    expect(registry.hasHandlers('changing', kex)).toBe(true);
    expect(registry.hasHandlers('watching', kex)).toBe(false);
    expect(ids(registry.changingHandlersOf(kex))).toEqual(['a', 'c']);
  });

  it('lists activity handlers by activity', () => {
    const registry = new Registry();
    registry.on.startup(function start() {});
    registry.on.login(function creds() {});
    registry.on.probe(function health() {});
    registry.on.cleanup(function stop() {});
    expect(ids(registry.activityHandlers('startup'))).toEqual(['start']);
    expect(ids(registry.activityHandlers('authentication'))).toEqual(['creds']);
    expect(ids(registry.activityHandlers('probe'))).toEqual(['health']);
    expect(ids(registry.activityHandlers('cleanup'))).toEqual(['stop']);
  });
});

describe('changing handlers for a cause', () => {
  const registry = new Registry();
  registry.on.create('kopfexamples', function onCreate() {});
  registry.on.update('kopfexamples', function onUpdate() {});
  registry.on.delete('kopfexamples', function onDelete() {});
  registry.on.resume('kopfexamples', function onResume() {});
  registry.on.resume('kopfexamples', { deleted: true }, function onResumeDeleted() {});
  registry.on.field('kopfexamples', { field: 'spec.field' }, function onField() {});
  registry.on.update('pods', function onPodUpdate() {});

  it('selects the handlers of the reason, and field handlers when their field changed', () => {
    expect(ids(registry.changingHandlers(change({ reason: 'update' })))).toEqual(['onUpdate', 'onField/spec.field']);
    expect(ids(registry.changingHandlers(change({ reason: 'create', old: undefined })))).toEqual(['onCreate', 'onField/spec.field']);
  });

  it('mixes resume handlers into causes of the initial listing only', () => {
    expect(ids(registry.changingHandlers(change({ reason: 'update', initial: true })))).toEqual([
      'onUpdate',
      'onResume',
      'onResumeDeleted',
      'onField/spec.field',
    ]);
    const resume = change({ reason: 'resume', initial: true, new: { spec: { field: 'a' } } });
    expect(ids(registry.changingHandlers(resume))).toEqual(['onResume', 'onResumeDeleted']);
  });

  it('resumes objects being deleted only with handlers that ask for it', () => {
    const deleting = change({ reason: 'delete', initial: true, deleted: true, new: { spec: { field: 'a' } } });
    expect(ids(registry.changingHandlers(deleting))).toEqual(['onDelete', 'onResumeDeleted']);
  });

  it('skips excluded ids', () => {
    expect(ids(registry.changingHandlers(change(), new Set(['onUpdate'])))).toEqual(['onField/spec.field']);
  });

  it('runs a function registered for several kinds once per cause', () => {
    const stacked = new Registry();
    const both = vi.fn();
    stacked.on.update('kopfexamples', both);
    stacked.on.resume('kopfexamples', both);
    expect(stacked.changingHandlers(change({ initial: true }))).toHaveLength(1);
  });

  it('applies the filters with the change', () => {
    const filtered = new Registry();
    filtered.on.update('kopfexamples', { labels: { app: 'db' } }, function other() {});
    filtered.on.update('kopfexamples', { field: 'spec.field', old: 'a', new: 'b' }, function fromAtoB() {});
    filtered.on.update('kopfexamples', { field: 'spec.field', new: 'c' }, function toC() {});
    expect(ids(filtered.changingHandlers(change()))).toEqual(['fromAtoB/spec.field']);
  });

  it('prematches objects of interest regardless of the change (stealth mode otherwise)', () => {
    const filtered = new Registry();
    filtered.on.update('kopfexamples', { field: 'spec.field', new: 'zzz' }, function never() {});
    expect(filtered.changingHandlers(change())).toEqual([]);
    expect(filtered.prematchesChanging(change())).toBe(true);
    const labelled = new Registry();
    labelled.on.update('kopfexamples', { labels: { app: 'db' } }, function never() {});
    expect(labelled.prematchesChanging(change())).toBe(false);
    expect(labelled.prematchesChanging(change({ resource: pods }))).toBe(false);
  });
});

describe('low-level handlers for an object', () => {
  const registry = new Registry();
  registry.on.event('kopfexamples', function spy() {});
  registry.on.event('kopfexamples', { labels: { app: 'db' } }, function dbSpy() {});
  registry.on.event(EVERYTHING, function everything() {});
  registry.on.index('kopfexamples', function byName() {});
  registry.on.daemon('kopfexamples', function monitor() {});
  registry.on.timer('kopfexamples', { field: 'spec.field', value: 'a' }, function tick() {});
  registry.on.timer('kopfexamples', { field: 'spec.field', value: 'b' }, function tock() {});
  const subject = { resource: kex, body, context: () => ({}) };

  it('selects event handlers by selector and filters; EVERYTHING never covers Events', () => {
    expect(ids(registry.watchingHandlers(subject))).toEqual(['spy', 'everything']);
    expect(ids(registry.watchingHandlers({ ...subject, resource: events }))).toEqual([]);
  });

  it('selects index handlers', () => {
    expect(ids(registry.indexingHandlers(subject))).toEqual(['byName']);
    expect(registry.indexingHandlers({ ...subject, resource: pods })).toEqual([]);
  });

  it('selects daemons and timers against the current body, minus those done for good', () => {
    expect(ids(registry.spawningHandlers(subject))).toEqual(['monitor', 'tick/spec.field']);
    expect(ids(registry.spawningHandlers(subject, new Set(['monitor'])))).toEqual(['tick/spec.field']);
  });
});

describe('webhook handlers for a request', () => {
  const registry = new Registry();
  registry.on.validate('kopfexamples', function check() {});
  registry.on.validate('kopfexamples', { subresource: 'status' }, function checkStatus() {});
  registry.on.validate('kopfexamples', { subresource: '*' }, function checkAll() {});
  registry.on.mutate('kopfexamples', function mutate() {});
  registry.on.mutate('kopfexamples', { operations: ['DELETE'] }, function onDeletion() {});
  const request = { resource: kex, body, context: () => ({}), operation: 'CREATE' as const };

  it('selects by subresource: none means the main resource, * means all', () => {
    expect(ids(registry.webhookHandlers(request))).toEqual(['check', 'checkAll', 'mutate', 'onDeletion']);
    expect(ids(registry.webhookHandlers({ ...request, subresource: 'status' }))).toEqual(['checkStatus', 'checkAll']);
  });

  it('selects by the webhook id and type when the request names them', () => {
    expect(ids(registry.webhookHandlers({ ...request, webhook: 'mutate' }))).toEqual(['mutate']);
    expect(ids(registry.webhookHandlers({ ...request, webhook: 'unknown' }))).toEqual([]);
    expect(ids(registry.webhookHandlers({ ...request, type: 'validating' }))).toEqual(['check', 'checkAll']);
  });

  it('leaves mutating handlers out of deletions unless they are for deletions only', () => {
    expect(ids(registry.webhookHandlers({ ...request, operation: 'DELETE' }))).toEqual(['check', 'checkAll', 'onDeletion']);
  });
});

describe('requiresFinalizer', () => {
  const subject = { resource: kex, body, context: () => ({}) };

  it('is true for a mandatory delete handler interested in the object', () => {
    const registry = new Registry();
    registry.on.delete('kopfexamples', function cleanup() {});
    expect(registry.requiresFinalizer(subject)).toBe(true);
    expect(registry.requiresFinalizer({ ...subject, resource: pods })).toBe(false);
  });

  it('is false for optional delete handlers and for other changing handlers', () => {
    const registry = new Registry();
    registry.on.delete('kopfexamples', { optional: true }, function cleanup() {});
    registry.on.create('kopfexamples', function create() {});
    expect(registry.requiresFinalizer(subject)).toBe(false);
  });

  it('follows the delete handler filters, with the change when given', () => {
    const registry = new Registry();
    registry.on.delete('kopfexamples', { field: 'spec.field', value: 'old' }, function cleanup() {});
    expect(registry.requiresFinalizer(subject)).toBe(false);
    expect(registry.requiresFinalizer({ ...subject, change: { old: { spec: { field: 'old' } }, new: { spec: { field: 'a' } } } })).toBe(true);
  });

  it('is true for daemons and timers unless they opt out or have exited for good', () => {
    const registry = new Registry();
    registry.on.daemon('kopfexamples', function monitor() {});
    registry.on.timer('kopfexamples', { requiresFinalizer: false }, function tick() {});
    expect(registry.requiresFinalizer(subject)).toBe(true);
    expect(registry.requiresFinalizer({ ...subject, excluded: new Set(['monitor']) })).toBe(false);
  });

  it('is false for event and index handlers', () => {
    const registry = new Registry();
    registry.on.event('kopfexamples', function spy() {});
    registry.on.index('kopfexamples', function idx() {});
    expect(registry.requiresFinalizer(subject)).toBe(false);
  });
});

describe('extra fields of the essence', () => {
  it('are the fields of changing, event, daemon and timer handlers of the resource, once each', () => {
    const registry = new Registry();
    registry.on.update('kopfexamples', { field: 'status.phase' }, function a() {});
    registry.on.event('kopfexamples', { field: ['status', 'phase'] }, function b() {});
    registry.on.timer('kopfexamples', { field: 'metadata.ownerReferences' }, function c() {});
    registry.on.index('kopfexamples', { field: 'status.ignoredByIndex' }, function d() {});
    registry.on.validate('kopfexamples', { field: 'status.ignoredByWebhook' }, function e() {});
    registry.on.update('pods', { field: 'status.other' }, function f() {});
    expect(registry.extraFields(kex)).toEqual([
      ['status', 'phase'],
      ['metadata', 'ownerReferences'],
    ]);
  });
});

describe('resources of interest', () => {
  it('come from the selectors of each purpose', () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', function a() {});
    registry.on.index('pods', function b() {});
    registry.on.validate('kopfexamples', function c() {});
    registry.on.startup(function d() {});
    const selectors = registry.selectors();
    expect(selectors.watched.map(String)).toEqual(['"kopfexamples"', '"pods"']);
    expect(selectors.patched.map(String)).toEqual(['"kopfexamples"']);
    expect(selectors.indexed.map(String)).toEqual(['"pods"']);
    expect(selectors.webhooks.map(String)).toEqual(['"kopfexamples"']);
    const interest = registry.resourcesOfInterest([kex, pods, events]);
    expect(interest.watched).toEqual([kex, pods]);
    expect(interest.indexed).toEqual([pods]);
    expect(interest.webhooks).toEqual([kex]);
    expect(interest.problems).toEqual([]);
  });

  it('name the API groups to scan, or all when a selector has no group', () => {
    const grouped = new Registry();
    grouped.on.create('kopfexamples.kopf.dev', function a() {});
    grouped.on.event('apps', 'deployments', function b() {});
    expect(grouped.groupsOfInterest()).toEqual(new Set(['kopf.dev', 'apps']));
    grouped.on.event('pods', function c() {});
    expect(grouped.groupsOfInterest()).toBeUndefined();
  });
});

describe('the default registry', () => {
  it('receives kopf.on registrations, and can be replaced', () => {
    const original = getDefaultRegistry();
    const replacement = new Registry();
    setDefaultRegistry(replacement);
    try {
      on.create('kopfexamples', function viaDefault() {});
      expect(ids(replacement.handlers)).toEqual(['viaDefault']);
      expect(ids(original.handlers)).not.toContain('viaDefault');
    } finally {
      setDefaultRegistry(original);
    }
  });

  it('is shared with a second copy of the module (another kopf-ts in the process)', async () => {
    vi.resetModules();
    const copy = await import('./default-registry.ts');
    expect(copy.getDefaultRegistry()).toBe(getDefaultRegistry());
    const original = getDefaultRegistry();
    const replacement = new Registry();
    copy.setDefaultRegistry(replacement);
    try {
      expect(getDefaultRegistry()).toBe(replacement);
      copy.on.create('kopfexamples', function viaCopy() {});
      expect(ids(replacement.handlers)).toEqual(['viaCopy']);
      expect((globalThis as Record<symbol, unknown>)[Symbol.for('kopf-ts.default-registry')]).toBe(replacement);
    } finally {
      setDefaultRegistry(original);
    }
  });
});
