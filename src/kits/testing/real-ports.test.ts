import { describe, expect, it } from 'vitest';
import { freeLoopbackPorts } from './real-ports.ts';

describe('freeLoopbackPorts', () => {
  it('picks distinct ports, none of those to avoid', async () => {
    const first = await freeLoopbackPorts(3);
    expect(new Set(first).size).toBe(3);
    // Released ports are the system's first offer again: avoiding them must still give new ones.
    const second = await freeLoopbackPorts(3, new Set(first));
    expect(new Set(second).size).toBe(3);
    expect(second.filter((port) => first.includes(port))).toEqual([]);
  });
});
