import { describe, expect, it } from 'vitest';
import type { ObjectEvent } from '../core/watch-event.ts';
import { ObjectQueue } from './object-queue.ts';

function modified(version: string): ObjectEvent {
  return { type: 'MODIFIED', object: { metadata: { name: 'a', uid: 'u', resourceVersion: version } } };
}

describe('ObjectQueue', () => {
  it('collapses pending events to the newest, remembering every version', () => {
    const queue = new ObjectQueue(false);
    queue.push(modified('1'));
    queue.push(modified('2'));
    queue.push(modified('3'));
    const batch = queue.take();
    expect(batch?.newest).toEqual(modified('3'));
    expect(batch?.events).toEqual([modified('3')]);
    expect([...(batch?.versions ?? [])]).toEqual(['1', '2', '3']);
    expect(queue.take()).toBeUndefined();
  });

  it('keeps every event in order when asked (for on.event handlers)', () => {
    const queue = new ObjectQueue(true);
    queue.push(modified('1'));
    queue.push(modified('2'));
    expect(queue.take()?.events).toEqual([modified('1'), modified('2')]);
  });

  it('resolves arrival at once when events are pending, else at the next push', async () => {
    const queue = new ObjectQueue(false);
    let arrived = false;
    const waiting = queue.arrival().then(() => (arrived = true));
    await Promise.resolve();
    expect(arrived).toBe(false);
    queue.push(modified('1'));
    await waiting;
    expect(arrived).toBe(true);
    await expect(queue.arrival()).resolves.toBeUndefined();
  });
});
