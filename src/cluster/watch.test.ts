import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResourceRegistry } from './resource-registry.ts';
import type { KubeObject, ResourceType } from './resource-type.ts';
import { Store } from './store.ts';
import { jsonEventLine, parseWatchQuery, stalledWatcherBytes, WatchSession, type WatchRequest } from './watch.ts';

const configmaps = new ResourceRegistry().find('', 'v1', 'configmaps') as ResourceType;
const bucket = '/configmaps';
const map = (name: string, data: Record<string, string> = {}, namespace = 'ns'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

/** A sink that records lines; `unreadPerLine` bytes of each line stay in the client's buffer. */
function recordingSink(unreadPerLine = 0) {
  return {
    lines: [] as string[],
    pendingBytes: 0,
    ended: false,
    send(line: string) {
      this.lines.push(line);
      this.pendingBytes += unreadPerLine;
    },
    end() {
      this.ended = true;
    },
  };
}

function open(store: Store, overrides: Partial<WatchRequest> = {}, sink = recordingSink()) {
  const request: WatchRequest = {
    type: configmaps,
    filter: () => true,
    resourceVersion: store.currentRevision,
    sendInitialEvents: false,
    allowWatchBookmarks: false,
    timeoutMs: 3_600_000,
    bookmarkIntervalMs: 60_000,
    cutAfterEvents: () => undefined,
    render: jsonEventLine,
    ...overrides,
  };
  new WatchSession(store, request, sink, () => {}).start();
  const events = () => sink.lines.map((line) => JSON.parse(line) as { type: string; object: KubeObject });
  return { sink, events };
}

describe('parseWatchQuery', () => {
  const parse = (query: string) => parseWatchQuery(new URLSearchParams(query));

  it('turns RV unset or "0" into initial events, and RV N into a replay', () => {
    expect(parse('')).toEqual({ resourceVersion: 0, sendInitialEvents: true, allowWatchBookmarks: false, timeoutMs: undefined, alreadyTimedOut: false });
    expect(parse('resourceVersion=0&allowWatchBookmarks=true').sendInitialEvents).toBe(true);
    expect(parse('resourceVersion=42')).toMatchObject({ resourceVersion: 42, sendInitialEvents: false });
    expect(parse('resourceVersion=42&sendInitialEvents=true&resourceVersionMatch=NotOlderThan')).toMatchObject({ resourceVersion: 42, sendInitialEvents: true });
  });

  it('reads timeoutSeconds: 0 is the default, a negative value has already passed', () => {
    expect(parse('timeoutSeconds=5').timeoutMs).toBe(5000);
    expect(parse('timeoutSeconds=0').timeoutMs).toBeUndefined();
    expect(parse('timeoutSeconds=-1')).toMatchObject({ timeoutMs: undefined, alreadyTimedOut: true });
  });

  it('refuses bad values and combinations with upstream codes', () => {
    expect(() => parse('timeoutSeconds=1.5')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => parse('resourceVersion=-3')).toThrow(expect.objectContaining({ code: 500 }));
    expect(() => parse('sendInitialEvents=true')).toThrow(expect.objectContaining({ code: 422 }));
    expect(() => parse('resourceVersionMatch=NotOlderThan')).toThrow(expect.objectContaining({ code: 422 }));
  });
});

describe('jsonEventLine', () => {
  it('renders an event as one line of JSON, the same for every watcher', () => {
    const object = map('a', { k: 'v' });
    const line = jsonEventLine('ADDED', object);
    expect(line).toBe(`${JSON.stringify({ type: 'ADDED', object })}\n`);
    expect(jsonEventLine('ADDED', object)).toBe(line);
    expect(jsonEventLine('MODIFIED', object)).toBe(`${JSON.stringify({ type: 'MODIFIED', object })}\n`);
  });
});

describe('WatchSession', () => {
  it('lets the initial events fill the client buffer, then closes the watcher that stops reading', () => {
    const store = new Store();
    for (let i = 0; i < 3; i++) store.create(bucket, `ns/m${i}`, map(`m${i}`));
    const mebibytes = 1024 * 1024;
    expect(stalledWatcherBytes).toBe(16 * mebibytes);
    // A client that never reads: 10 MiB per line stay unread.
    const { sink } = open(store, { resourceVersion: 0, sendInitialEvents: true }, recordingSink(10 * mebibytes));
    expect(sink.lines).toHaveLength(3);
    store.create(bucket, 'ns/live1', map('live1'));
    // 30 MiB left by the initial events, 10 MiB more: within the allowance.
    expect(sink.ended).toBe(false);
    store.create(bucket, 'ns/live2', map('live2'));
    expect(sink.ended).toBe(true);
    store.create(bucket, 'ns/live3', map('live3'));
    expect(sink.lines).toHaveLength(5);
  });

  it('reads the cut-after-events fault at every event, so it reaches open watches', () => {
    const store = new Store();
    let cutAfter: number | undefined;
    const { sink, events } = open(store, { cutAfterEvents: () => cutAfter });
    store.create(bucket, 'ns/a', map('a'));
    store.create(bucket, 'ns/b', map('b'));
    cutAfter = 3;
    expect(sink.ended).toBe(false);
    store.create(bucket, 'ns/c', map('c'));
    expect(sink.ended).toBe(true);
    store.create(bucket, 'ns/d', map('d'));
    expect(events().map((e) => e.object.metadata.name)).toEqual(['a', 'b', 'c']);
  });

  it('scopes events to the namespace and turns leaving the selector into DELETED at the new revision', () => {
    const store = new Store();
    const color = (o: KubeObject) => (o.data as Record<string, string>).color;
    const { events } = open(store, { namespace: 'ns', filter: (o) => color(o) === 'red' });
    store.create(bucket, 'other/a', map('a', { color: 'red' }, 'other'));
    store.create(bucket, 'ns/b', map('b', { color: 'red' }));
    store.update(bucket, 'ns/b', map('b', { color: 'blue' }));
    expect(events().map((e) => [e.type, e.object.metadata.name, color(e.object), e.object.metadata.resourceVersion])).toEqual([
      ['ADDED', 'b', 'red', '3'],
      ['DELETED', 'b', 'red', '4'],
    ]);
  });

  describe('bookmarks', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('comes after each interval of silence, at the revision the store has reached', () => {
      const store = new Store();
      const { events } = open(store, { allowWatchBookmarks: true, bookmarkIntervalMs: 1000, namespace: 'ns' });
      vi.advanceTimersByTime(999);
      expect(events()).toEqual([]);
      vi.advanceTimersByTime(1);
      store.create(bucket, 'elsewhere/x', map('x', {}, 'elsewhere'));
      vi.advanceTimersByTime(1000);
      expect(events().map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([
        ['BOOKMARK', '1'],
        ['BOOKMARK', '2'],
      ]);
    });

    it('counts the interval from the last event sent', () => {
      const store = new Store();
      const { events } = open(store, { allowWatchBookmarks: true, bookmarkIntervalMs: 1000 });
      vi.advanceTimersByTime(600);
      store.create(bucket, 'ns/a', map('a'));
      vi.advanceTimersByTime(900);
      expect(events().map((e) => e.type)).toEqual(['ADDED']);
      vi.advanceTimersByTime(100);
      expect(events().map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    });

    it('comes 2 s before the timeout only if the store moved past the start, and the stream ends at the timeout', () => {
      const quiet = open(new Store(), { allowWatchBookmarks: true, timeoutMs: 5000 });
      const busy = new Store();
      const moved = open(busy, { allowWatchBookmarks: true, timeoutMs: 5000, namespace: 'ns' });
      busy.create(bucket, 'elsewhere/x', map('x', {}, 'elsewhere'));
      vi.advanceTimersByTime(2999);
      expect(moved.events()).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(moved.events().map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([['BOOKMARK', '2']]);
      expect(moved.sink.ended).toBe(false);
      vi.advanceTimersByTime(2000);
      expect(moved.sink.ended).toBe(true);
      expect(quiet.events()).toEqual([]);
      expect(quiet.sink.ended).toBe(true);
    });
  });
});
