import { describe, expect, it } from 'vitest';
import type { WatchedObject, WatchEvent } from './watch-event.ts';
import { collectionPath, WatchMachine, type ListPage, type StreamVerdict, type WatchTarget } from './watch-machine.ts';

const configmaps: WatchTarget = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const paged = { pageSize: 2, useWatchList: false };
const streamed = { pageSize: 2, useWatchList: true };

const cm = (name: string, rv: string, uid = `uid-${name}`): WatchedObject => ({ metadata: { name, namespace: 'ns', uid, resourceVersion: rv } });
const event = (type: string, object: WatchedObject) => ({ type, object });
const bookmark = (rv: string, end = false) =>
  event('BOOKMARK', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: rv, ...(end ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) } });
const status = (code: number) => event('ERROR', { kind: 'Status', code, reason: 'Expired', message: 'too old' } as WatchedObject);

function summary(events: WatchEvent[]): string[] {
  return events.map((e) =>
    e.type === 'SYNCED' ? 'SYNCED' : `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}${e.initial ? ' initial' : ''}${e.synthesized ? ' synthesized' : ''}`,
  );
}

/** The events a page brings. */
function page(machine: WatchMachine, list: ListPage): WatchEvent[] {
  const out: WatchEvent[] = [];
  machine.onPage(list, out);
  return out;
}

/** The events and the verdict of one stream event. */
function feed(machine: WatchMachine, raw: { type: string; object: WatchedObject }): { events: WatchEvent[]; verdict: StreamVerdict } {
  const events: WatchEvent[] = [];
  const verdict = machine.onEvent(raw, events);
  return { events, verdict };
}

/** A machine that has listed `objects` (in one page) and is watching from `rv`. */
function watching(rv: string, objects: WatchedObject[]): WatchMachine {
  const machine = new WatchMachine(configmaps, { pageSize: 500, useWatchList: false });
  page(machine, { kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items: objects });
  return machine;
}

describe('collectionPath', () => {
  it('builds core, grouped, namespaced and cluster-wide collection paths', () => {
    expect(collectionPath(configmaps)).toBe('/api/v1/configmaps');
    expect(collectionPath({ ...configmaps, namespace: 'ns 1' })).toBe('/api/v1/namespaces/ns%201/configmaps');
    expect(collectionPath({ group: 'kopf.dev', version: 'v1', plural: 'kopfexamples', namespaced: true, namespace: 'x' })).toBe('/apis/kopf.dev/v1/namespaces/x/kopfexamples');
  });
});

describe('WatchMachine', () => {
  it('refuses a namespace for a cluster-scoped resource', () => {
    expect(() => new WatchMachine({ group: '', version: 'v1', plural: 'nodes', namespaced: false, namespace: 'x' }, paged)).toThrow(
      'nodes is cluster-scoped and cannot be watched in namespace "x"',
    );
  });

  it('lists in pages, marks the initial objects, then watches from the list resourceVersion with bookmarks', () => {
    const machine = new WatchMachine({ ...configmaps, namespace: 'ns', labelSelector: 'a=b' }, paged);
    expect(machine.nextCall()).toEqual({ kind: 'list', path: '/api/v1/namespaces/ns/configmaps', query: { labelSelector: 'a=b', fieldSelector: undefined, limit: 2, continue: undefined } });
    const first = page(machine, { kind: 'ConfigMapList', metadata: { resourceVersion: '10', continue: 'tok' }, items: [cm('a', '3'), cm('b', '4')] });
    expect(summary(first)).toEqual(['ADDED a@3 initial', 'ADDED b@4 initial']);
    expect(machine.nextCall().query).toMatchObject({ continue: 'tok', limit: 2 });
    const last = page(machine, { kind: 'ConfigMapList', metadata: { resourceVersion: '10' }, items: [cm('c', '5')] });
    expect(summary(last)).toEqual(['ADDED c@5 initial', 'SYNCED']);
    expect(machine.nextCall()).toEqual({
      kind: 'watch',
      path: '/api/v1/namespaces/ns/configmaps',
      query: { labelSelector: 'a=b', fieldSelector: undefined, watch: true, resourceVersion: '10', allowWatchBookmarks: true },
    });
  });

  it('gives list items without apiVersion and kind those of the list', () => {
    const machine = new WatchMachine(configmaps, paged);
    const [added] = page(machine, { kind: 'ConfigMapList', metadata: { resourceVersion: '1' }, items: [cm('a', '1')] });
    expect(added).toMatchObject({ object: { apiVersion: 'v1', kind: 'ConfigMap' } });
  });

  it('advances the resourceVersion on every event and bookmark', () => {
    const machine = watching('10', []);
    expect(summary(feed(machine, event('ADDED', cm('a', '11'))).events)).toEqual(['ADDED a@11']);
    expect(machine.resourceVersion).toBe('11');
    feed(machine, bookmark('15'));
    expect(machine.resourceVersion).toBe('15');
    expect(summary(feed(machine, event('MODIFIED', cm('a', '16'))).events)).toEqual(['MODIFIED a@16']);
    expect(summary(feed(machine, event('DELETED', cm('a', '17'))).events)).toEqual(['DELETED a@17']);
    expect(machine.resourceVersion).toBe('17');
    // Deleted objects are forgotten: a relist that lacks them reports nothing.
    feed(machine, status(410));
    expect(page(machine, { metadata: { resourceVersion: '20' }, items: [] })).toEqual([]);
  });

  it('resumes from the last resourceVersion after a stream ends', () => {
    const machine = watching('10', []);
    feed(machine, event('ADDED', cm('a', '12')));
    machine.onStreamEnd();
    expect(machine.nextCall().query).toMatchObject({ watch: true, resourceVersion: '12' });
  });

  it('relists on a 410 ERROR event and reports only the differences, synthesizing deletions', () => {
    const machine = watching('10', [cm('kept', '3'), cm('changed', '4'), cm('gone', '5')]);
    expect(feed(machine, status(410)).verdict).toEqual({ kind: 'relist' });
    expect(machine.nextCall()).toMatchObject({ kind: 'list', query: { continue: undefined } });
    const events = page(machine, { kind: 'ConfigMapList', metadata: { resourceVersion: '30' }, items: [cm('kept', '3'), cm('changed', '20'), cm('new', '25')] });
    // Not initial, and SYNCED only once per watch.
    expect(summary(events)).toEqual(['MODIFIED changed@20', 'ADDED new@25', 'DELETED gone@5 synthesized']);
    expect(events.at(-1)).toMatchObject({ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', namespace: 'ns', uid: 'uid-gone' } } });
    expect(machine.resourceVersion).toBe('30');
  });

  it('relists on an HTTP 410 for a watch, and restarts the pages on a 410 for an expired continue token', () => {
    const machine = watching('10', []);
    expect(machine.onFailure(410)).toBe('retry');
    expect(machine.nextCall().kind).toBe('list');
    page(machine, { metadata: { resourceVersion: '20', continue: 'tok' }, items: [cm('a', '15')] });
    expect(machine.onFailure(410)).toBe('retry');
    expect(machine.nextCall().query).toMatchObject({ continue: undefined });
  });

  it('retries the same call after failures other than 410', () => {
    const machine = watching('10', []);
    for (const code of [undefined, 429, 500, 503, 504, 404]) {
      expect(machine.onFailure(code)).toBe('retry');
      expect(machine.nextCall().query).toMatchObject({ resourceVersion: '10' });
    }
  });

  it('hands ERROR events other than 410 to the driver, keeping the resourceVersion', () => {
    const machine = watching('10', []);
    expect(feed(machine, status(504)).verdict).toMatchObject({ kind: 'error', status: { code: 504 } });
    expect(feed(machine, status(403)).verdict).toMatchObject({ kind: 'error', status: { code: 403 } });
    machine.onStreamEnd();
    expect(machine.nextCall().query).toMatchObject({ resourceVersion: '10' });
  });

  it('streams the initial listing in the watch-list form and syncs at the initial-events-end bookmark', () => {
    const machine = new WatchMachine({ ...configmaps, fieldSelector: 'metadata.name=a' }, streamed);
    expect(machine.nextCall()).toEqual({
      kind: 'watch',
      path: '/api/v1/configmaps',
      query: { labelSelector: undefined, fieldSelector: 'metadata.name=a', watch: true, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
    });
    expect(summary(feed(machine, event('ADDED', cm('a', '7'))).events)).toEqual(['ADDED a@7 initial']);
    expect(feed(machine, bookmark('9')).events).toEqual([]);
    expect(machine.resourceVersion).toBeUndefined();
    expect(summary(feed(machine, bookmark('12', true)).events)).toEqual(['SYNCED']);
    expect(machine.resourceVersion).toBe('12');
    expect(summary(feed(machine, event('MODIFIED', cm('a', '13'))).events)).toEqual(['MODIFIED a@13']);
  });

  it('lists in pages when a watch-list breaks off before its end, and streams again on the next relist', () => {
    const machine = new WatchMachine(configmaps, streamed);
    feed(machine, event('ADDED', cm('a', '7')));
    machine.onStreamEnd();
    expect(machine.nextCall().kind).toBe('list');
    expect(summary(page(machine, { metadata: { resourceVersion: '9' }, items: [cm('a', '7'), cm('b', '8')] }))).toEqual(['ADDED b@8 initial', 'SYNCED']);
    feed(machine, status(410));
    expect(machine.nextCall().query).toMatchObject({ sendInitialEvents: true });
  });

  it('falls back to paginated lists for good when the server rejects the watch-list parameters', () => {
    const machine = new WatchMachine(configmaps, streamed);
    expect(machine.onFailure(422)).toBe('fallback');
    expect(machine.nextCall().kind).toBe('list');
    page(machine, { metadata: { resourceVersion: '9' }, items: [] });
    feed(machine, status(410));
    expect(machine.nextCall().kind).toBe('list');
  });

  it('diffs a watch-list relist against what was known', () => {
    const machine = new WatchMachine(configmaps, streamed);
    feed(machine, event('ADDED', cm('a', '7')));
    feed(machine, event('ADDED', cm('b', '8')));
    feed(machine, bookmark('8', true));
    feed(machine, status(410));
    const events = [...feed(machine, event('ADDED', cm('b', '8'))).events, ...feed(machine, event('ADDED', cm('c', '20'))).events, ...feed(machine, bookmark('21', true)).events];
    expect(summary(events)).toEqual(['ADDED c@20', 'DELETED a@7 synthesized']);
  });

  it('does not repeat a live event for a version it already reported', () => {
    const machine = watching('10', [cm('a', '5')]);
    expect(feed(machine, event('MODIFIED', cm('a', '5'))).events).toEqual([]);
  });
});
