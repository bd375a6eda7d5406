import { randomBytes } from 'node:crypto';
import { record, records } from '../../builtins/define.ts';
import type { KubeObject } from '../../resource-type.ts';
import { containerProgram } from '../container-commands.ts';
import { ContainerProcess } from '../container-process.ts';
import type { EventRecord } from '../event-recorder.ts';
import type { TimeScale } from '../time-scale.ts';
import type { ContainerLog, ContainerLogs } from './container-logs.ts';
import { containerEnvironment, type SourceLookup } from './container-env.ts';
import type { CrashBackOff } from './crash-backoff.ts';
import { goDuration } from './go-duration.ts';
import { imageIdOf, imageSizeOf, normalizeImage, type ImageStore } from './images.ts';
import { isSidecar, podStatus } from './pod-status.ts';
import { isRunning, latestRun, type ContainerRun, type ContainerRuntime, type PodRuntime } from './runtime-state.ts';

type Json = Record<string, unknown>;

/** What a pod worker needs from its node. */
export interface PodWorkerHost {
  time: TimeScale;
  node: { name: string; hostIP: string };
  images: ImageStore;
  backOff: CrashBackOff;
  logs: ContainerLogs;
  allocateIP(): string;
  releaseIP(ip: string): void;
  /** The pod as stored now, if it is still the same pod (same uid). */
  currentPod(key: string, uid: string): KubeObject | undefined;
  lookup(namespace: string): SourceLookup;
  /** Writes the pod's status through `/status`, as the kubelet's status manager does. */
  writeStatus(pod: KubeObject, status: Json): void;
  /** The kubelet's final delete (grace 0, uid precondition) of a pod whose containers have all stopped. */
  deletePod(pod: KubeObject): void;
  event(pod: KubeObject, event: EventRecord): void;
}

/** Simulated seconds from admission to the sandbox (the pod's network namespace) being ready. */
const sandboxSeconds = 0.2;
/** Simulated seconds until the kubelet notices a container exited and acts (PLEG's relist period). */
const relistSeconds = 1;
/** Simulated seconds between attempts to create a container whose configuration is incomplete. */
const configRetrySeconds = 10;
/** The kubelet never kills a container with less grace than this. */
const minimumGraceSeconds = 2;
/** The termination message taken from the log: at most this many lines and bytes (upstream's limits). */
const fallbackLines = 80;
const fallbackBytes = 2048;

function randomContainerId(): string {
  return randomBytes(32).toString('hex');
}

/** `name_namespace(uid)`: how the kubelet names a pod in messages. */
function podRef(pod: KubeObject): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** The end of a log, as the kubelet reads it for `terminationMessagePolicy: FallbackToLogsOnError`. */
function logTail(log: ContainerLog): string {
  const text = log.lines.slice(-fallbackLines).map((l) => `${l.text}${l.complete ? '\n' : ''}`).join('');
  return Buffer.byteLength(text) <= fallbackBytes ? text : Buffer.from(text).subarray(-fallbackBytes).toString();
}

/** Containers being stopped: the kill deadline, and what follows once none runs. */
interface Stopping {
  deadline: Date;
  cancelKill: () => void;
  then: () => void;
  done: boolean;
}

/** One container of the pod: its spec, its runtime record, and where it sits in the spec. */
interface Slot {
  spec: Json;
  runtime: ContainerRuntime;
  init: boolean;
}

/**
 * The simulated kubelet's work for one pod, from admission to its end: the
 * sandbox, init containers one after the other, then the containers, each
 * pulled, created and started, run by the interpreter, restarted per the
 * restart policy with the crash-loop back-off; and graceful termination when
 * the pod is deleted. Every change is reflected in the pod's status.
 */
export class PodWorker {
  private readonly runtime: PodRuntime;
  private readonly slots: Slot[];
  private readonly processes = new Map<string, ContainerProcess>();
  /** Containers with a start or restart under way (pulling, backing off, retrying): not started again meanwhile. */
  private readonly pending = new Map<string, () => void>();
  private readonly timers = new Set<() => void>();
  private admitted = false;
  private stopped = false;
  private cancelSandbox?: () => void;
  /** Containers are being stopped (the pod finished with sidecars left, or is being deleted). */
  private stopping?: Stopping;
  private deleted = false;

  constructor(
    private readonly host: PodWorkerHost,
    private readonly key: string,
    readonly uid: string,
    pod: KubeObject,
  ) {
    const spec = record(pod.spec) ?? {};
    const runtimeOf = (c: Json): ContainerRuntime => ({ name: String(c.name), runs: [] });
    this.runtime = {
      sandboxReady: false,
      startTime: host.time.now(),
      initContainers: records(spec.initContainers).map(runtimeOf),
      containers: records(spec.containers).map(runtimeOf),
      terminal: false,
    };
    this.slots = [
      ...records(spec.initContainers).map((c, i) => ({ spec: c, runtime: this.runtime.initContainers[i], init: true })),
      ...records(spec.containers).map((c, i) => ({ spec: c, runtime: this.runtime.containers[i], init: false })),
    ];
  }

  /** Reacts to the stored pod: admits it the first time, terminates it once it is being deleted. */
  sync(pod: KubeObject): void {
    if (this.stopped) return;
    if (pod.metadata.deletionTimestamp) {
      this.terminate(pod);
      return;
    }
    if (this.admitted) return;
    this.admitted = true;
    this.flush();
    this.cancelSandbox = this.after(sandboxSeconds, () => {
      this.runtime.podIP = this.host.allocateIP();
      this.runtime.sandboxReady = true;
      this.advance();
    });
  }

  /** The pod is gone: everything stops at once, without further writes. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    for (const process of this.processes.values()) process.kill();
    this.processes.clear();
    if (this.runtime.podIP) this.host.releaseIP(this.runtime.podIP);
    this.host.logs.remove(this.slots.flatMap((s) => s.runtime.runs.map((r) => r.id)));
    this.host.backOff.forget(`${this.uid}/`);
  }

  /** Runs `action` after a simulated delay unless the worker stops first. */
  private after(seconds: number, action: () => void): () => void {
    const cancel = this.host.time.after(seconds, () => {
      this.timers.delete(cancel);
      if (!this.stopped) action();
    });
    this.timers.add(cancel);
    return () => {
      cancel();
      this.timers.delete(cancel);
    };
  }

  private pod(): KubeObject | undefined {
    return this.host.currentPod(this.key, this.uid);
  }

  /** Writes the status the runtime's state implies. */
  private flush(): void {
    const pod = this.pod();
    if (!pod || this.stopped) return;
    this.host.writeStatus(pod, podStatus(pod, this.runtime, this.host.node, this.host.time.now()));
  }

  private event(event: EventRecord): void {
    const pod = this.pod();
    if (pod) this.host.event(pod, event);
  }

  private fieldPath(slot: Slot): string {
    return `spec.${slot.init ? 'initContainers' : 'containers'}{${slot.runtime.name}}`;
  }

  private restartPolicy(): string {
    return String(record(this.pod()?.spec)?.restartPolicy ?? 'Always');
  }

  /**
   * What the kubelet does on each sync of a running pod: init containers in
   * order, then every container; (re)starts what should run; notices when
   * the pod has finished.
   */
  private advance(): void {
    if (this.stopped || this.runtime.terminal || this.stopping) return;
    const policy = this.restartPolicy();
    for (const slot of this.slots.filter((s) => s.init)) {
      const run = latestRun(slot.runtime);
      if (this.pending.has(slot.runtime.name)) return this.flush();
      if (!run) return this.startAndFlush(slot);
      if (isSidecar(slot.spec)) {
        if (!isRunning(run)) return this.restartAndFlush(slot);
        if (!run.started) return this.flush();
        continue;
      }
      if (isRunning(run)) return this.flush();
      if (run.exitCode === 0) continue;
      if (policy === 'Never') return this.finish();
      return this.restartAndFlush(slot);
    }
    let done = true;
    for (const slot of this.slots.filter((s) => !s.init)) {
      const run = latestRun(slot.runtime);
      if (this.pending.has(slot.runtime.name)) {
        done = false;
        continue;
      }
      if (!run) {
        this.start(slot);
        done = false;
      } else if (isRunning(run)) done = false;
      else if (policy === 'Always' || (policy === 'OnFailure' && run.exitCode !== 0)) {
        this.restart(slot);
        done = false;
      }
    }
    // Sidecars that stop while the pod runs are restarted, whatever the pod's policy.
    if (!done) {
      for (const slot of this.slots.filter((s) => s.init && isSidecar(s.spec))) {
        if (!isRunning(latestRun(slot.runtime)) && !this.pending.has(slot.runtime.name)) this.restart(slot);
      }
    }
    if (done) return this.finish();
    this.flush();
  }

  private startAndFlush(slot: Slot): void {
    this.start(slot);
    this.flush();
  }

  private restartAndFlush(slot: Slot): void {
    this.restart(slot);
    this.flush();
  }

  /** Restarts a container that exited, unless its crash-loop back-off makes it wait. */
  private restart(slot: Slot): void {
    const run = latestRun(slot.runtime)!;
    const key = `${this.uid}/${slot.runtime.name}`;
    const backOff = this.host.backOff;
    if (backOff.waiting(key, run.finishedAt!)) {
      const pod = this.pod()!;
      slot.runtime.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(backOff.current(key))} restarting failed container=${slot.runtime.name} pod=${podRef(pod)}`,
      };
      this.event({ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${slot.runtime.name} in pod ${podRef(pod)}`, fieldPath: this.fieldPath(slot) });
      this.schedule(slot, Math.max(this.host.time.secondsUntil(backOff.endsAt(key, run.finishedAt!)), 0), () => this.advance());
      return;
    }
    backOff.restarted(key, run.finishedAt!);
    this.start(slot);
  }

  /** Marks a container as having a start under way, to continue after a simulated delay. */
  private schedule(slot: Slot, seconds: number, then: () => void): void {
    const name = slot.runtime.name;
    const cancel = this.after(seconds, () => {
      this.pending.delete(name);
      then();
    });
    this.pending.set(name, cancel);
  }

  /** Pulls the image if the policy asks for it, then creates and starts the container. */
  private start(slot: Slot): void {
    const image = String(slot.spec.image);
    const pullSeconds = this.host.images.pullSeconds(image, slot.spec.imagePullPolicy as string | undefined);
    const fieldPath = this.fieldPath(slot);
    if (pullSeconds === 0) {
      this.event({ type: 'Normal', reason: 'Pulled', message: `Container image ${JSON.stringify(image)} already present on machine`, fieldPath });
      this.create(slot);
      return;
    }
    this.event({ type: 'Normal', reason: 'Pulling', message: `Pulling image ${JSON.stringify(image)}`, fieldPath });
    this.schedule(slot, pullSeconds, () => {
      this.host.images.add(image);
      const took = goDuration(pullSeconds);
      this.event({ type: 'Normal', reason: 'Pulled', message: `Successfully pulled image ${JSON.stringify(image)} in ${took} (${took} including waiting). Image size: ${imageSizeOf(image)} bytes.`, fieldPath });
      this.create(slot);
      this.flush();
    });
  }

  /** Creates and starts a run of the container; a missing ConfigMap or Secret holds it back (`CreateContainerConfigError`). */
  private create(slot: Slot): void {
    const pod = this.pod();
    if (!pod || this.stopping) return;
    const fieldPath = this.fieldPath(slot);
    const environment = containerEnvironment(pod, slot.spec, this.host.lookup(pod.metadata.namespace!));
    if ('error' in environment) {
      slot.runtime.waiting = { reason: 'CreateContainerConfigError', message: environment.error };
      this.event({ type: 'Warning', reason: 'Failed', message: `Error: ${environment.error}`, fieldPath });
      this.schedule(slot, configRetrySeconds, () => this.advance());
      return;
    }
    const previous = latestRun(slot.runtime);
    const image = String(slot.spec.image);
    const run: ContainerRun = {
      id: randomContainerId(),
      attempt: previous ? previous.attempt + 1 : 0,
      image: normalizeImage(image),
      imageID: imageIdOf(image),
      startedAt: this.host.time.now(),
      ready: !record(slot.spec.readinessProbe),
      started: !record(slot.spec.startupProbe),
    };
    slot.runtime.runs.push(run);
    slot.runtime.waiting = undefined;
    // The runtime keeps one dead run per container besides the current one (the kubelet's container GC).
    if (slot.runtime.runs.length > 2) this.host.logs.remove(slot.runtime.runs.splice(0, slot.runtime.runs.length - 2).map((r) => r.id));
    this.event({ type: 'Normal', reason: 'Created', message: `Created container: ${slot.runtime.name}`, fieldPath });
    this.event({ type: 'Normal', reason: 'Started', message: `Started container ${slot.runtime.name}`, fieldPath });
    const log = this.host.logs.open(run.id);
    const env = environment.env;
    const process = new ContainerProcess(containerProgram(slot.spec.command as string[] | undefined, slot.spec.args as string[] | undefined, env), env, this.host.time, {
      output: (text) => log.append(text, this.host.time.now()),
      exited: (code) => this.exited(slot, run, log, code),
    });
    this.processes.set(slot.runtime.name, process);
    process.start();
    this.probe(slot, run);
    // The next init container waits for a sidecar to have started; without a startup probe that is now.
    if (slot.init && run.started) this.after(0, () => this.advance());
  }

  /** Probes always succeed here: startup after its initial delay, readiness after that plus its own. */
  private probe(slot: Slot, run: ContainerRun): void {
    const delay = (probe: unknown) => Number(record(probe)?.initialDelaySeconds ?? 0);
    const startupDelay = run.started ? 0 : delay(slot.spec.startupProbe);
    const readyDelay = startupDelay + (run.ready ? 0 : delay(slot.spec.readinessProbe));
    const mark = (field: 'started' | 'ready', seconds: number) => {
      if (run[field]) return;
      this.after(seconds, () => {
        if (!isRunning(run)) return;
        run[field] = true;
        this.flush();
        if (field === 'started' && slot.init) this.advance();
      });
    };
    mark('started', startupDelay);
    mark('ready', readyDelay);
  }

  private exited(slot: Slot, run: ContainerRun, log: ContainerLog, code: number): void {
    run.finishedAt = this.host.time.now();
    run.exitCode = code;
    run.reason = code === 0 ? 'Completed' : 'Error';
    if (code !== 0 && slot.spec.terminationMessagePolicy === 'FallbackToLogsOnError') run.message = logTail(log) || undefined;
    log.end();
    this.processes.delete(slot.runtime.name);
    if (this.stopped) return;
    this.flush();
    if (this.stopping) {
      if (this.processes.size === 0) this.allStopped();
      return;
    }
    this.after(relistSeconds, () => this.advance());
  }

  /**
   * Stops every running container — SIGTERM (interpreted programs, as PID 1,
   * ignore it), SIGKILL once the grace period is over — then calls `then`. A
   * later call replaces `then` and may only bring the kill forward.
   */
  private stopContainers(graceSeconds: number, then: () => void): void {
    const grace = Math.max(graceSeconds, minimumGraceSeconds);
    const deadline = this.host.time.later(this.host.time.now(), grace);
    if (this.stopping) {
      this.stopping.then = then;
      if (deadline < this.stopping.deadline) {
        this.stopping.cancelKill();
        this.stopping.deadline = deadline;
        this.stopping.cancelKill = this.after(grace, () => this.killAll());
      }
      return;
    }
    for (const cancel of this.pending.values()) cancel();
    this.pending.clear();
    this.stopping = { deadline, cancelKill: () => {}, then, done: false };
    for (const name of this.processes.keys()) {
      const slot = this.slots.find((s) => s.runtime.name === name)!;
      this.event({ type: 'Normal', reason: 'Killing', message: `Stopping container ${name}`, fieldPath: this.fieldPath(slot) });
    }
    for (const process of [...this.processes.values()]) process.terminate();
    if (this.processes.size === 0) {
      this.allStopped();
      return;
    }
    this.stopping.cancelKill = this.after(grace, () => this.killAll());
  }

  private killAll(): void {
    for (const process of [...this.processes.values()]) process.kill();
  }

  private allStopped(): void {
    const stopping = this.stopping;
    if (!stopping || stopping.done) return;
    stopping.done = true;
    stopping.cancelKill();
    stopping.then();
  }

  /** The pod has run to its end: remaining sidecars are stopped, then the sandbox goes and the phase is final. */
  private finish(): void {
    const grace = Number(record(this.pod()?.spec)?.terminationGracePeriodSeconds ?? 30);
    this.stopContainers(grace, () => this.markTerminal());
  }

  private markTerminal(): void {
    if (this.runtime.terminal) return;
    this.runtime.terminal = true;
    this.runtime.sandboxReady = false;
    this.flush();
  }

  /** The pod is being deleted: its containers stop within the grace period, then the kubelet deletes it for good. */
  private terminate(pod: KubeObject): void {
    this.cancelSandbox?.();
    for (const slot of this.slots) slot.runtime.waiting = undefined;
    const complete = () => {
      this.markTerminal();
      if (this.deleted) return;
      this.deleted = true;
      const current = this.pod();
      if (current) this.host.deletePod(current);
    };
    if (this.stopping?.done) {
      complete();
      return;
    }
    this.stopContainers(Number(pod.metadata.deletionGracePeriodSeconds ?? 30), complete);
  }
}
