/**
 * Daemons and timers against a live API server: spawned per object, seeing its latest state, their
 * results written to status, stopped on deletion (holding the finalizer until they exit), on filter
 * mismatch and at operator exit; timers at their interval, and after idle periods. Each test has a
 * namespace of its own, served by its own operator.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import type { DaemonStopped } from '../../src/registry/context.ts';
import { Registry } from '../../src/registry/registry.ts';
import { createNamespace, example, exampleField, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

describe('daemons', () => {
  it('run per object with its latest state, and keep the finalizer until they exit at deletion', async () => {
    const ns = await createNamespace(cluster, 'daemons-latest');
    const registry = new Registry();
    const fields: unknown[] = [];
    let exited = false;
    registry.on.daemon('kopfexamples', async function monitorFn({ stopped, spec, logger }: { stopped: DaemonStopped; spec: any; logger: any }) {
      while (!stopped.isSet) {
        if (fields.at(-1) !== spec.field) fields.push(spec.field);
        await stopped.wait(0.05);
      }
      logger.info(`Stopping for ${[...stopped.reasons].join(', ')}.`);
      exited = true;
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] });
    try {
      await cluster.apply(example('daemonized', { field: 'one' }, { namespace: ns }));
      await cluster.waitFor(async () => (await exampleField(cluster, 'daemonized', 'metadata.finalizers', ns))?.length === 1);
      await cluster.waitFor(() => fields.includes('one'));
      await cluster.apply(example('daemonized', { field: 'two' }, { namespace: ns }));
      await cluster.waitFor(() => fields.includes('two'));
      await cluster.delete('kopfexamples', 'daemonized', { namespace: ns });
      await operator.waitForLine(/^\[daemons-latest\/daemonized\] Deleted, really deleted/);
      expect(exited).toBe(true);
      expect(operator.matching(/^\[daemons-latest\/daemonized\] Stopping for resource-deleted\.$/)).toHaveLength(1);
      expect(operator.matching(/Daemon 'monitorFn' has exited on request and will not be retried or restarted\./)).toHaveLength(1);
    } finally {
      await operator.stop();
    }
  });

  it('write their result to status when they return, and are not restarted', async () => {
    const ns = await createNamespace(cluster, 'daemons-once');
    const registry = new Registry();
    let runs = 0;
    registry.on.daemon('kopfexamples', function onceFn() {
      runs++;
      return { finished: true };
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] });
    try {
      await cluster.apply(example('oneshot', { field: 'x' }, { namespace: ns }));
      await cluster.waitFor(() => exampleField(cluster, 'oneshot', 'status.onceFn.finished', ns));
      await operator.waitForLine(/Daemon 'onceFn' has exited on its own and will not be retried or restarted\./);
      await cluster.apply(example('oneshot', { field: 'changed' }, { namespace: ns }));
      // Nothing runs for it any more, so nothing holds it.
      await cluster.waitFor(async () => (await exampleField(cluster, 'oneshot', 'metadata.finalizers', ns)) === undefined);
      expect(runs).toBe(1);
    } finally {
      await operator.stop();
    }
  });

  it('are stopped when the object stops matching their filters, and at operator exit', async () => {
    const ns = await createNamespace(cluster, 'daemons-filtered');
    const registry = new Registry();
    const reasons: string[] = [];
    registry.on.daemon('kopfexamples', { labels: { watched: 'yes' } }, async function watcherFn({ stopped }: { stopped: DaemonStopped }) {
      await stopped.wait();
      reasons.push(...stopped.reasons);
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] });
    const invoked = () => operator.matching(/Daemon 'watcherFn' is invoked/).length;
    await cluster.apply(example('filtered', { field: 'x' }, { namespace: ns, labels: { watched: 'yes' } }));
    await cluster.waitFor(() => invoked() === 1);
    await cluster.apply(example('filtered', { field: 'x' }, { namespace: ns, labels: { watched: 'no' } }));
    await cluster.waitFor(() => reasons.includes('filters-mismatch'));
    await cluster.apply(example('filtered', { field: 'x' }, { namespace: ns, labels: { watched: 'yes' } }));
    await cluster.waitFor(() => invoked() === 2);
    await operator.stop();
    expect(reasons).toEqual(['filters-mismatch', 'operator-exiting']);
    expect(operator.matching(/Daemon 'watcherFn' has exited gracefully\./)).toHaveLength(1);
  });

  it('that end in an abort of their stop signal have exited, not failed', async () => {
    const ns = await createNamespace(cluster, 'daemons-aborted');
    const registry = new Registry();
    registry.on.daemon('kopfexamples', async function pollerFn({ stopped }: { stopped: DaemonStopped }) {
      await sleep(60_000, undefined, { signal: stopped.signal });
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] });
    await cluster.apply(example('aborted', { field: 'x' }, { namespace: ns }));
    await cluster.waitFor(() => operator.matching(/Daemon 'pollerFn' is invoked/).length === 1);
    await operator.stop();
    expect(operator.matching(/Daemon 'pollerFn' is aborted by its stop request\./)).toHaveLength(1);
    expect(operator.matching(/Daemon 'pollerFn' failed/)).toEqual([]);
    expect(operator.matching(/Daemon 'pollerFn' has exited gracefully\./)).toHaveLength(1);
  });
});

describe('timers', () => {
  it('run at their interval with results to status, until the object is deleted', async () => {
    const ns = await createNamespace(cluster, 'timers-interval');
    const registry = new Registry();
    let ticks = 0;
    let stopper: DaemonStopped | undefined;
    registry.on.timer('kopfexamples', { interval: 0.2 }, function tickFn({ stopped }: { stopped: DaemonStopped }) {
      stopper = stopped;
      ticks++;
      return { ticks };
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] });
    try {
      await cluster.apply(example('ticking', { field: 'x' }, { namespace: ns }));
      await cluster.waitFor(async () => (await exampleField(cluster, 'ticking', 'status.tickFn.ticks', ns)) >= 3);
      await cluster.delete('kopfexamples', 'ticking', { namespace: ns });
      await operator.waitForLine(/^\[timers-interval\/ticking\] Deleted, really deleted/);
      // The deletion itself stops the timer, before the operator exits.
      expect(stopper?.isSet).toBe(true);
      expect([...stopper!.reasons]).toEqual(['resource-deleted']);
      const after = ticks;
      await operator.stop();
      expect(ticks).toBe(after);
    } finally {
      await operator.stop();
    }
  });

  it('with idle, wait for a quiet period after changes', async () => {
    const ns = await createNamespace(cluster, 'timers-idle');
    const registry = new Registry();
    const seen: string[] = [];
    registry.on.timer('kopfexamples', { idle: 0.5 }, function quietFn({ spec }) {
      seen.push(spec.field);
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] });
    try {
      await cluster.apply(example('quiet', { field: 'a' }, { namespace: ns }));
      await cluster.apply(example('quiet', { field: 'b' }, { namespace: ns }));
      await cluster.waitFor(() => seen.length > 0, { timeout: 5000 });
      expect(seen[0]).toBe('b');
    } finally {
      await operator.stop();
    }
  });
});
