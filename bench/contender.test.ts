import { describe, expect, it } from 'vitest';
import { startContender } from './contender.ts';

function node(script: string): string[] {
  return [process.execPath, '-e', script];
}

describe('startContender', () => {
  it('timestamps stdout lines as they arrive, takes stdin lines, and stops with SIGTERM', async () => {
    const contender = startContender(
      'echo',
      node(`
        process.stdout.write('ready\\n');
        require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => process.stdout.write('got ' + line + '\\n'));
        process.on('SIGTERM', () => { process.stdout.write('stopping\\n'); process.exit(0); });
      `),
    );
    const ready = await contender.waitForLine(/^ready$/, 20_000);
    expect(ready.at > contender.spawnedAt).toBe(true);
    const lines: string[] = [];
    contender.onLine(({ text }) => lines.push(text));
    contender.send('hello');
    expect((await contender.waitForLine(/^got /)).text).toBe('got hello');
    await contender.stop();
    expect(lines).toEqual(['got hello', 'stopping']);
  });

  it('fails a wait when the process ends first, with the end of its stderr', async () => {
    const contender = startContender('crasher', node(`console.error('first'); console.error('it broke'); process.exit(3);`));
    await expect(contender.waitForLine(/^ready$/, 20_000)).rejects.toThrow(/crasher ended \(exit code 3, signal null\); its last lines of stderr:\nfirst\nit broke/);
    await expect(contender.failed).rejects.toThrow(/crasher ended/);
  });

  it('fails a wait that sees no matching line in time', async () => {
    const contender = startContender('silent', node('setTimeout(() => {}, 30000)'));
    try {
      await expect(contender.waitForLine(/^ready$/, 300)).rejects.toThrow('silent printed no line matching /^ready$/ within 300 ms');
    } finally {
      await contender.stop();
    }
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const contender = startContender('stubborn', node(`process.on('SIGTERM', () => {}); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`));
    await contender.waitForLine(/^ready$/, 20_000);
    const started = Date.now();
    await contender.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
