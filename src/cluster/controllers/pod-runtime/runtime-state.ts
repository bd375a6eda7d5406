/**
 * What the simulated container runtime knows about a pod: its sandbox and,
 * for each container, every run (attempt) so far. The pod's status is
 * computed from this, as the kubelet computes it from the runtime's.
 */

/** One attempt of a container: created, started, maybe finished. */
export interface ContainerRun {
  /** 64 hex digits; the status shows `containerd://<id>`. */
  id: string;
  /** 0 for the first run; the status' restartCount is the latest run's attempt. */
  attempt: number;
  /** The reference as the runtime reports it (fully qualified). */
  image: string;
  imageID: string;
  startedAt: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** `Completed` (exit 0) or `Error`. */
  reason?: string;
  /** The termination message (`FallbackToLogsOnError`: the end of the log). */
  message?: string;
  /** Readiness as probes would report it. */
  ready: boolean;
  /** Whether the startup probe (if any) has passed. */
  started: boolean;
}

/** A container of the pod across its runs. */
export interface ContainerRuntime {
  name: string;
  runs: ContainerRun[];
  /** Why the kubelet is not (re)starting it now, e.g. `CrashLoopBackOff`; cleared when it starts. */
  waiting?: { reason: string; message: string };
}

/** The pod as the node sees it. */
export interface PodRuntime {
  /** The sandbox (network namespace) exists: `PodReadyToStartContainers`. */
  sandboxReady: boolean;
  podIP?: string;
  /** When the kubelet admitted the pod. */
  startTime: Date;
  initContainers: ContainerRuntime[];
  containers: ContainerRuntime[];
  /** No container will run again: the pod is finished or was deleted (the kubelet's "pod is terminal"). */
  terminal: boolean;
  /** `status.reason`/`message` the kubelet sets for the whole pod (e.g. `DeadlineExceeded`). */
  reason?: string;
  message?: string;
}

/** The latest run of a container, if it ran. */
export function latestRun(container: ContainerRuntime): ContainerRun | undefined {
  return container.runs[container.runs.length - 1];
}

/** A run that has not finished. */
export function isRunning(run: ContainerRun | undefined): boolean {
  return run !== undefined && run.finishedAt === undefined;
}
