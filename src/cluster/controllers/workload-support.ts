import { labelSelectorFromObject, type LabelSelectorObject } from '../../core/label-selector.ts';
import { record, records } from '../builtins/define.ts';
import { ApiError } from '../errors.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject, OwnerReference, ResourceType } from '../resource-type.ts';
import type { ClusterState } from '../state.ts';

/**
 * What the workload controllers (ReplicaSet, Deployment, Job) share: how
 * they find their pods, judge them, make them from a template, and write
 * as kube-controller-manager does.
 */

type Json = Record<string, unknown>;

/** The field manager of kube-controller-manager's writes. */
export const controllerManager = 'kube-controller-manager';

/** The owner reference that makes an object a controller's. */
export function controllerOf(obj: KubeObject | undefined): OwnerReference | undefined {
  return obj?.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** A reference to `owner` as its controller. */
export function controllerReference(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** Whether a label selector object selects these labels; a selector that does not parse selects nothing. */
export function selects(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const object = record(selector);
  if (!object) return false;
  try {
    return labelSelectorFromObject(object as LabelSelectorObject).matches(labels ?? {});
  } catch {
    return false;
  }
}

export function podPhase(pod: KubeObject): string | undefined {
  return record(pod.status)?.phase as string | undefined;
}

/** A pod that counts towards its controller's replicas: not finished, not being deleted. */
export function isActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function readyCondition(pod: KubeObject): Json | undefined {
  return records(record(pod.status)?.conditions).find((c) => c.type === 'Ready');
}

export function isReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * Ready for at least `minReadySeconds` (simulated) by `now`; `availableAt`
 * tells when a ready pod that is not yet available becomes so.
 */
export function availability(pod: KubeObject, minReadySeconds: number, realMs: (seconds: number) => number, now: Date): { available: boolean; availableAt?: Date } {
  if (!isReady(pod)) return { available: false };
  if (minReadySeconds <= 0) return { available: true };
  const since = Date.parse(String(readyCondition(pod)?.lastTransitionTime ?? ''));
  if (Number.isNaN(since)) return { available: true };
  const at = new Date(since + realMs(minReadySeconds));
  return at <= now ? { available: true } : { available: false, availableAt: at };
}

/** The sum of the restart counts of a pod's containers. */
export function restartsOf(pod: KubeObject): number {
  const status = record(pod.status) ?? {};
  return [...records(status.initContainerStatuses), ...records(status.containerStatuses)].reduce((n, s) => n + Number(s.restartCount ?? 0), 0);
}

/** A new pod from a pod template: its labels, annotations and finalizers, the spec, and the controller's reference. */
export function podFromTemplate(template: unknown, owner: OwnerReference, namespace: string, generateName: string, extraFinalizers: string[] = []): KubeObject {
  const t = record(template) ?? {};
  const meta = record(t.metadata) ?? {};
  const finalizers = [...((meta.finalizers as string[] | undefined) ?? []), ...extraFinalizers];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace,
      ...(record(meta.labels) ? { labels: { ...(meta.labels as Record<string, string>) } } : {}),
      ...(record(meta.annotations) ? { annotations: { ...(meta.annotations as Record<string, string>) } } : {}),
      ...(finalizers.length ? { finalizers } : {}),
      ownerReferences: [owner],
    },
    spec: structuredClone(record(t.spec) ?? {}),
  };
}

/** Runs a write whose failure only means the world moved on (a conflict, a vanished object, a closing namespace). */
export function tolerant(onError: (what: string, error: unknown) => void, what: string, action: () => void): void {
  try {
    action();
  } catch (e) {
    if (e instanceof ApiError && [403, 404, 409].includes(e.code)) return;
    onError(what, e);
  }
}

/** The stored version of a built-in type, e.g. `apps/v1 replicasets`. */
export function builtinType(state: ClusterState, group: string, plural: string): ResourceType {
  return state.registry.find(group, 'v1', plural)!;
}

/** Writes an object's status as a controller does: through `/status`, unconditionally, skipping no-ops. */
export function writeStatus(objects: ObjectApi, type: ResourceType, obj: KubeObject, status: Json): KubeObject {
  if (JSON.stringify(obj.status) === JSON.stringify(status)) return obj;
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return objects.update(type, obj.metadata.namespace, obj.metadata.name!, { ...obj, metadata, status }, { internal: true, fieldManager: controllerManager }, { fromPatch: true, subresource: 'status' }).object;
}

/** Writes a changed object through the main endpoint, unconditionally (no resourceVersion). */
export function writeObject(objects: ObjectApi, type: ResourceType, obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return objects.update(type, obj.metadata.namespace, obj.metadata.name!, { ...obj, metadata }, { internal: true, fieldManager: controllerManager }, { fromPatch: true }).object;
}
