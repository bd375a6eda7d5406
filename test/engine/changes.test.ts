/**
 * Updates, field handlers, resuming and raw events: what the stored diff-base makes of a change, which
 * handlers it runs with which `old/new/diff`, what a restarted operator resumes (and what it does not
 * re-run), and `on.event` handlers seeing events without persisting anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { example, exampleField, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

describe('a changed object', () => {
  it('runs update and field handlers with the diff reduced to their field', async () => {
    const registry = new Registry();
    const seen: unknown[] = [];
    registry.on.create('kopfexamples', function createFn() {});
    registry.on.update('kopfexamples', function updateFn({ old, new: current, diff }) {
      seen.push(['update', (old as any).spec, (current as any).spec, diff]);
    });
    registry.on.field('kopfexamples', { field: 'spec.field' }, function fieldFn({ old, new: current, diff }) {
      seen.push(['field', old, current, diff]);
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('changing', { field: 'one', other: 1 }));
      await operator.waitForLine(/^\[default\/changing\] Creation is processed/);
      await cluster.apply(example('changing', { field: 'two', other: 1 }));
      await operator.waitForLine(/^\[default\/changing\] Updating is processed: 2 succeeded; 0 failed\.$/);
      expect(seen).toEqual([
        ['field', undefined, 'one', [['add', [], undefined, 'one']]],
        ['update', { field: 'one', other: 1 }, { field: 'two', other: 1 }, [['change', ['spec', 'field'], 'one', 'two']]],
        ['field', 'one', 'two', [['change', [], 'one', 'two']]],
      ]);
      expect(operator.matching(/^\[default\/changing\] Handler 'fieldFn\/spec\.field' succeeded\.$/)).toHaveLength(2);
      // asap: one handler per cycle, and each cycle of the cause reports the diff.
      expect(operator.matching(/^\[default\/changing\] Updating diff: /)).toHaveLength(2);
      await cluster.apply(example('changing', { field: 'two', other: 2 }));
      await operator.waitForLine(/^\[default\/changing\] Updating is processed: 1 succeeded; 0 failed\.$/);
      await cluster.delete('kopfexamples', 'changing', { namespace: 'default' });
    } finally {
      await operator.stop();
    }
  });

  it('is resumed, not re-created, by a restarted operator', async () => {
    const calls: string[] = [];
    const registry = new Registry();
    const mine = { when: ({ name }: { name: string }) => name === 'restarted' };
    registry.on.create('kopfexamples', mine, function createFn({ name }) {
      calls.push(`create ${name}`);
    });
    registry.on.resume('kopfexamples', mine, function resumeFn({ name }) {
      calls.push(`resume ${name}`);
    });
    const first = await startOperator(cluster, { registry });
    await cluster.apply(example('restarted'));
    await first.waitForLine(/^\[default\/restarted\] Creation is processed/);
    await first.stop();
    expect(calls).toEqual(['create restarted']);

    const second = await startOperator(cluster, { registry });
    try {
      await second.waitForLine(/^\[default\/restarted\] Resuming is processed: 1 succeeded; 0 failed\.$/);
      expect(calls).toEqual(['create restarted', 'resume restarted']);
      await cluster.delete('kopfexamples', 'restarted', { namespace: 'default' });
    } finally {
      await second.stop();
    }
  });

  it('skips handlers that succeeded before a restart', async () => {
    const calls: string[] = [];
    const registry = new Registry();
    const mine = { when: ({ name }: { name: string }) => name === 'interrupted' };
    registry.on.create('kopfexamples', mine, function firstFn() {
      calls.push('first');
    });
    registry.on.create('kopfexamples', mine, function secondFn({ retry }) {
      calls.push('second');
      if (retry === 0) throw new Error('not now');
    });
    const first = await startOperator(cluster, { registry });
    await cluster.apply(example('interrupted'));
    await first.waitForLine(/Handler 'secondFn' failed with an exception and will try again in 60 seconds/);
    await first.stop();
    expect(calls).toEqual(['first', 'second']);

    const second = await startOperator(cluster, { registry });
    try {
      // The record says secondFn sleeps for a minute; touching the object does not wake it earlier.
      expect(await exampleField(cluster, 'interrupted', 'metadata.annotations')).toHaveProperty(['kopf.zalando.org/firstFn']);
      await second.waitForLine(/^\[default\/interrupted\] Creation is in progress/);
      expect(second.matching(/Handler 'firstFn'/)).toHaveLength(0);
      await cluster.delete('kopfexamples', 'interrupted', { namespace: 'default' });
    } finally {
      await second.stop();
    }
  });
});

describe('on.event handlers', () => {
  it('see every event, and send no PATCH unless they return something', async () => {
    const registry = new Registry();
    const types: Array<string | null> = [];
    registry.on.event('kopfexamples', function eventFn({ type }) {
      types.push(type);
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('watched'));
      await cluster.apply(example('watched', { field: 'changed' }));
      await cluster.delete('kopfexamples', 'watched', { namespace: 'default' });
      await cluster.waitFor(() => types.includes('DELETED'));
      expect(types.filter((type) => type !== null)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      expect(operator.patches()).toHaveLength(0);
      // The handler records the type before it returns; the engine logs its success only after that.
      const succeeded = /^\[default\/watched\] Handler 'eventFn' succeeded\.$/;
      await cluster.waitFor(() => operator.matching(succeeded).length >= 3, { description: 'three lines of eventFn succeeding' });
      expect(operator.matching(succeeded)).toHaveLength(3);
    } finally {
      await operator.stop();
    }
  });

  it('log their errors with the stack and go on', async () => {
    const registry = new Registry();
    registry.on.event('kopfexamples', function failingFn() {
      throw new Error('event trouble');
    });
    const operator = await startOperator(cluster, { registry });
    try {
      const failed = /^\[default\/troubled\] Handler 'failingFn' failed with an exception and will ignore it: event trouble$/;
      await cluster.apply(example('troubled'));
      await operator.waitForLine(failed);
      // It goes on: the next event is handled (and fails) the same way.
      await cluster.delete('kopfexamples', 'troubled', { namespace: 'default' });
      await cluster.waitFor(() => operator.matching(failed).length >= 2, { description: 'the DELETED event handled too' });
    } finally {
      await operator.stop();
    }
    // Only after the operator has stopped can no write of it be still on its way.
    expect(operator.patches()).toHaveLength(0);
  });
});
