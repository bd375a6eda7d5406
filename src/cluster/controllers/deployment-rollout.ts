import { canonicalJson } from '../../core/json.ts';
import { record } from '../builtins/define.ts';
import type { KubeObject } from '../resource-type.ts';

/**
 * The arithmetic of Deployment rollouts, as kube-controller-manager's
 * deployment controller does it: template hashes, the surge/unavailable
 * fenceposts, and how far the new and old ReplicaSets may be scaled.
 */

type Json = Record<string, unknown>;

export const templateHashLabel = 'pod-template-hash';
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';

/** FNV-1a, 32 bits: the hash upstream uses for pod templates. */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Upstream's "safe" alphabet (no vowels, no look-alikes), indexed by each decimal digit's character code. */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The `pod-template-hash` of a template: upstream's shape (e.g. `7c5ddbdf54`), from a hash of its content. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const hash = fnv32a(canonicalJson(template) + (collisionCount ? String(collisionCount) : ''));
  return [...String(hash)].map((d) => safeAlphabet[d.charCodeAt(0) % safeAlphabet.length]).join('');
}

/** A template compared without its `pod-template-hash` label: how a Deployment recognises its ReplicaSets. */
export function sameTemplate(a: unknown, b: unknown): boolean {
  const strip = (t: unknown) => {
    const copy = structuredClone(record(t) ?? {});
    const labels = record(record(copy.metadata)?.labels);
    if (labels) delete labels[templateHashLabel];
    return canonicalJson(copy);
  };
  return strip(a) === strip(b);
}

/** An int-or-percent of `total`: percentages round up for surge, down for unavailability. */
function scaled(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? ''));
  if (!m) return Number(value ?? 0) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function desiredReplicas(deployment: KubeObject): number {
  return Number(record(deployment.spec)?.replicas ?? 1);
}

export function isRecreate(deployment: KubeObject): boolean {
  return record(record(deployment.spec)?.strategy)?.type === 'Recreate';
}

/** maxSurge and maxUnavailable as pod counts; both 0 would block a rollout, so unavailability becomes 1. */
export function fenceposts(deployment: KubeObject): { surge: number; unavailable: number } {
  if (isRecreate(deployment)) return { surge: 0, unavailable: 0 };
  const rolling = record(record(record(deployment.spec)?.strategy)?.rollingUpdate) ?? {};
  const desired = desiredReplicas(deployment);
  const surge = scaled(rolling.maxSurge ?? '25%', desired, true);
  const unavailable = scaled(rolling.maxUnavailable ?? '25%', desired, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

/** How many pods may be unavailable while the Deployment still counts as Available. */
export function maxUnavailable(deployment: KubeObject): number {
  if (isRecreate(deployment)) return 0;
  return Math.min(fenceposts(deployment).unavailable, desiredReplicas(deployment));
}

export function specReplicas(rs: KubeObject): number {
  return Number(record(rs.spec)?.replicas ?? 0);
}

export function statusCount(rs: KubeObject, field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return Number(record(rs.status)?.[field] ?? 0);
}

export function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0);
}

/** The new ReplicaSet's size for this step of a rolling update. */
export function newReplicaSetSize(deployment: KubeObject, all: KubeObject[], newRs: KubeObject | undefined): number {
  const desired = desiredReplicas(deployment);
  const current = newRs ? specReplicas(newRs) : 0;
  if (isRecreate(deployment)) return desired;
  const maxTotal = desired + fenceposts(deployment).surge;
  const total = all.reduce((n, rs) => n + specReplicas(rs), 0);
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, desired - current));
}

/**
 * How the old ReplicaSets shrink in one step of a rolling update: first
 * their unavailable pods, then available ones while enough stay available.
 * Answers the new sizes, oldest ReplicaSet first.
 */
export function oldReplicaSetSizes(deployment: KubeObject, olds: KubeObject[], newRs: KubeObject): Map<KubeObject, number> {
  const sizes = new Map(olds.map((rs) => [rs, specReplicas(rs)]));
  const oldCount = olds.reduce((n, rs) => n + specReplicas(rs), 0);
  if (oldCount === 0) return sizes;
  const minAvailable = desiredReplicas(deployment) - maxUnavailable(deployment);
  const all = oldCount + specReplicas(newRs);
  const newUnavailable = specReplicas(newRs) - statusCount(newRs, 'availableReplicas');
  let budget = all - minAvailable - newUnavailable;
  if (budget <= 0) return sizes;
  const oldestFirst = [...olds].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
  for (const rs of oldestFirst) {
    if (budget <= 0) break;
    const unhealthy = Math.max(0, sizes.get(rs)! - statusCount(rs, 'availableReplicas'));
    const cut = Math.min(unhealthy, budget);
    sizes.set(rs, sizes.get(rs)! - cut);
    budget -= cut;
  }
  const available = [...olds, newRs].reduce((n, rs) => n + statusCount(rs, 'availableReplicas'), 0);
  let scaleDown = available - minAvailable;
  for (const rs of oldestFirst) {
    if (scaleDown <= 0) break;
    const cut = Math.min(sizes.get(rs)!, scaleDown);
    sizes.set(rs, sizes.get(rs)! - cut);
    scaleDown -= cut;
  }
  return sizes;
}

/** Deployment conditions change as upstream's `SetDeploymentCondition` does: same status and reason change nothing; a changed one moves last. */
export function setCondition(conditions: Json[], condition: Json): Json[] {
  const current = conditions.find((c) => c.type === condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return conditions;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  return [...conditions.filter((c) => c.type !== condition.type), next];
}
