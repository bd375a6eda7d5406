import { describe, expect, it } from 'vitest';
import type { ObjectEvent, WatchedObject, WatchEvent } from './watch-event.ts';
import { KnownObjects, type Relist } from './watch-known.ts';

const map = (name: string, uid: string, rv: string): WatchedObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', uid, resourceVersion: rv },
});
const stub = (metadata: WatchedObject['metadata']): WatchedObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata });
/** What a relist reports for one object, or at its end. */
function take(relist: Relist, object: WatchedObject, initial: boolean) {
  const out: WatchEvent[] = [];
  relist.take(object, initial, out);
  return out as ObjectEvent[];
}
function finish(relist: Relist) {
  const out: WatchEvent[] = [];
  relist.finish(out);
  return out as ObjectEvent[];
}
const summary = (events: Array<{ type: string; object: WatchedObject; initial?: boolean; synthesized?: boolean }>) =>
  events.map((e) => `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}${e.initial ? ' initial' : ''}${e.synthesized ? ' synthesized' : ''}`);

describe('KnownObjects', () => {
  it('reports every object of a first listing as ADDED, marked initial when asked', () => {
    const known = new KnownObjects();
    const relist = known.startRelist(stub);
    expect(summary([...take(relist, map('a', 'u1', '5'), true), ...take(relist, map('b', 'u2', '6'), false)])).toEqual(['ADDED a@5 initial', 'ADDED b@6']);
    expect(finish(relist)).toEqual([]);
    expect(summary(finish(known.startRelist(stub)))).toEqual(['DELETED a@5 synthesized', 'DELETED b@6 synthesized']);
  });

  it('reports only what changed on a relist, and stubs for what vanished', () => {
    const known = new KnownObjects();
    const first = known.startRelist(stub);
    for (const object of [map('same', 'u1', '5'), map('changed', 'u2', '6'), map('gone', 'u3', '7')]) take(first, object, true);
    finish(first);

    const relist = known.startRelist(stub);
    const events = [...take(relist, map('same', 'u1', '5'), false), ...take(relist, map('changed', 'u2', '9'), false), ...take(relist, map('new', 'u4', '10'), false)];
    expect(summary(events)).toEqual(['MODIFIED changed@9', 'ADDED new@10']);
    const vanished = finish(relist);
    expect(vanished).toEqual([
      { type: 'DELETED', synthesized: true, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name: 'gone', uid: 'u3', resourceVersion: '7' } } },
    ]);
    // What the relist found is what is known now: the next one reports nothing for it.
    const again = known.startRelist(stub);
    expect([...take(again, map('changed', 'u2', '9'), false), ...take(again, map('same', 'u1', '5'), false), ...take(again, map('new', 'u4', '10'), false)]).toEqual([]);
    expect(finish(again)).toEqual([]);
  });

  it('reports an object recreated under the same name as a deletion of the old one, then an addition', () => {
    const known = new KnownObjects();
    take(known.startRelist(stub), map('a', 'old', '5'), true);
    const relist = known.startRelist(stub);
    expect(summary(take(relist, map('a', 'new', '8'), false))).toEqual(['DELETED a@5 synthesized', 'ADDED a@8']);
    expect(finish(relist)).toEqual([]);
  });

  it('keeps cluster-scoped names whole in stubs', () => {
    const known = new KnownObjects();
    take(known.startRelist(stub), { kind: 'Node', metadata: { name: 'node-1', uid: 'u1', resourceVersion: '3' } }, true);
    const [deleted] = finish(known.startRelist(stub));
    expect(deleted.object.metadata).toEqual({ name: 'node-1', uid: 'u1', resourceVersion: '3' });
  });

  it('skips a live event that repeats the known version, and forgets deleted objects', () => {
    const known = new KnownObjects();
    expect(known.observe('ADDED', map('a', 'u1', '5'))).toBe(true);
    expect(known.observe('MODIFIED', map('a', 'u1', '5'))).toBe(false);
    expect(known.observe('MODIFIED', map('a', 'u1', '6'))).toBe(true);
    expect(known.observe('DELETED', map('a', 'u1', '7'))).toBe(true);
    expect(finish(known.startRelist(stub))).toEqual([]);
  });

  it('starts each relist with nothing seen, so an interrupted one cannot hide a deletion', () => {
    const known = new KnownObjects();
    take(known.startRelist(stub), map('a', 'u1', '5'), true);
    // A relist that saw `a`, then broke off before its end.
    take(known.startRelist(stub), map('a', 'u1', '5'), false);
    // The next one no longer lists it.
    expect(summary(finish(known.startRelist(stub)))).toEqual(['DELETED a@5 synthesized']);
  });
});
