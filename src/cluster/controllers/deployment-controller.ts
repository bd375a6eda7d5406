import { record, records } from '../builtins/define.ts';
import type { KubeObject } from '../resource-type.ts';
import { formatTime } from '../state.ts';
import { objectKey, type ChangeEvent } from '../store.ts';
import {
  desiredReplicas,
  desiredReplicasAnnotation,
  fenceposts,
  isRecreate,
  maxReplicasAnnotation,
  maxUnavailable,
  newReplicaSetSize,
  oldReplicaSetSizes,
  revisionAnnotation,
  revisionHistoryAnnotation,
  revisionOf,
  sameTemplate,
  setCondition,
  specReplicas,
  statusCount,
  templateHash,
  templateHashLabel,
} from './deployment-rollout.ts';
import { WorkloadController, type WorkloadParts } from './workload-controller.ts';
import { builtinType, controllerManager, controllerOf, controllerReference, podPhase, tolerant, writeObject, writeStatus } from './workload-support.ts';

type Json = Record<string, unknown>;

const deploymentsBucket = 'apps/deployments';
const replicaSetsBucket = 'apps/replicasets';
const source = { component: 'deployment-controller' };
/** Annotations of a Deployment that its ReplicaSets do not inherit. */
const ownAnnotations = new Set(['kubectl.kubernetes.io/last-applied-configuration', revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation]);

/**
 * kube-controller-manager's Deployment controller: one ReplicaSet per pod
 * template (`<name>-<pod-template-hash>`), rolled out with the RollingUpdate
 * (maxSurge/maxUnavailable) or Recreate strategy, revisions and their
 * history limit, pause/resume, and the status `kubectl rollout status`
 * reads: counts, observedGeneration, Available and Progressing (with the
 * progress deadline).
 */
export class DeploymentController extends WorkloadController {
  private readonly deadlines = new Map<string, () => void>();
  /** When each Deployment last made progress, exactly (its condition's lastUpdateTime has whole seconds only). */
  private readonly progressSince = new Map<string, Date>();

  constructor(parts: WorkloadParts) {
    super('deployment controller', parts);
  }

  override observe(event: ChangeEvent): void {
    if (event.bucket === deploymentsBucket) {
      if (event.type === 'DELETED') {
        this.deadlines.get(event.key)?.();
        this.deadlines.delete(event.key);
        this.progressSince.delete(event.key);
      } else this.queue.add(event.key);
      return;
    }
    if (event.bucket !== replicaSetsBucket) return;
    for (const rs of [event.object, event.previous]) {
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment') this.queue.add(objectKey(event.object.metadata.namespace, owner.name));
    }
  }

  private owned(deployment: KubeObject): KubeObject[] {
    return this.state.store.list(replicaSetsBucket, deployment.metadata.namespace).filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid);
  }

  protected override sync(key: string): void {
    const deployment = this.state.store.get(deploymentsBucket, key);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const spec = record(deployment.spec) ?? {};
    const owned = this.owned(deployment);
    let newRs = owned.find((rs) => sameTemplate(record(rs.spec)?.template, spec.template));
    const olds = owned.filter((rs) => rs !== newRs);
    const maxOldRevision = Math.max(0, ...olds.map(revisionOf));
    let created: KubeObject | undefined;
    if (spec.paused !== true) {
      const desired = desiredReplicas(deployment);
      if (isRecreate(deployment)) {
        const shrinking = olds.filter((rs) => specReplicas(rs) > 0);
        for (const rs of shrinking) this.scale(deployment, rs, 0);
        if (shrinking.length === 0 && !this.oldPodsRunning(deployment, olds)) {
          if (!newRs) newRs = created = this.createReplicaSet(deployment, desired, maxOldRevision);
          else if (specReplicas(newRs) !== desired) this.scale(deployment, newRs, desired);
        }
      } else if (!newRs) {
        newRs = created = this.createReplicaSet(deployment, newReplicaSetSize(deployment, owned, undefined), maxOldRevision);
      } else {
        const size = specReplicas(newRs) > desired ? desired : newReplicaSetSize(deployment, owned, newRs);
        if (size !== specReplicas(newRs)) this.scale(deployment, newRs, size);
        else for (const [rs, n] of oldReplicaSetSizes(deployment, olds, newRs)) if (n !== specReplicas(rs)) this.scale(deployment, rs, n);
      }
      if (newRs && !created && revisionOf(newRs) <= maxOldRevision) this.bumpRevision(newRs, maxOldRevision + 1);
      this.cleanUp(deployment);
    }
    this.updateStatus(key, created);
  }

  /** Whether any pod of the old ReplicaSets still runs (Recreate waits for them all to be gone). */
  private oldPodsRunning(deployment: KubeObject, olds: KubeObject[]): boolean {
    const uids = new Set(olds.map((rs) => rs.metadata.uid));
    return this.state.store.list('/pods', deployment.metadata.namespace).some((p) => uids.has(controllerOf(p)?.uid ?? '') && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  }

  private createReplicaSet(deployment: KubeObject, replicas: number, maxOldRevision: number): KubeObject | undefined {
    const spec = record(deployment.spec) ?? {};
    const ns = deployment.metadata.namespace!;
    let collisions = Number(record(deployment.status)?.collisionCount ?? 0);
    let hash = templateHash(spec.template, collisions);
    // A ReplicaSet of that name with another template is a hash collision: the count goes into the hash.
    for (let existing = this.state.store.get(replicaSetsBucket, objectKey(ns, `${deployment.metadata.name}-${hash}`)); existing; ) {
      if (controllerOf(existing)?.uid === deployment.metadata.uid && sameTemplate(record(existing.spec)?.template, spec.template)) return existing;
      hash = templateHash(spec.template, ++collisions);
      existing = this.state.store.get(replicaSetsBucket, objectKey(ns, `${deployment.metadata.name}-${hash}`));
    }
    const template = structuredClone(record(spec.template) ?? {});
    const templateMeta = (template.metadata = record(template.metadata) ?? {}) as Json;
    templateMeta.labels = { ...(record(templateMeta.labels) ?? {}), [templateHashLabel]: hash };
    const selector = structuredClone(record(spec.selector) ?? {});
    selector.matchLabels = { ...(record(selector.matchLabels) ?? {}), [templateHashLabel]: hash };
    const annotations = Object.fromEntries(Object.entries(deployment.metadata.annotations ?? {}).filter(([k]) => !ownAnnotations.has(k)));
    const name = `${deployment.metadata.name}-${hash}`;
    const minReadySeconds = Number(spec.minReadySeconds ?? 0);
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: ns,
        labels: templateMeta.labels as Record<string, string>,
        annotations: { ...annotations, ...this.sizeAnnotations(deployment), [revisionAnnotation]: String(maxOldRevision + 1) },
        ownerReferences: [controllerReference(deployment, 'apps/v1', 'Deployment')],
      },
      spec: { replicas, ...(minReadySeconds ? { minReadySeconds } : {}), selector, template },
    };
    let written: KubeObject | undefined;
    tolerant(this.onError, `deployment ${deployment.metadata.name}: creating ${name}`, () => {
      written = this.objects.create(builtinType(this.state, 'apps', 'replicasets'), ns, rs, { internal: true, fieldManager: controllerManager }).object;
    });
    if (written && replicas > 0) this.events.record(source, deployment, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${name} from 0 to ${replicas}` });
    if (collisions !== Number(record(deployment.status)?.collisionCount ?? 0)) {
      tolerant(this.onError, `deployment ${deployment.metadata.name}: collision count`, () =>
        writeStatus(this.objects, builtinType(this.state, 'apps', 'deployments'), deployment, { ...record(deployment.status), collisionCount: collisions }),
      );
    }
    return written;
  }

  private sizeAnnotations(deployment: KubeObject): Record<string, string> {
    const desired = desiredReplicas(deployment);
    return { [desiredReplicasAnnotation]: String(desired), [maxReplicasAnnotation]: String(desired + fenceposts(deployment).surge) };
  }

  /** Changes a ReplicaSet as it is stored now (the copy at hand may predate this sync's writes). */
  private changeReplicaSet(rs: KubeObject, change: (current: KubeObject) => KubeObject): void {
    const current = this.state.store.get(replicaSetsBucket, objectKey(rs.metadata.namespace, rs.metadata.name!));
    if (!current || current.metadata.uid !== rs.metadata.uid) return;
    tolerant(this.onError, `replicaset ${rs.metadata.name}`, () => writeObject(this.objects, builtinType(this.state, 'apps', 'replicasets'), change(current)));
  }

  private scale(deployment: KubeObject, rs: KubeObject, replicas: number): void {
    const from = specReplicas(rs);
    this.changeReplicaSet(rs, (current) => ({
      ...current,
      metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, ...this.sizeAnnotations(deployment) } },
      spec: { ...record(current.spec), replicas },
    }));
    this.events.record(source, deployment, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}` });
  }

  /** A rollback makes an old ReplicaSet the new one: it gets the next revision, its old one goes into the history. */
  private bumpRevision(rs: KubeObject, revision: number): void {
    this.changeReplicaSet(rs, (current) => {
      const annotations = current.metadata.annotations ?? {};
      const history = [annotations[revisionHistoryAnnotation], annotations[revisionAnnotation]].filter(Boolean).join(',');
      return { ...current, metadata: { ...current.metadata, annotations: { ...annotations, [revisionAnnotation]: String(revision), ...(history ? { [revisionHistoryAnnotation]: history } : {}) } } };
    });
  }

  /** Old ReplicaSets scaled to zero beyond `revisionHistoryLimit` go, oldest revision first. */
  private cleanUp(deployment: KubeObject): void {
    const limit = Number(record(deployment.spec)?.revisionHistoryLimit ?? 10);
    const idle = this.owned(deployment)
      .filter((rs) => !sameTemplate(record(rs.spec)?.template, record(deployment.spec)?.template))
      .filter((rs) => specReplicas(rs) === 0 && statusCount(rs, 'replicas') === 0 && !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      tolerant(this.onError, `deployment ${deployment.metadata.name}: removing ${rs.metadata.name}`, () => this.deleter.delete(builtinType(this.state, 'apps', 'replicasets'), rs.metadata.namespace, rs.metadata.name!));
    }
  }

  private updateStatus(key: string, created: KubeObject | undefined): void {
    const deployment = this.state.store.get(deploymentsBucket, key);
    if (!deployment) return;
    const spec = record(deployment.spec) ?? {};
    const old = record(deployment.status) ?? {};
    const all = this.owned(deployment);
    const newRs = all.find((rs) => sameTemplate(record(rs.spec)?.template, spec.template));
    const desired = desiredReplicas(deployment);
    const sum = (field: 'replicas' | 'readyReplicas' | 'availableReplicas') => all.reduce((n, rs) => n + statusCount(rs, field), 0);
    const available = sum('availableReplicas');
    const counts = {
      replicas: sum('replicas'),
      updatedReplicas: newRs ? statusCount(newRs, 'replicas') : 0,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, all.reduce((n, rs) => n + specReplicas(rs), 0) - available),
    };
    const moment = this.time.now();
    const now = formatTime(moment);
    const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message });
    let conditions = records(old.conditions);
    const currentProgress = conditions.find((c) => c.type === 'Progressing');
    const hasDeadline = spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds !== null;
    if (created && hasDeadline) {
      conditions = setCondition(conditions, condition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`));
      this.progressSince.set(key, moment);
    } else if (newRs && hasDeadline && !currentProgress) {
      conditions = setCondition(conditions, condition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newRs.metadata.name}"`));
      this.progressSince.set(key, moment);
    }
    conditions =
      available >= desired - maxUnavailable(deployment)
        ? setCondition(conditions, condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'))
        : setCondition(conditions, condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'));
    conditions = this.progress(deployment, conditions, counts, newRs, moment);
    const status: Json = {
      observedGeneration: deployment.metadata.generation,
      ...Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)),
      conditions,
      ...(old.collisionCount !== undefined ? { collisionCount: old.collisionCount } : {}),
    };
    let current = deployment;
    const revision = newRs?.metadata.annotations?.[revisionAnnotation];
    if (revision && deployment.metadata.annotations?.[revisionAnnotation] !== revision) {
      // Upstream sets the revision through /status, where a Deployment's annotations may change without a new generation.
      current = this.state.store.update(deploymentsBucket, key, { ...deployment, metadata: { ...deployment.metadata, annotations: { ...deployment.metadata.annotations, [revisionAnnotation]: revision } } });
    }
    tolerant(this.onError, `deployment ${key}: status`, () => writeStatus(this.objects, builtinType(this.state, 'apps', 'deployments'), current, status));
  }

  /** The Progressing condition, as upstream's `syncRolloutStatus` (and its pause handling) sets it. */
  private progress(deployment: KubeObject, conditions: Json[], counts: Record<string, number>, newRs: KubeObject | undefined, moment: Date): Json[] {
    const now = formatTime(moment);
    const spec = record(deployment.spec) ?? {};
    const old = record(deployment.status) ?? {};
    const key = objectKey(deployment.metadata.namespace, deployment.metadata.name!);
    const current = conditions.find((c) => c.type === 'Progressing');
    const condition = (status: string, reason: string, message: string) => ({ type: 'Progressing', status, lastUpdateTime: now, lastTransitionTime: now, reason, message });
    if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) return conditions.filter((c) => c.type !== 'Progressing');
    if (spec.paused === true) {
      return current?.reason === 'DeploymentPaused' ? conditions : setCondition(conditions, condition('Unknown', 'DeploymentPaused', 'Deployment is paused'));
    }
    if (current?.reason === 'DeploymentPaused') {
      conditions = setCondition(conditions, condition('Unknown', 'DeploymentResumed', 'Deployment is resumed'));
      this.progressSince.set(key, moment);
    }
    const desired = desiredReplicas(deployment);
    const named = newRs ? `ReplicaSet "${newRs.metadata.name}"` : `Deployment "${deployment.metadata.name}"`;
    const complete = counts.updatedReplicas === desired && counts.replicas === desired && counts.availableReplicas === desired;
    const progressCondition = conditions.find((c) => c.type === 'Progressing');
    if (counts.replicas === counts.updatedReplicas && progressCondition?.reason === 'NewReplicaSetAvailable') return conditions;
    const oldReplicas = (s: Json) => Number(s.replicas ?? 0) - Number(s.updatedReplicas ?? 0);
    const progressing =
      counts.updatedReplicas > Number(old.updatedReplicas ?? 0) ||
      counts.readyReplicas > Number(old.readyReplicas ?? 0) ||
      counts.availableReplicas > Number(old.availableReplicas ?? 0) ||
      oldReplicas(counts) < oldReplicas(old);
    if (complete) return setCondition(conditions, condition('True', 'NewReplicaSetAvailable', `${named} has successfully progressed.`));
    if (progressing) {
      // Progress renews lastUpdateTime even when the reason stays; the transition time stays while it is True.
      const renewed = { ...condition('True', 'ReplicaSetUpdated', `${named} is progressing.`), ...(progressCondition?.status === 'True' ? { lastTransitionTime: progressCondition.lastTransitionTime } : {}) };
      this.progressSince.set(key, moment);
      this.watchDeadline(key, moment, Number(spec.progressDeadlineSeconds));
      return [...conditions.filter((c) => c.type !== 'Progressing'), renewed];
    }
    if (progressCondition && progressCondition.reason !== 'ProgressDeadlineExceeded') {
      const since = this.progressSince.get(key) ?? new Date(String(progressCondition.lastUpdateTime));
      if (Number.isNaN(since.getTime())) return conditions;
      if (this.time.secondsSince(since) > Number(spec.progressDeadlineSeconds)) {
        return setCondition(conditions, condition('False', 'ProgressDeadlineExceeded', `${named} has timed out progressing.`));
      }
      this.watchDeadline(key, since, Number(spec.progressDeadlineSeconds));
    }
    return conditions;
  }

  /** Looks at the Deployment again just after its progress deadline, as upstream requeues stuck ones. */
  private watchDeadline(key: string, since: Date, seconds: number): void {
    this.deadlines.get(key)?.();
    const at = this.time.later(since, seconds);
    this.deadlines.set(key, this.time.after(this.time.secondsUntil(at) * 1.01 + 0.01, () => this.queue.add(key)));
  }
}
