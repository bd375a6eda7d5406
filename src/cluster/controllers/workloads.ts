import type { Deleter } from '../deletion.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject } from '../resource-type.ts';
import type { ClusterState } from '../state.ts';
import type { ChangeEvent } from '../store.ts';
import { DeploymentController } from './deployment-controller.ts';
import { EventRecorder } from './event-recorder.ts';
import { JobController } from './job-controller.ts';
import { Kubelet } from './kubelet.ts';
import type { PodLogAnswer } from './pod-runtime/pod-log-request.ts';
import type { QueuedController } from './queued-controller.ts';
import { ReplicaSetController } from './replicaset-controller.ts';
import { Scheduler } from './scheduler.ts';
import { TimeScale } from './time-scale.ts';

/**
 * What makes pods run in the embedded cluster: the scheduler, the simulated
 * kubelet of the node, and the workload controllers of kube-controller-manager,
 * all on one time scale.
 */
export class Workloads {
  readonly time: TimeScale;
  private readonly kubelet: Kubelet;
  private readonly controllers: QueuedController[];

  constructor(state: ClusterState, objects: ObjectApi, deleter: Deleter, timeScale: number, onError: (what: string, error: unknown) => void) {
    this.time = new TimeScale(timeScale, () => state.now());
    const events = new EventRecorder(state, objects, onError);
    this.kubelet = new Kubelet(state, objects, deleter, this.time, events, onError);
    const parts = { state, objects, deleter, events, time: this.time, onError };
    this.controllers = [
      new Scheduler(state, objects, events, onError),
      this.kubelet,
      new ReplicaSetController(parts),
      new DeploymentController(parts),
      new JobController(parts),
    ];
  }

  observe(event: ChangeEvent): void {
    for (const controller of this.controllers) controller.observe(event);
  }

  async idle(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.idle()));
  }

  get busy(): boolean {
    return this.controllers.some((c) => c.busy);
  }

  stop(): void {
    this.time.stop();
    for (const controller of this.controllers) controller.stop();
  }

  /** `GET pods/{name}/log`. */
  podLog(pod: KubeObject, query: URLSearchParams): PodLogAnswer {
    return this.kubelet.podLog(pod, query);
  }
}
