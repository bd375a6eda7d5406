import { describe, expect, it } from 'vitest';
import type { KubeObject } from './resource-type.ts';
import { Store, type ChangeEvent } from './store.ts';

const bucket = '/configmaps';
const map = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data });

describe('Store', () => {
  it('gives every write the next global revision, stamped on the stored object and its change', () => {
    const store = new Store(100, 10);
    const changes: ChangeEvent[] = [];
    store.subscribe((change) => changes.push(change));
    const created = store.create(bucket, 'ns/a', map('a'));
    const updated = store.update(bucket, 'ns/a', map('a', { k: 'v' }));
    const removed = store.remove(bucket, 'ns/a')!;
    expect([created, updated, removed].map((o) => o.metadata.resourceVersion)).toEqual(['11', '12', '13']);
    expect(changes.map((c) => [c.type, c.rv, c.object.metadata.resourceVersion])).toEqual([
      ['ADDED', 11, '11'],
      ['MODIFIED', 12, '12'],
      ['DELETED', 13, '13'],
    ]);
    expect(changes[2].object.data).toEqual({ k: 'v' });
    expect(changes[1].previous).toBe(created);
    expect(store.currentRevision).toBe(13);
  });

  it('announces changes in revision order even when a listener writes in reaction', () => {
    const store = new Store();
    const seenByWatcher: number[] = [];
    store.subscribe((change) => {
      if (change.key === 'ns/a') store.create(bucket, 'ns/reaction', map('reaction'));
    });
    store.subscribeBucket(bucket, (change) => seenByWatcher.push(change.rv));
    store.create(bucket, 'ns/a', map('a'));
    expect(seenByWatcher).toEqual([2, 3]);
  });

  it('calls bucket listeners for their bucket only, until they unsubscribe', () => {
    const store = new Store();
    const seen: string[] = [];
    const unsubscribe = store.subscribeBucket(bucket, (change) => seen.push(change.key));
    store.create(bucket, 'ns/a', map('a'));
    store.create('/secrets', 'ns/s', map('s'));
    unsubscribe();
    store.create(bucket, 'ns/b', map('b'));
    expect(seen).toEqual(['ns/a']);
  });

  it('lists a bucket in bytewise key order, optionally one namespace', () => {
    const store = new Store();
    for (const key of ['a/x', 'a-b/x', 'a/b', 'b/a']) store.create(bucket, key, map(key.split('/')[1]));
    expect(store.list(bucket).map((o) => o.metadata.resourceVersion)).toEqual(['3', '4', '2', '5']);
    expect(store.list(bucket, 'a')).toHaveLength(2);
  });

  it('keeps the last historySize changes to resume from, and answers undefined before them', () => {
    const store = new Store(3);
    for (let i = 0; i < 5; i++) store.create(bucket, `ns/m${i}`, map(`m${i}`));
    store.create('/secrets', 'ns/s', map('s'));
    // Revisions 2–7 were written; 5, 6 and 7 are kept.
    expect(store.oldestResumableRevision).toBe(4);
    expect(store.retainsHistorySince(3)).toBe(false);
    expect(store.changesSince(3, bucket)).toBeUndefined();
    expect(store.changesSince(4, bucket)!.map((c) => c.rv)).toEqual([5, 6]);
    expect(store.changesSince(6, bucket)).toEqual([]);
    expect(store.changesSince(100, bucket)).toEqual([]);
  });

  it('trims long histories without losing the retained changes', () => {
    const store = new Store(1000);
    for (let i = 0; i < 5000; i++) store.update(bucket, 'ns/a', map('a', { i: String(i) }));
    const kept = store.changesSince(store.oldestResumableRevision, bucket)!;
    expect(kept).toHaveLength(1000);
    expect(kept[0].rv).toBe(store.oldestResumableRevision + 1);
    expect(kept.at(-1)!.rv).toBe(store.currentRevision);
  });

  it('forgets all history on compaction, keeping the current revision resumable', () => {
    const store = new Store();
    store.create(bucket, 'ns/a', map('a'));
    store.create(bucket, 'ns/b', map('b'));
    store.compact();
    expect(store.changesSince(store.currentRevision - 1, bucket)).toBeUndefined();
    expect(store.changesSince(store.currentRevision, bucket)).toEqual([]);
    store.create(bucket, 'ns/c', map('c'));
    expect(store.changesSince(3, bucket)!.map((c) => c.key)).toEqual(['ns/c']);
  });
});
