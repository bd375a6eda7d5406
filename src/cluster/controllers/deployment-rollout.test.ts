import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../resource-type.ts';
import { fenceposts, maxUnavailable, newReplicaSetSize, oldReplicaSetSizes, sameTemplate, setCondition, templateHash } from './deployment-rollout.ts';

function deployment(replicas: number, strategy: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'web' }, spec: { replicas, strategy } };
}

function replicaSet(name: string, replicas: number, available: number, created: string): KubeObject {
  return { metadata: { name, creationTimestamp: created }, spec: { replicas }, status: { replicas, availableReplicas: available } };
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };

describe('templateHash', () => {
  it("is stable, depends on the template and the collision count, and uses upstream's alphabet", () => {
    const hash = templateHash(template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(templateHash(structuredClone(template))).toBe(hash);
    expect(templateHash({ ...template, spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } })).not.toBe(hash);
    expect(templateHash(template, 1)).not.toBe(hash);
  });

  it('recognises a ReplicaSet template whatever its pod-template-hash label', () => {
    const labelled = { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
    expect(sameTemplate(labelled, template)).toBe(true);
    expect(sameTemplate(labelled, { ...template, metadata: { labels: { app: 'api' } } })).toBe(false);
  });
});

describe('fenceposts', () => {
  it('rounds the surge up and the unavailability down; both zero means one unavailable', () => {
    expect(fenceposts(deployment(4))).toEqual({ surge: 1, unavailable: 1 });
    expect(fenceposts(deployment(1))).toEqual({ surge: 1, unavailable: 0 });
    expect(fenceposts(deployment(10, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }))).toEqual({ surge: 0, unavailable: 1 });
    expect(fenceposts(deployment(10, { rollingUpdate: { maxSurge: '50%', maxUnavailable: 3 } }))).toEqual({ surge: 5, unavailable: 3 });
    expect(maxUnavailable(deployment(3, { type: 'Recreate' }))).toBe(0);
  });
});

describe('rolling update steps', () => {
  it('grows the new ReplicaSet up to the surge', () => {
    const d = deployment(4);
    const old = replicaSet('old', 4, 4, '2026-01-01T00:00:00Z');
    expect(newReplicaSetSize(d, [old], undefined)).toBe(1);
    const fresh = replicaSet('new', 1, 0, '2026-01-01T00:01:00Z');
    expect(newReplicaSetSize(d, [old, fresh], fresh)).toBe(1);
    expect(newReplicaSetSize(d, [replicaSet('old', 3, 3, ''), fresh], fresh)).toBe(2);
    expect(newReplicaSetSize(deployment(4, { type: 'Recreate' }), [old], undefined)).toBe(4);
  });

  it('shrinks old ReplicaSets only while enough pods stay available, unavailable ones first', () => {
    const d = deployment(4);
    const old = replicaSet('old', 4, 4, '2026-01-01T00:00:00Z');
    const fresh = replicaSet('new', 1, 0, '2026-01-01T00:01:00Z');
    // 4 available, 3 must stay: one old pod may go.
    expect(oldReplicaSetSizes(d, [old], fresh).get(old)).toBe(3);
    // Once the new pod is available, two more may go.
    const freshReady = replicaSet('new', 2, 1, '2026-01-01T00:01:00Z');
    expect(oldReplicaSetSizes(d, [replicaSet('old', 3, 3, '2026-01-01T00:00:00Z')], freshReady).values().next().value).toBe(2);
    // Unavailable old pods go first, even when too few pods are available to let an available one go.
    const broken = replicaSet('broken', 2, 0, '2026-01-01T00:00:00Z');
    expect(oldReplicaSetSizes(deployment(2), [broken], replicaSet('new', 1, 1, '')).get(broken)).toBe(1);
  });
});

describe('setCondition', () => {
  const c = (status: string, reason: string, time: string) => ({ type: 'Available', status, reason, lastUpdateTime: time, lastTransitionTime: time });

  it('changes nothing for the same status and reason, keeps the transition time for the same status, moves the changed one last', () => {
    const progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated' };
    const conditions = [c('False', 'MinimumReplicasUnavailable', 't1'), progressing];
    expect(setCondition(conditions, c('False', 'MinimumReplicasUnavailable', 't2'))).toBe(conditions);
    expect(setCondition(conditions, c('False', 'Other', 't2'))).toEqual([progressing, { ...c('False', 'Other', 't2'), lastTransitionTime: 't1' }]);
    expect(setCondition(conditions, c('True', 'MinimumReplicasAvailable', 't2'))).toEqual([progressing, c('True', 'MinimumReplicasAvailable', 't2')]);
  });
});
