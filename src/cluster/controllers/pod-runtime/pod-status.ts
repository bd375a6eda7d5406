import { record, records } from '../../builtins/define.ts';
import type { KubeObject } from '../../resource-type.ts';
import { formatTime } from '../../state.ts';
import { isRunning, latestRun, type ContainerRun, type ContainerRuntime, type PodRuntime } from './runtime-state.ts';

/**
 * The pod status a kubelet 1.32 writes, computed from the simulated runtime:
 * phase, the kubelet's conditions, container statuses with their states,
 * IPs and start time (the rules of the kubelet's `generateAPIPodStatus`,
 * `getPhase` and `status/generate.go`).
 */

type Json = Record<string, unknown>;
type Condition = { type: string; status: string; lastProbeTime: null; lastTransitionTime: string; reason?: string; message?: string };

/** The conditions the kubelet owns; every other condition in the status is kept as it is. */
const kubeletConditions = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

/** An init container with `restartPolicy: Always` is a sidecar: it keeps running beside the regular containers. */
export function isSidecar(container: Json): boolean {
  return container.restartPolicy === 'Always';
}

/** Go's `%s` of a string slice: `[a b]`. */
function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

function terminatedState(run: ContainerRun): Json {
  return {
    terminated: {
      exitCode: run.exitCode,
      reason: run.reason,
      ...(run.message ? { message: run.message } : {}),
      startedAt: formatTime(run.startedAt),
      finishedAt: formatTime(run.finishedAt!),
      containerID: `containerd://${run.id}`,
    },
  };
}

/** The mounts a 1.32 kubelet reports with a container that ran. */
function volumeMounts(spec: Json): Json[] {
  return records(spec.volumeMounts).map((m) => ({
    name: m.name,
    mountPath: m.mountPath,
    ...(m.readOnly === true ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
  }));
}

/** One entry of `containerStatuses` or `initContainerStatuses`. */
function containerStatus(spec: Json, container: ContainerRuntime, regularInit: boolean, defaultWaiting: string): Json {
  const latest = latestRun(container);
  if (!latest) {
    const waiting = container.waiting ?? { reason: defaultWaiting, message: '' };
    return {
      name: container.name,
      state: { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: spec.image,
      imageID: '',
      started: false,
    };
  }
  const previous = container.runs[container.runs.length - 2];
  const running = isRunning(latest);
  let state: Json;
  let lastState: Json = previous ? terminatedState(previous) : {};
  if (running) state = { running: { startedAt: formatTime(latest.startedAt) } };
  else if (container.waiting) {
    state = { waiting: { reason: container.waiting.reason, message: container.waiting.message } };
    lastState = terminatedState(latest);
  } else state = terminatedState(latest);
  // A regular init container is "ready" once it completed; the others while they run and their probes pass.
  const ready = regularInit ? !running && latest.exitCode === 0 : running && latest.started && latest.ready;
  const mounts = volumeMounts(spec);
  return {
    name: container.name,
    state,
    lastState,
    ready,
    restartCount: latest.attempt,
    image: latest.image,
    imageID: latest.imageID,
    containerID: `containerd://${latest.id}`,
    started: running && (regularInit || latest.started),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
  };
}

const stateOf = (status: Json) => record(status.state) ?? {};
const lastTerminated = (status: Json) => record(record(status.lastState)?.terminated);

/** Whether any regular container is running or has terminated (the pod has been initialised before). */
function anyRegularContainerStarted(statuses: Json[]): boolean {
  return statuses.some((s) => stateOf(s).running !== undefined || stateOf(s).terminated !== undefined);
}

/** The kubelet's `getPhase`. */
export function podPhase(spec: Json, initStatuses: Json[], statuses: Json[], terminal: boolean): string {
  const restartPolicy = spec.restartPolicy ?? 'Always';
  let pendingInitialization = 0;
  let failedInitialization = 0;
  records(spec.initContainers).forEach((container, i) => {
    if (isSidecar(container)) return;
    const status = initStatuses[i];
    const { running, terminated, waiting } = stateOf(status) as { running?: Json; terminated?: Json; waiting?: Json };
    if (running) pendingInitialization++;
    else if (terminated) {
      if (terminated.exitCode !== 0) failedInitialization++;
    } else if (waiting) {
      const last = lastTerminated(status);
      if (last) {
        if (last.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  });
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  let pendingSidecars = 0;
  // Sidecars count while they run (or wait to run for the first time); stopped ones do not count.
  records(spec.initContainers).forEach((container, i) => {
    if (!isSidecar(container)) return;
    const status = initStatuses[i];
    const state = stateOf(status);
    if (state.running) {
      if (status.started !== true) pendingSidecars++;
      running++;
    } else if (!state.terminated && !lastTerminated(status)) {
      pendingSidecars++;
      waiting++;
    }
  });
  for (const status of statuses) {
    const state = stateOf(status) as { running?: Json; terminated?: Json; waiting?: Json };
    if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (lastTerminated(status)) stopped++;
    else waiting++;
  }
  if (failedInitialization > 0 && restartPolicy === 'Never') return 'Failed';
  if ((pendingInitialization + pendingSidecars > 0 && !anyRegularContainerStarted(statuses)) || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function terminalReason(phase: string): string | undefined {
  if (phase === 'Succeeded') return 'PodCompleted';
  if (phase === 'Failed') return 'PodFailed';
  return undefined;
}

type Generated = { status: string; reason?: string; message?: string };

function initializedCondition(spec: Json, initStatuses: Json[], statuses: Json[], phase: string): Generated {
  const incomplete: string[] = [];
  records(spec.initContainers).forEach((container, i) => {
    const status = initStatuses[i];
    const complete = isSidecar(container) ? status.started === true : status.ready === true;
    if (!complete) incomplete.push(String(container.name));
  });
  if (phase === 'Succeeded') return { status: 'True', reason: 'PodCompleted' };
  if (anyRegularContainerStarted(statuses)) return { status: 'True' };
  if (incomplete.length) return { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${goList(incomplete)}` };
  return { status: 'True' };
}

function containersReadyCondition(spec: Json, initStatuses: Json[], statuses: Json[], phase: string): Generated {
  const unready: string[] = [];
  records(spec.initContainers).forEach((container, i) => {
    if (isSidecar(container) && initStatuses[i].ready !== true) unready.push(String(container.name));
  });
  for (const status of statuses) if (status.ready !== true) unready.push(String(status.name));
  const terminal = terminalReason(phase);
  if (terminal) return { status: 'False', reason: terminal };
  if (unready.length) return { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${goList(unready)}` };
  return { status: 'True' };
}

function readyCondition(spec: Json, containersReady: Generated, conditions: Json[]): Generated {
  if (containersReady.status !== 'True') return containersReady;
  const unready: string[] = [];
  for (const gate of records(spec.readinessGates)) {
    const found = conditions.find((c) => c.type === gate.conditionType);
    if (!found) unready.push(`corresponding condition of pod readiness gate ${JSON.stringify(gate.conditionType)} does not exist.`);
    else if (found.status !== 'True') unready.push(`the status of pod readiness gate ${JSON.stringify(gate.conditionType)} is not "True", but ${found.status}`);
  }
  if (unready.length) return { status: 'False', reason: 'ReadinessGatesNotReady', message: unready.join(', ') };
  return { status: 'True' };
}

/** A condition with its transition time kept from the previous status while its status stays the same. */
function withTransition(type: string, generated: Generated, old: Json[], now: string): Condition {
  const previous = old.find((c) => c.type === type);
  const lastTransitionTime = previous && previous.status === generated.status && typeof previous.lastTransitionTime === 'string' ? previous.lastTransitionTime : now;
  return {
    type,
    status: generated.status,
    lastProbeTime: null,
    lastTransitionTime,
    ...(generated.reason ? { reason: generated.reason } : {}),
    ...(generated.message ? { message: generated.message } : {}),
  };
}

/** Where the pod runs. */
export interface NodeAddresses {
  hostIP: string;
}

/** The status the kubelet writes for a pod in the given runtime state, at time `now`. */
export function podStatus(pod: KubeObject, runtime: PodRuntime, node: NodeAddresses, now: Date): Json {
  const spec = record(pod.spec) ?? {};
  const old = record(pod.status) ?? {};
  const oldConditions = records(old.conditions);
  const defaultWaiting = records(spec.initContainers).length > 0 ? 'PodInitializing' : 'ContainerCreating';
  const initStatuses = records(spec.initContainers).map((c, i) => containerStatus(c, runtime.initContainers[i], !isSidecar(c), defaultWaiting));
  const statuses = records(spec.containers).map((c, i) => containerStatus(c, runtime.containers[i], false, defaultWaiting));
  const phase = podPhase(spec, initStatuses, statuses, runtime.terminal);
  const time = formatTime(now);
  const containersReady = containersReadyCondition(spec, initStatuses, statuses, phase);
  const conditions: Json[] = [
    withTransition('PodReadyToStartContainers', { status: runtime.sandboxReady ? 'True' : 'False' }, oldConditions, time),
    withTransition('Initialized', initializedCondition(spec, initStatuses, statuses, phase), oldConditions, time),
    withTransition('Ready', readyCondition(spec, containersReady, oldConditions), oldConditions, time),
    withTransition('ContainersReady', containersReady, oldConditions, time),
    withTransition('PodScheduled', { status: 'True' }, oldConditions, time),
    ...oldConditions.filter((c) => !kubeletConditions.has(String(c.type)) && c.type !== 'PodScheduled'),
  ];
  return {
    phase,
    conditions,
    ...(runtime.message ? { message: runtime.message } : {}),
    ...(runtime.reason ? { reason: runtime.reason } : {}),
    ...(old.nominatedNodeName ? { nominatedNodeName: old.nominatedNodeName } : {}),
    hostIP: node.hostIP,
    hostIPs: [{ ip: node.hostIP }],
    ...(runtime.podIP ? { podIP: runtime.podIP, podIPs: [{ ip: runtime.podIP }] } : {}),
    startTime: formatTime(runtime.startTime),
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    ...(old.qosClass ? { qosClass: old.qosClass } : {}),
  };
}
