import { describe, expect, it } from 'vitest';
import { WorkerPool } from './worker-pool.ts';

describe('WorkerPool', () => {
  it('grants at most the limit at once, in FIFO order', async () => {
    const pool = new WorkerPool(2);
    const order: string[] = [];
    const first = await pool.acquire();
    const second = await pool.acquire();
    const third = pool.acquire().then((release) => (order.push('third'), release));
    const fourth = pool.acquire().then((release) => (order.push('fourth'), release));
    await Promise.resolve();
    expect(pool.busy).toBe(2);
    expect(order).toEqual([]);
    first();
    first();
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
    expect(pool.busy).toBe(0);
  });

  it('has no limit when the limit is null', async () => {
    const pool = new WorkerPool(null);
    await Promise.all(Array.from({ length: 100 }, () => pool.acquire()));
    expect(pool.busy).toBe(100);
  });
});
