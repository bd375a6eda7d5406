import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** A child process that makes V8 grow its young generation (many survivors), optionally after stopping its growth. */
function youngGenerationGrowth(stop: boolean): { before: number; after: number } {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { stopYoungGenerationGrowth } from ${JSON.stringify(new URL('./young-generation.ts', import.meta.url).href)};
    const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const before = newSpace();
    if (${stop}) stopYoungGenerationGrowth();
    const kept = [];
    for (let i = 0; i < 300000; i++) kept.push({ name: 'object-' + i, data: { key: 'value-' + i } });
    console.log(JSON.stringify({ before, after: newSpace() }));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout);
}

describe('stopYoungGenerationGrowth', () => {
  it('keeps the young generation at its size while V8 would otherwise grow it', () => {
    const grown = youngGenerationGrowth(false);
    expect(grown.after).toBeGreaterThan(grown.before);
    const stopped = youngGenerationGrowth(true);
    expect(stopped.after).toBeLessThanOrEqual(stopped.before);
  });
});
