/**
 * What the workload controllers of kube-controller-manager (ReplicaSets, Deployments, Jobs) are made of:
 * the cluster they act on, how they write to it, their Events and their clock.
 */
import type { Deleter } from '../deletion.ts';
import type { ObjectApi } from '../objects.ts';
import type { ClusterState } from '../state.ts';
import type { EventRecorder } from './event-recorder.ts';
import { QueuedController } from './queued-controller.ts';
import type { TimeScale } from './time-scale.ts';

/** The parts every workload controller is given. */
export interface WorkloadParts {
  readonly state: ClusterState;
  readonly objects: ObjectApi;
  readonly deleter: Deleter;
  readonly events: EventRecorder;
  readonly time: TimeScale;
  readonly onError: (what: string, error: unknown) => void;
}

export abstract class WorkloadController extends QueuedController {
  protected readonly state: ClusterState;
  protected readonly objects: ObjectApi;
  protected readonly deleter: Deleter;
  protected readonly events: EventRecorder;
  protected readonly time: TimeScale;
  protected readonly onError: (what: string, error: unknown) => void;

  /** `name` starts its error reports: `job controller: ns/name`. */
  constructor(name: string, parts: WorkloadParts) {
    super((key) => `${name}: ${key}`, parts.onError);
    ({ state: this.state, objects: this.objects, deleter: this.deleter, events: this.events, time: this.time, onError: this.onError } = parts);
  }
}
