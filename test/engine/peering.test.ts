/**
 * Peering between operators: each keeps a record of itself in the peering object; an operator of
 * higher priority pauses the others, two of the same priority pause each other, and those paused resume
 * once the others are gone — with Kopf's records and log lines, so Kopf operators take part too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, readPeers } from '../../src/engine/peering.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { Settings } from '../../src/registry/settings.ts';
import { createNamespace, example, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

const peeringCrds = readFileSync(new URL('../../examples/peering.yaml', import.meta.url), 'utf8');
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
  await cluster.apply(peeringCrds);
});
afterAll(async () => cluster?.stop());

function peered(priority: number) {
  const registry = new Registry();
  const handled: string[] = [];
  registry.on.create('kopfexamples', function createFn({ name }) {
    handled.push(name as string);
  });
  const settings = Settings({ peering: { priority, lifetime: 5 } });
  return { registry, settings, handled };
}

async function peeringStatus(ns: string): Promise<Record<string, { priority: number; lifetime: number; lastseen: string } | null>> {
  return ((await cluster.get('kopfpeerings', 'default', ns))?.status ?? {}) as never;
}

describe('peering', () => {
  it('pauses operators of the same priority, and resumes the one left', async () => {
    const ns = await createNamespace(cluster, 'peering-same');
    await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'KopfPeering', metadata: { name: 'default', namespace: ns } });
    const first = peered(0);
    const second = peered(0);
    const one = await startOperator(cluster, { registry: first.registry, settings: first.settings, namespaces: [ns] });
    const two = await startOperator(cluster, { registry: second.registry, settings: second.settings, namespaces: [ns] });
    try {
      await one.waitForLine(/^Pausing all operators, including self: /);
      await two.waitForLine(/^Pausing all operators, including self: /);
      expect(one.matching(/^Possibly conflicting operators with the same priority: /).length).toBeGreaterThan(0);
      expect(Object.keys(await peeringStatus(ns))).toHaveLength(2);

      await cluster.apply(example('contested', { field: 'x' }, { namespace: ns }));
      await two.stop();
      await one.waitForLine(/^Resuming operations after the pause\. Conflicting operators with the same priority are gone\.$/);
      await cluster.waitFor(() => first.handled.includes('contested'));
      expect(second.handled).toEqual([]);
      const records = await peeringStatus(ns);
      expect(Object.values(records).filter((record) => record !== null)).toHaveLength(1);
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it('pauses an operator of lower priority while a higher one runs', async () => {
    const ns = await createNamespace(cluster, 'peering-priority');
    await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'KopfPeering', metadata: { name: 'default', namespace: ns } });
    const low = peered(0);
    const high = peered(100);
    const lower = await startOperator(cluster, { registry: low.registry, settings: low.settings, namespaces: [ns] });
    const higher = await startOperator(cluster, { registry: high.registry, settings: high.settings, namespaces: [ns] });
    try {
      await lower.waitForLine(/^Pausing operations in favour of .*\(priority 100\)\.$/);
      await cluster.apply(example('prioritized', { field: 'x' }, { namespace: ns }));
      await cluster.waitFor(() => high.handled.includes('prioritized'));
    } finally {
      // The lower one first: it would resume once the higher one's record is gone.
      await lower.stop();
      await higher.stop();
    }
    // Checked over the whole run: the higher one never paused, the lower one never handled anything.
    expect(higher.matching(/^Pausing/)).toHaveLength(0);
    expect(low.handled).toEqual([]);
  });
});

describe('the peering rules', () => {
  it('tell live peers from dead ones, and leave out this operator itself', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    const status = {
      me: { priority: 0, lifetime: 60, lastseen: '2026-11-30T09:59:30.000000+00:00' },
      alive: { priority: 5, lifetime: 60, lastseen: '2026-11-30T09:59:30.000000' },
      expired: { priority: 5, lifetime: 10, lastseen: '2026-11-30T09:59:30.000000+00:00' },
      removed: null,
    };
    const { live, dead } = readPeers(status, 'me', now);
    expect(live.map((peer) => peer.identity)).toEqual(['alive']);
    expect(dead.map((peer) => peer.identity)).toEqual(['expired']);
  });

  it('pause for higher priorities, for equal ones unless sharded, and run otherwise', () => {
    const peer = (priority: number) => ({ identity: `p${priority}`, priority, lifetime: 60, lastseen: '', deadlineMs: 0 });
    expect(decide([peer(1)], 0, false)).toMatchObject({ kind: 'pause', reason: 'priority' });
    expect(decide([peer(0)], 0, false)).toMatchObject({ kind: 'pause', reason: 'conflict' });
    expect(decide([peer(0)], 0, true)).toMatchObject({ kind: 'run' });
    expect(decide([peer(0)], 1, false)).toMatchObject({ kind: 'run' });
  });
});
