import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { succeededCounts, watchProcess, type WatchedProcess } from '../../test/support/example-e2e.ts';

const waitMs = 60_000;

/**
 * The example is a program of its own, not an operator file for `kopf run`: it runs as a process (through
 * tsx, as `npx tsx examples/12-embedded/example.ts` runs it) against a cluster, and ends by itself.
 */
describe('example 12-embedded', () => {
  let cluster: TestCluster;
  let script: ChildProcess | undefined;
  let watched: WatchedProcess;
  let exited = false;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.apply(readFileSync(new URL('../crd.yaml', import.meta.url), 'utf8'));
    script = spawn(process.execPath, ['--import', 'tsx', 'examples/12-embedded/example.ts'], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
    });
    watched = watchProcess(script, 'script');
    exited = await watched.waitForExit(waitMs);
  }, waitMs + 30_000);

  afterAll(async () => {
    if (script && script.exitCode === null && script.signalCode === null) script.kill('SIGKILL');
    await cluster?.stop();
  });

  it('ends by itself, with exit code 0', () => {
    expect({ exited, code: script?.exitCode, output: script?.exitCode === 0 ? '' : watched.output() }).toEqual({ exited: true, code: 0, output: '' });
  });

  it("does the application's work while the operator handles each object", () => {
    const lines = watched.output().match(/^(Starting|Do|Hello|Good bye|Exiting).*$/gm);
    expect(lines).toEqual([
      'Starting the main app.',
      'Do the main app activity here. Step 1/3.',
      'Hello, kopf-example-0!',
      'Good bye, kopf-example-0!',
      'Do the main app activity here. Step 2/3.',
      'Hello, kopf-example-1!',
      'Good bye, kopf-example-1!',
      'Do the main app activity here. Step 3/3.',
      'Hello, kopf-example-2!',
      'Good bye, kopf-example-2!',
      'Exiting the main app.',
    ]);
    expect(succeededCounts(watched.output())).toEqual({ createFn: 3, deleteFn: 3 });
  });

  it('stops the operator gracefully when the application aborts it', () => {
    const output = watched.output();
    expect(output.indexOf('Root tasks are stopped: finishing normally')).toBeGreaterThan(output.indexOf('Exiting the main app.'));
  });

  it('leaves no objects behind: every deletion was let through', async () => {
    expect(await cluster.list('kopfexamples')).toEqual([]);
  });
});
