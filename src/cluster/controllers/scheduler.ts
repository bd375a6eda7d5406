import { nodeName } from '../bootstrap.ts';
import { record, records } from '../builtins/define.ts';
import { ApiError } from '../errors.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { formatTime, type ClusterState } from '../state.ts';
import type { ChangeEvent } from '../store.ts';
import type { EventRecorder } from './event-recorder.ts';
import { QueuedController } from './queued-controller.ts';

type Json = Record<string, unknown>;

const podsBucket = '/pods';
const nodesBucket = '/nodes';
const noPreemption = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

/** Whether a node's labels satisfy one `nodeSelectorTerm` (its expressions and fields all hold). */
function termMatches(term: Json, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const holds = (requirement: Json, value: string | undefined) => {
    const values = (requirement.values as string[] | undefined) ?? [];
    switch (requirement.operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      case 'Gt':
        return value !== undefined && Number(value) > Number(values[0]);
      case 'Lt':
        return value !== undefined && Number(value) < Number(values[0]);
      default:
        return false;
    }
  };
  return (
    records(term.matchExpressions).every((r) => holds(r, labels[String(r.key)])) &&
    records(term.matchFields).every((r) => holds(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
  );
}

/** Why the node cannot take the pod, in the scheduler's words; undefined when it can. */
function misfit(pod: KubeObject, node: KubeObject | undefined): string | undefined {
  if (!node) return 'no nodes available to schedule pods';
  const spec = record(pod.spec) ?? {};
  if (record(node.spec)?.unschedulable === true) return `0/1 nodes are available: 1 node(s) were unschedulable. ${noPreemption}`;
  const labels = node.metadata.labels ?? {};
  const selector = (record(spec.nodeSelector) ?? {}) as Record<string, string>;
  const selected = Object.entries(selector).every(([k, v]) => labels[k] === v);
  const required = record(record(record(spec.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution);
  const terms = records(required?.nodeSelectorTerms);
  const affine = !required || terms.some((t) => termMatches(t, node));
  if (!selected || !affine) return `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${noPreemption}`;
  return undefined;
}

/**
 * The default scheduler of a one-node cluster: binds every pod that asks for
 * `default-scheduler` to `kopf-ts-node` when the node fits (node selector,
 * required node affinity, cordoned node), as the `pods/binding` subresource
 * does (spec.nodeName and the PodScheduled condition in one write); reports
 * `Unschedulable` or `SchedulingGated` otherwise, and tries again when the
 * pod or the node changes.
 */
export class Scheduler extends QueuedController {
  /** Pods that did not fit: a node change may let them in. */
  private readonly waiting = new Set<string>();

  constructor(
    private readonly state: ClusterState,
    private readonly objects: ObjectApi,
    private readonly events: EventRecorder,
    onError: (what: string, error: unknown) => void,
  ) {
    super((key) => `scheduler: pod ${key}`, onError);
  }

  override observe(event: ChangeEvent): void {
    if (event.bucket === nodesBucket) {
      for (const key of this.waiting) this.queue.add(key);
      return;
    }
    if (event.bucket !== podsBucket) return;
    if (event.type === 'DELETED') {
      this.waiting.delete(event.key);
      return;
    }
    if (!record(event.object.spec)?.nodeName) this.queue.add(event.key);
  }

  protected override sync(key: string): void {
    const pod = this.state.store.get(podsBucket, key);
    const spec = record(pod?.spec) ?? {};
    const phase = record(pod?.status)?.phase;
    if (!pod || spec.nodeName || pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') {
      this.waiting.delete(key);
      return;
    }
    if ((spec.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
    if (records(spec.schedulingGates).length) {
      this.setUnscheduled(pod, 'SchedulingGated', 'Scheduling is blocked due to non-empty scheduling gates');
      return;
    }
    const node = this.state.store.get(nodesBucket, nodeName);
    const why = misfit(pod, node);
    if (why) {
      this.waiting.add(key);
      if (this.setUnscheduled(pod, 'Unschedulable', why)) {
        this.events.record({ component: 'default-scheduler', host: nodeName }, pod, { type: 'Warning', reason: 'FailedScheduling', message: why, action: 'Scheduling' });
      }
      return;
    }
    this.waiting.delete(key);
    this.bind(key, pod);
  }

  /** The binding: nodeName and PodScheduled=True in one write that bypasses the pod's update rules, as `pods/binding` does. */
  private bind(key: string, pod: KubeObject): void {
    const status = record(pod.status) ?? {};
    const conditions = records(status.conditions).filter((c) => c.type !== 'PodScheduled');
    const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: formatTime(this.state.now()) };
    const bound: KubeObject = {
      ...pod,
      spec: { ...record(pod.spec), nodeName },
      status: { ...status, conditions: [...conditions, scheduled] },
    };
    const written = this.state.store.update(podsBucket, key, bound);
    this.events.record({ component: 'default-scheduler', host: nodeName }, written, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
      action: 'Binding',
    });
  }

  /** Sets PodScheduled=False with a reason through `/status`; answers whether it changed. */
  private setUnscheduled(pod: KubeObject, reason: string, message: string): boolean {
    const status = record(pod.status) ?? {};
    const conditions = records(status.conditions);
    const current = conditions.find((c) => c.type === 'PodScheduled');
    if (current && current.status === 'False' && current.reason === reason && current.message === message) return false;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: current?.status === 'False' ? current.lastTransitionTime : formatTime(this.state.now()),
      reason,
      message,
    };
    const next = { ...status, conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition] };
    const { resourceVersion: _rv, ...metadata } = pod.metadata;
    try {
      const type = this.state.registry.find('', 'v1', 'pods') as ResourceType;
      this.objects.update(type, pod.metadata.namespace, pod.metadata.name!, { ...pod, metadata, status: next }, { internal: true, fieldManager: 'kube-scheduler' }, { fromPatch: true, subresource: 'status' });
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return false;
      throw e;
    }
  }
}
