import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { processTree, sampleTree, TreeMonitor } from './process-tree.ts';

const started: Array<{ kill: () => boolean }> = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill();
});

/** A shell whose child spins until it has used half a CPU second, then both sleep. */
function busyTree() {
  const script = 'while (process.cpuUsage().user < 500000); setTimeout(() => {}, 30000)';
  const child = spawn('sh', ['-c', `${process.execPath} -e "${script}" & wait`], { stdio: 'ignore' });
  started.push(child);
  return child.pid!;
}

async function until<T>(check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('timed out');
}

describe('processTree', () => {
  it('finds a process and its descendants, the root first', async () => {
    const root = busyTree();
    const tree = await until(() => {
      const found = processTree(root);
      return found.length === 2 ? found : undefined;
    });
    expect(tree[0]).toBe(root);
  });

  it('is the root alone for a process without children', () => {
    expect(processTree(process.pid).includes(process.pid)).toBe(true);
    const lone = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(lone);
    expect(processTree(lone.pid!)).toEqual([lone.pid]);
  });
});

describe('sampleTree and TreeMonitor', () => {
  it('count the CPU time and memory of the descendants too', async () => {
    const root = busyTree();
    const monitor = new TreeMonitor(root, 20);
    const sample = await until(() => {
      const now = sampleTree(root);
      return now.cpuSeconds >= 0.5 ? now : undefined;
    });
    monitor.sample();
    monitor.stop();
    // The shell does almost nothing: the CPU time is the node child's.
    expect(sample.cpuSeconds).toBeGreaterThanOrEqual(0.5);
    expect(sample.members.map((member) => member.command)).toEqual(['sh', 'node']);
    expect(sample.rssBytes).toBe(sample.members.reduce((sum, member) => sum + member.rssBytes, 0));
    expect(sample.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(monitor.peakRssBytes).toBeGreaterThanOrEqual(sample.largestPeakBytes);
    expect(monitor.peakComposition).toMatch(/^sh \d+\.\d \+ node \d+\.\d MiB$/);
  });
});
