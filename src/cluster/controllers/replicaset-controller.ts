import { record } from '../builtins/define.ts';
import type { KubeObject } from '../resource-type.ts';
import { objectKey, type ChangeEvent } from '../store.ts';
import { WorkloadController, type WorkloadParts } from './workload-controller.ts';
import {
  availability,
  builtinType,
  controllerOf,
  controllerReference,
  isActive,
  isReady,
  podFromTemplate,
  podPhase,
  restartsOf,
  selects,
  tolerant,
  writeObject,
  writeStatus,
} from './workload-support.ts';

const replicaSetsBucket = 'apps/replicasets';
const podsBucket = '/pods';
const source = { component: 'replicaset-controller' };
/** Upstream creates at most this many pods per sync (its slow-start batches end there too). */
const burstReplicas = 500;

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Which pods go first when a ReplicaSet scales down, as upstream ranks them:
 * unscheduled, then pending, not ready, most restarted, newest.
 */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const scheduled = (p: KubeObject) => (record(p.spec)?.nodeName ? 1 : 0);
  const byRank = [
    scheduled(a) - scheduled(b),
    (phaseRank[podPhase(a) ?? 'Pending'] ?? 0) - (phaseRank[podPhase(b) ?? 'Pending'] ?? 0),
    Number(isReady(a)) - Number(isReady(b)),
    restartsOf(b) - restartsOf(a),
    String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
  ];
  return byRank.find((n) => n !== 0) ?? 0;
}

/**
 * kube-controller-manager's ReplicaSet controller: keeps `spec.replicas`
 * active pods made from the template, adopting matching orphans and
 * releasing pods that no longer match, and reports the counts in status.
 */
export class ReplicaSetController extends WorkloadController {

  constructor(parts: WorkloadParts) {
    super('replicaset controller', parts);
  }

  override observe(event: ChangeEvent): void {
    if (event.bucket === replicaSetsBucket) {
      if (event.type !== 'DELETED') this.queue.add(event.key);
      return;
    }
    if (event.bucket !== podsBucket) return;
    const ns = event.object.metadata.namespace!;
    for (const pod of [event.object, event.previous]) {
      const owner = controllerOf(pod);
      if (owner?.kind === 'ReplicaSet') this.queue.add(objectKey(ns, owner.name));
    }
    // An orphan may be adopted by any ReplicaSet whose selector matches it.
    if (event.type !== 'DELETED' && !controllerOf(event.object)) {
      for (const rs of this.state.store.list(replicaSetsBucket, ns)) {
        if (selects(record(rs.spec)?.selector, event.object.metadata.labels)) this.queue.add(objectKey(ns, rs.metadata.name!));
      }
    }
  }

  protected override sync(key: string): void {
    const rs = this.state.store.get(replicaSetsBucket, key);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const ns = rs.metadata.namespace!;
    const spec = record(rs.spec) ?? {};
    const pods = this.claimPods(rs);
    const active = pods.filter(isActive);
    const replicas = Number(spec.replicas ?? 1);
    const podType = builtinType(this.state, '', 'pods');
    if (active.length < replicas) {
      const owner = controllerReference(rs, 'apps/v1', 'ReplicaSet');
      for (let i = 0; i < Math.min(replicas - active.length, burstReplicas); i++) {
        tolerant(this.onError, `replicaset ${key}: creating a pod`, () => {
          const created = this.objects.create(podType, ns, podFromTemplate(spec.template, owner, ns, `${rs.metadata.name}-`), { internal: true, fieldManager: 'kube-controller-manager' }).object;
          this.events.record(source, rs, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name}` });
        });
      }
    } else if (active.length > replicas) {
      for (const pod of [...active].sort(deletionOrder).slice(0, active.length - replicas)) {
        tolerant(this.onError, `replicaset ${key}: deleting a pod`, () => {
          this.deleter.delete(podType, ns, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
          this.events.record(source, rs, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}` });
        });
      }
    }
    this.updateStatus(rs);
  }

  /** The ReplicaSet's pods: its own that still match, plus matching orphans it adopts; own pods that no longer match are released. */
  private claimPods(rs: KubeObject): KubeObject[] {
    const selector = record(rs.spec)?.selector;
    const podType = builtinType(this.state, '', 'pods');
    const claimed: KubeObject[] = [];
    for (const pod of this.state.store.list(podsBucket, rs.metadata.namespace)) {
      const owner = controllerOf(pod);
      const matches = selects(selector, pod.metadata.labels);
      if (owner?.uid === rs.metadata.uid) {
        if (matches || pod.metadata.deletionTimestamp) claimed.push(pod);
        else {
          const ownerReferences = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid);
          tolerant(this.onError, `replicaset ${rs.metadata.name}: releasing ${pod.metadata.name}`, () => writeObject(this.objects, podType, { ...pod, metadata: { ...pod.metadata, ownerReferences } }));
        }
      } else if (!owner && matches && !pod.metadata.deletionTimestamp) {
        const ownerReferences = [...(pod.metadata.ownerReferences ?? []), controllerReference(rs, 'apps/v1', 'ReplicaSet')];
        tolerant(this.onError, `replicaset ${rs.metadata.name}: adopting ${pod.metadata.name}`, () =>
          claimed.push(writeObject(this.objects, podType, { ...pod, metadata: { ...pod.metadata, ownerReferences } })),
        );
      }
    }
    return claimed;
  }

  private updateStatus(rs: KubeObject): void {
    const current = this.state.store.get(replicaSetsBucket, objectKey(rs.metadata.namespace, rs.metadata.name!));
    if (!current) return;
    const spec = record(current.spec) ?? {};
    const templateLabels = (record(record(spec.template)?.metadata)?.labels ?? {}) as Record<string, string>;
    const minReadySeconds = Number(spec.minReadySeconds ?? 0);
    const now = this.time.now();
    const active = this.state.store.list(podsBucket, current.metadata.namespace).filter((p) => controllerOf(p)?.uid === current.metadata.uid && isActive(p));
    let available = 0;
    let nextAvailableAt: Date | undefined;
    for (const pod of active) {
      const { available: yes, availableAt } = availability(pod, minReadySeconds, (s) => this.time.realMs(s), now);
      if (yes) available++;
      if (availableAt && (!nextAvailableAt || availableAt < nextAvailableAt)) nextAvailableAt = availableAt;
    }
    // A pod becomes available without any write: look again then.
    if (nextAvailableAt) this.time.after(this.time.secondsUntil(nextAvailableAt), () => this.queue.add(objectKey(current.metadata.namespace, current.metadata.name!)));
    const fullyLabeled = active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
    const ready = active.filter(isReady).length;
    const old = record(current.status) ?? {};
    const status = {
      replicas: active.length,
      ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      observedGeneration: current.metadata.generation,
      ...(old.conditions ? { conditions: old.conditions } : {}),
    };
    tolerant(this.onError, `replicaset ${current.metadata.name}: status`, () => writeStatus(this.objects, builtinType(this.state, 'apps', 'replicasets'), current, status));
  }
}
