import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../core/handler-errors.ts';
import { Registry } from '../../registry/registry.ts';
import { OperatorRunner } from './operator-runner.ts';
import { startCluster } from './start-cluster.ts';
import type { TestCluster } from './test-cluster.ts';

let cluster: TestCluster;
// Inside the repository, so that the operator files' `import … from 'kopf-ts'` resolves to this checkout.
let dir: string;

beforeAll(async () => {
  cluster = await startCluster();
  dir = mkdtempSync(join(import.meta.dirname, '../../../test/.operator-runner-'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cluster?.stop();
});

async function namespace(name: string): Promise<string> {
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

function configMap(name: string, namespace: string) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { key: 'value' } };
}

/** Resolves once the abort signal fires. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

describe('OperatorRunner against a cluster', () => {
  it("runs a registry's handlers, collects Kopf's lines, and stops gracefully", async () => {
    const ns = await namespace('runner-registry');
    const registry = new Registry();
    registry.on.create('configmaps', async function createFn({ name, logger }) {
      logger.info(`Seen ${name}.`);
      return { seen: true };
    });
    registry.on.cleanup(async function cleanupFn({ logger }) {
      logger.info('Cleaning up.');
    });
    const runner = new OperatorRunner({ registry, cluster, args: { namespaces: [ns], standalone: true } });
    await runner.start();
    expect(runner.exitCode).toBeUndefined();
    await cluster.apply(configMap('first', ns));
    expect(await runner.waitForLine(/\[runner-registry\/first\] Handler 'createFn' succeeded\./)).toMatch(/kopf\.objects +\[INFO +\]/);
    expect(runner.output).toContain('[runner-registry/first] Seen first.');

    expect(await runner.stop()).toEqual({ exitCode: 0, error: undefined });
    expect(runner.exitCode).toBe(0);
    expect(runner.output).toContain('Stop-flag is raised. Operator is stopping.');
    // Graceful: the cleanup activity ran before the operator's end.
    expect(runner.output).toMatch(/Cleaning up\.[\s\S]*Root tasks are stopped/);
    expect(runner.output).toBe(runner.lines.map((line) => `${line}\n`).join(''));
  });

  it('loads operator files as `kopf run` does, afresh for each runner', async () => {
    const ns = await namespace('runner-files');
    const file = join(dir, 'operator.ts');
    writeFileSync(
      file,
      [
        "import * as kopf from 'kopf-ts';",
        '',
        "kopf.on.create('configmaps', async function fileCreate({ name, logger }) {",
        '  logger.info(`File handler saw ${name}.`);',
        '});',
        '',
      ].join('\n'),
    );
    for (const name of ['one', 'two']) {
      await using runner = new OperatorRunner({ files: [relative(process.cwd(), file)], cluster, args: { namespaces: [ns] }, logFormat: 'plain', logLevel: 'info' });
      await runner.start();
      await cluster.apply(configMap(name, ns));
      expect(await runner.waitForLine(new RegExp(`File handler saw ${name}`))).toBe(`[runner-files/${name}] File handler saw ${name}.`);
      // Info level: no debug lines.
      expect(runner.output).not.toContain('Starting kopf-ts.');
    }
  });

  it('rejects start() with the error the operator failed to start with, and reports it once', async () => {
    const registry = new Registry();
    registry.on.startup(async function refuse() {
      throw new PermanentError('Not today.');
    });
    const runner = new OperatorRunner({ registry, cluster, args: { clusterwide: true } });
    await expect(runner.start()).rejects.toThrow(/^The startup activity failed: .*refuse.* failed for good\.$/);
    expect(runner.exitCode).toBe(1);
    expect(runner.output).toContain('Not today.');
    const outcome = await runner.stop();
    expect(outcome.exitCode).toBe(1);
    expect(String(outcome.error)).toContain('The startup activity failed');
  });

  it('rejects start() for operator code that cannot be loaded', async () => {
    const runner = new OperatorRunner({ files: [join(dir, 'missing.ts')], cluster });
    await expect(runner.start()).rejects.toThrow(`no such operator file: ${join(dir, 'missing.ts')}`);
    expect(runner.exitCode).toBe(1);
  });
});

describe('OperatorRunner with an operator function', () => {
  it("gives the function the runner's options and waits for its readiness", async () => {
    const runner = new OperatorRunner({
      operator: async (signal, options) => {
        options.logger!.info('The function runs.');
        options.onReady!();
        await aborted(signal);
        options.logger!.info('The function stops.');
      },
      args: { namespaces: ['a', 'b'], standalone: true },
      logFormat: 'plain',
    });
    await runner.start();
    expect(runner.lines).toEqual(['The function runs.']);
    expect(await runner.stop()).toEqual({ exitCode: 0, error: undefined });
    expect(runner.lines).toEqual(['The function runs.', 'Stop-flag is raised. Operator is stopping.', 'The function stops.']);
    await expect(runner.start()).rejects.toThrow('This OperatorRunner has been started already: a runner runs once.');
  });

  it('re-throws from stop() what the operator failed with after it was ready, unless told not to', async () => {
    const failure = new Error('Lost the cluster.');
    const failing = () =>
      new OperatorRunner({
        operator: async (_signal, options) => {
          options.onReady!();
          await new Promise((resolve) => setTimeout(resolve, 10));
          throw failure;
        },
      });
    const runner = failing();
    await runner.start();
    await expect(runner.waitForLine(/never logged/)).rejects.toThrow(/No log line matches \/never logged\/: the operator has ended\./);
    expect(runner.exitCode).toBe(1);
    expect(runner.error).toBe(failure);
    await expect(runner.stop()).rejects.toBe(failure);
    // Reported once: a second stop (as `await using` does) only tells how it ended.
    expect(await runner.stop()).toEqual({ exitCode: 1, error: failure });

    const quiet = failing();
    await quiet.start();
    expect(await quiet.stop({ reraise: false })).toEqual({ exitCode: 1, error: failure });
  });

  it('rejects start() when the operator ends before it is ready', async () => {
    const runner = new OperatorRunner({ operator: async () => undefined });
    await expect(runner.start()).rejects.toThrow('The operator stopped before it was ready.');
    expect(runner.exitCode).toBe(0);
  });

  it("gives up stopping an operator that does not stop, and says it's still running", async () => {
    let release!: () => void;
    const runner = new OperatorRunner({
      operator: async (_signal, options) => {
        options.onReady!();
        await new Promise<void>((resolve) => (release = resolve));
      },
    });
    await runner.start();
    await expect(runner.stop({ timeoutMs: 50 })).rejects.toThrow("The operator didn't stop, still running (waited 50 ms).");
    expect(runner.exitCode).toBeUndefined();
    release();
    expect(await runner.stop()).toEqual({ exitCode: 0, error: undefined });
  });

  it('waits for lines to come, and names the pattern and the output when none comes in time', async () => {
    const runner = new OperatorRunner({
      operator: async (signal, options) => {
        options.logger!.info('first line');
        options.onReady!();
        setTimeout(() => options.logger!.info('second line\nwith a continuation'), 20);
        await aborted(signal);
      },
      logFormat: 'plain',
    });
    await runner.start();
    expect(await runner.waitForLine(/first/g)).toBe('first line');
    expect(await runner.waitForLine(/^second/g)).toBe('second line');
    expect(runner.lines).toContain('with a continuation');
    await expect(runner.waitForLine(/third/, 30)).rejects.toThrow('No log line matches /third/: none within 30 ms. The operator logged:\nfirst line\nsecond line\n');
    await runner.stop();
  });

  it('stops at the end of an `await using` block, and stopping a runner never started is harmless', async () => {
    let runner!: OperatorRunner;
    {
      await using scoped = new OperatorRunner({
        operator: async (signal, options) => {
          options.onReady!();
          await aborted(signal);
        },
      });
      runner = scoped;
      await scoped.start();
      expect(scoped.exitCode).toBeUndefined();
    }
    expect(runner.exitCode).toBe(0);
    expect(await new OperatorRunner().stop()).toEqual({ exitCode: undefined, error: undefined });
  });
});
