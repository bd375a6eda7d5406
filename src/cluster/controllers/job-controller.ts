import { record, records } from '../builtins/define.ts';
import type { KubeObject } from '../resource-type.ts';
import { formatTime } from '../state.ts';
import { objectKey, type ChangeEvent } from '../store.ts';
import { WorkloadController, type WorkloadParts } from './workload-controller.ts';
import { builtinType, controllerManager, controllerOf, controllerReference, isActive, isReady, podFromTemplate, podPhase, restartsOf, tolerant, writeObject, writeStatus } from './workload-support.ts';

type Json = Record<string, unknown>;

const jobsBucket = 'batch/jobs';
const podsBucket = '/pods';
const trackingFinalizer = 'batch.kubernetes.io/job-tracking';
const source = { component: 'job-controller' };
/** Pod failures delay the next pods: 10 s, doubling, at most 10 minutes. */
const failureBackOffSeconds = 10;
const maxFailureBackOffSeconds = 600;
const completedMessage = 'Reached expected number of succeeded pods';

/** A pod that finished well. */
const succeededPod = (pod: KubeObject) => podPhase(pod) === 'Succeeded';
/** A pod that failed; with the default replacement policy a pod being deleted counts as failed at once. */
const failedPod = (pod: KubeObject) => podPhase(pod) === 'Failed' || (!!pod.metadata.deletionTimestamp && podPhase(pod) !== 'Succeeded');
const hasFinalizer = (pod: KubeObject) => (pod.metadata.finalizers ?? []).includes(trackingFinalizer);

function conditionOf(job: KubeObject, type: string): Json | undefined {
  return records(record(job.status)?.conditions).find((c) => c.type === type && c.status === 'True');
}

/**
 * kube-controller-manager's Job controller for NonIndexed Jobs: runs up to
 * `parallelism` pods until `completions` have succeeded, tracks finished
 * pods with the `batch.kubernetes.io/job-tracking` finalizer, fails the Job
 * past `backoffLimit` or `activeDeadlineSeconds`, delays replacements after
 * failures, suspends and resumes, and deletes finished Jobs after
 * `ttlSecondsAfterFinished`. Conditions are 1.32's: SuccessCriteriaMet then
 * Complete, FailureTarget then Failed.
 */
export class JobController extends WorkloadController {
  /** Timers per Job (deadline, back-off, TTL): one pending wake-up each. */
  private readonly wakeUps = new Map<string, () => void>();
  /** When each Job last saw a pod fail, for the back-off of its replacements. */
  private readonly lastFailure = new Map<string, Date>();
  /** When each Job started, exactly (its status' startTime has whole seconds only), by uid. */
  private readonly started = new Map<string, Date>();
  /** Pods deleted because their Job was suspended (by uid): their end is not a failure. */
  private readonly suspendedPods = new Set<string>();

  constructor(parts: WorkloadParts) {
    super('job controller', parts);
  }

  override observe(event: ChangeEvent): void {
    if (event.bucket === jobsBucket) {
      if (event.type === 'DELETED') this.started.delete(event.object.metadata.uid!);
      this.queue.add(event.key);
      return;
    }
    if (event.bucket !== podsBucket) return;
    for (const pod of [event.object, event.previous]) {
      const owner = controllerOf(pod);
      if (owner?.kind === 'Job') this.queue.add(objectKey(event.object.metadata.namespace, owner.name));
    }
    // A tracked pod that lost its Job (orphaned by the Job's deletion) gets its finalizer removed.
    if (event.type !== 'DELETED' && hasFinalizer(event.object) && controllerOf(event.object)?.kind !== 'Job') this.releasePod(event.object);
  }

  protected override sync(key: string): void {
    const job = this.state.store.get(jobsBucket, key);
    const [ns, name] = key.split('/');
    if (!job || job.metadata.deletionTimestamp) {
      // A Job that is gone or going no longer tracks its pods.
      for (const pod of this.state.store.list(podsBucket, ns)) {
        const owner = controllerOf(pod);
        if (owner?.kind === 'Job' && owner.name === name && (!job || owner.uid === job.metadata.uid) && hasFinalizer(pod)) this.releasePod(pod);
      }
      if (!job) {
        this.wakeUps.get(key)?.();
        this.wakeUps.delete(key);
        this.lastFailure.delete(key);
      }
      return;
    }
    const spec = record(job.spec) ?? {};
    const old = record(job.status) ?? {};
    const pods = this.state.store.list(podsBucket, ns).filter((p) => controllerOf(p)?.uid === job.metadata.uid);
    const now = this.time.now();
    let succeeded = Number(old.succeeded ?? 0);
    let failed = Number(old.failed ?? 0);
    for (const pod of pods.filter(hasFinalizer)) {
      if (succeededPod(pod)) succeeded++;
      else if (this.suspendedPods.has(pod.metadata.uid!)) {
        if (pod.metadata.deletionTimestamp || podPhase(pod) === 'Failed') this.suspendedPods.delete(pod.metadata.uid!);
        else continue;
      } else if (failedPod(pod)) {
        failed++;
        this.lastFailure.set(key, now);
      } else continue;
      this.releasePod(pod);
    }
    let conditions = records(old.conditions);
    const condition = (type: string, reason: string, message: string, status = 'True') => ({ type, status, lastProbeTime: formatTime(now), lastTransitionTime: formatTime(now), reason, message });
    const add = (c: Json) => {
      const existing = conditions.find((e) => e.type === c.type);
      if (existing?.status === c.status) return;
      conditions = [...conditions.filter((e) => e.type !== c.type), c];
    };
    const suspended = spec.suspend === true;
    let startTime = old.startTime as string | undefined;
    let completionTime = old.completionTime as string | undefined;
    const finished = conditionOf(job, 'Complete') ?? conditionOf(job, 'Failed');
    const completions = spec.completions === undefined || spec.completions === null ? undefined : Number(spec.completions);
    const active = pods.filter(isActive);
    if (!finished) {
      if (suspended) {
        for (const pod of active) this.suspendedPods.add(pod.metadata.uid!);
        if (active.length) this.deletePods(job, active);
        if (!conditionOf(job, 'Suspended')) {
          add(condition('Suspended', 'JobSuspended', 'Job suspended'));
          this.events.record(source, job, { type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
        }
        startTime = undefined;
        this.started.delete(job.metadata.uid!);
      } else {
        if (conditionOf(job, 'Suspended')) {
          add(condition('Suspended', 'JobResumed', 'Job resumed', 'False'));
          this.events.record(source, job, { type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
        }
        if (!startTime) {
          startTime = formatTime(now);
          this.started.set(job.metadata.uid!, now);
        }
      }
      const failure = suspended ? undefined : this.failure(job, failed, active, startTime);
      const complete = completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= completions;
      if (failure) {
        if (!conditions.some((c) => c.type === 'FailureTarget')) {
          add(condition('FailureTarget', failure.reason, failure.message));
          this.events.record(source, job, { type: 'Warning', reason: failure.reason, message: failure.message });
        }
        this.deletePods(job, active);
      } else if (complete) {
        if (!conditions.some((c) => c.type === 'SuccessCriteriaMet')) add(condition('SuccessCriteriaMet', 'CompletionsReached', completedMessage));
        this.deletePods(job, active);
      } else if (!suspended) this.createPods(job, key, active.length, succeeded, completions);
    }
    // The final condition comes once no pod of the Job is left running or terminating.
    const remaining = this.state.store.list(podsBucket, ns).filter((p) => controllerOf(p)?.uid === job.metadata.uid && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
    const target = conditions.find((c) => c.type === 'FailureTarget' && c.status === 'True');
    const criteria = conditions.find((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
    if (!finished && remaining.length === 0 && target) add(condition('Failed', String(target.reason), String(target.message)));
    if (!finished && remaining.length === 0 && criteria && !target) {
      add(condition('Complete', 'CompletionsReached', completedMessage));
      completionTime = formatTime(now);
      this.events.record(source, job, { type: 'Normal', reason: 'Completed', message: 'Job completed' });
    }
    const current = this.state.store.list(podsBucket, ns).filter((p) => controllerOf(p)?.uid === job.metadata.uid);
    const nowActive = current.filter(isActive);
    const terminating = current.filter((p) => p.metadata.deletionTimestamp && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed').length;
    const status: Json = {
      ...(conditions.length ? { conditions } : {}),
      ...(startTime ? { startTime } : {}),
      ...(completionTime ? { completionTime } : {}),
      ...(nowActive.length ? { active: nowActive.length } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      terminating,
      uncountedTerminatedPods: {},
      ready: nowActive.filter(isReady).length,
    };
    tolerant(this.onError, `job ${key}: status`, () => writeStatus(this.objects, builtinType(this.state, 'batch', 'jobs'), job, status));
    this.scheduleWakeUp(key, job, startTime, conditions);
  }

  /** Why the Job fails now, if it does: too many failures, or past its active deadline. */
  private failure(job: KubeObject, failed: number, active: KubeObject[], startTime: string | undefined): { reason: string; message: string } | undefined {
    const spec = record(job.spec) ?? {};
    const backoffLimit = Number(spec.backoffLimit ?? 6);
    const onFailure = record(record(spec.template)?.spec)?.restartPolicy === 'OnFailure';
    const restarts = onFailure ? active.reduce((n, p) => n + restartsOf(p), 0) : 0;
    const pastLimit = failed > backoffLimit || (onFailure && (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit));
    if (pastLimit) return { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    const deadline = spec.activeDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && startTime && this.time.secondsSince(this.startOf(job, startTime)) >= Number(deadline)) {
      return { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    }
    return undefined;
  }

  /** New pods up to what is still wanted, unless pod failures ask to wait first. */
  private createPods(job: KubeObject, key: string, active: number, succeeded: number, completions: number | undefined): void {
    const spec = record(job.spec) ?? {};
    const parallelism = Number(spec.parallelism ?? 1);
    const wanted = completions === undefined ? (succeeded > 0 ? 0 : parallelism) : Math.min(parallelism, completions - succeeded);
    if (active >= wanted) return;
    const failures = Number(record(job.status)?.failed ?? 0);
    const last = this.lastFailure.get(key);
    if (failures > 0 && last) {
      const wait = Math.min(failureBackOffSeconds * 2 ** (failures - 1), maxFailureBackOffSeconds) - this.time.secondsSince(last);
      if (wait > 0) {
        this.wakeUp(key, wait);
        return;
      }
    }
    const ns = job.metadata.namespace!;
    const owner = controllerReference(job, 'batch/v1', 'Job');
    for (let i = active; i < wanted; i++) {
      tolerant(this.onError, `job ${key}: creating a pod`, () => {
        const pod = podFromTemplate(spec.template, owner, ns, `${job.metadata.name}-`, [trackingFinalizer]);
        const created = this.objects.create(builtinType(this.state, '', 'pods'), ns, pod, { internal: true, fieldManager: controllerManager }).object;
        this.events.record(source, job, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name}` });
      });
    }
  }

  private deletePods(job: KubeObject, pods: KubeObject[]): void {
    for (const pod of pods) {
      tolerant(this.onError, `job ${job.metadata.name}: deleting ${pod.metadata.name}`, () => {
        this.deleter.delete(builtinType(this.state, '', 'pods'), pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
        this.events.record(source, job, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}` });
      });
    }
  }

  /** Removes the tracking finalizer: the pod's end has been counted (or its Job is gone). */
  private releasePod(pod: KubeObject): void {
    const current = this.state.store.get(podsBucket, objectKey(pod.metadata.namespace, pod.metadata.name!));
    if (!current || current.metadata.uid !== pod.metadata.uid || !hasFinalizer(current)) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== trackingFinalizer);
    tolerant(this.onError, `job pod ${pod.metadata.name}: finalizer`, () => writeObject(this.objects, builtinType(this.state, '', 'pods'), { ...current, metadata: { ...current.metadata, finalizers } }));
  }

  /** The next moment the Job needs looking at without any write: its active deadline, or its TTL once finished. */
  private scheduleWakeUp(key: string, job: KubeObject, startTime: string | undefined, conditions: Json[]): void {
    const spec = record(job.spec) ?? {};
    const finished = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (finished) {
      const ttl = spec.ttlSecondsAfterFinished;
      if (ttl === undefined || ttl === null) return;
      const left = Number(ttl) - this.time.secondsSince(new Date(String(finished.lastTransitionTime)));
      this.wakeUps.get(key)?.();
      this.wakeUps.set(key, this.time.after(Math.max(left, 0), () => this.expire(key, job.metadata.uid!)));
      return;
    }
    const deadline = spec.activeDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && startTime && !this.wakeUps.has(key)) {
      this.wakeUp(key, Number(deadline) - this.time.secondsSince(this.startOf(job, startTime)));
    }
  }

  private startOf(job: KubeObject, startTime: string): Date {
    return this.started.get(job.metadata.uid!) ?? new Date(startTime);
  }

  private wakeUp(key: string, seconds: number): void {
    this.wakeUps.get(key)?.();
    this.wakeUps.set(
      key,
      this.time.after(Math.max(seconds, 0), () => {
        this.wakeUps.delete(key);
        this.queue.add(key);
      }),
    );
  }

  /** The TTL-after-finished controller: the finished Job goes, its pods with it (foreground). */
  private expire(key: string, uid: string): void {
    this.wakeUps.delete(key);
    const job = this.state.store.get(jobsBucket, key);
    if (!job || job.metadata.uid !== uid) return;
    tolerant(this.onError, `job ${key}: ttl`, () =>
      this.deleter.delete(builtinType(this.state, 'batch', 'jobs'), job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Foreground', preconditions: { uid } }),
    );
  }
}
