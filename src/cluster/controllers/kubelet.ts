import { nodeName } from '../bootstrap.ts';
import { record, records } from '../builtins/define.ts';
import type { Deleter } from '../deletion.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import type { ClusterState } from '../state.ts';
import { objectKey, type ChangeEvent } from '../store.ts';
import type { EventRecorder } from './event-recorder.ts';
import { ContainerLogs } from './pod-runtime/container-logs.ts';
import { CrashBackOff } from './pod-runtime/crash-backoff.ts';
import { ImageStore } from './pod-runtime/images.ts';
import { podLog, type PodLogAnswer } from './pod-runtime/pod-log-request.ts';
import { PodIps } from './pod-runtime/pod-ips.ts';
import { PodWorker, type PodWorkerHost } from './pod-runtime/pod-worker.ts';
import type { TimeScale } from './time-scale.ts';
import { QueuedController } from './queued-controller.ts';
import { tolerant } from './workload-support.ts';

const podsBucket = '/pods';

/**
 * The simulated kubelet of the cluster's node: runs every pod bound to
 * `kopf-ts-node` in a `PodWorker`, writes their status, serves their logs,
 * and finishes their deletion (the final delete with grace 0).
 */
export class Kubelet extends QueuedController {
  readonly logs = new ContainerLogs();
  private readonly workers = new Map<string, PodWorker>();
  private readonly host: PodWorkerHost;

  constructor(
    private readonly state: ClusterState,
    objects: ObjectApi,
    deleter: Deleter,
    private readonly time: TimeScale,
    events: EventRecorder,
    onError: (what: string, error: unknown) => void,
  ) {
    super((key) => `kubelet: pod ${key}`, onError);
    const ips = new PodIps();
    const podType = () => state.registry.find('', 'v1', 'pods') as ResourceType;
    this.host = {
      time,
      node: { name: nodeName, hostIP: this.hostIP() },
      images: new ImageStore(),
      backOff: new CrashBackOff(time),
      logs: this.logs,
      allocateIP: () => ips.allocate(),
      releaseIP: (ip) => ips.release(ip),
      currentPod: (key, uid) => {
        const pod = state.store.get(podsBucket, key);
        return pod?.metadata.uid === uid ? pod : undefined;
      },
      lookup: (namespace) => (kind, name) => state.store.get(kind === 'ConfigMap' ? '/configmaps' : '/secrets', objectKey(namespace, name)),
      writeStatus: (pod, status) => {
        if (JSON.stringify(pod.status) === JSON.stringify(status)) return;
        const { resourceVersion: _rv, ...metadata } = pod.metadata;
        tolerant(onError, `kubelet: status of pod ${pod.metadata.name}`, () =>
          objects.update(podType(), pod.metadata.namespace, pod.metadata.name!, { ...pod, metadata, status }, { internal: true, fieldManager: 'kubelet' }, { fromPatch: true, subresource: 'status' }),
        );
      },
      deletePod: (pod) =>
        tolerant(onError, `kubelet: deleting pod ${pod.metadata.name}`, () =>
          deleter.delete(podType(), pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }),
        ),
      event: (pod, event) => events.record({ component: 'kubelet', host: nodeName }, pod, event),
    };
  }

  override observe(event: ChangeEvent): void {
    if (event.bucket !== podsBucket) return;
    if (this.workers.has(event.key) || record(event.object.spec)?.nodeName === nodeName) this.queue.add(event.key);
  }

  override stop(): void {
    super.stop();
    for (const worker of this.workers.values()) worker.stop();
    this.workers.clear();
  }

  /** `GET pods/{name}/log` for any pod: the node's logs for the pods it runs. */
  podLog(pod: KubeObject, query: URLSearchParams): PodLogAnswer {
    return podLog(pod, query, { name: nodeName, logs: this.logs }, this.time.now());
  }

  protected override sync(key: string): void {
    const pod = this.state.store.get(podsBucket, key);
    let worker = this.workers.get(key);
    if (worker && pod?.metadata.uid !== worker.uid) {
      worker.stop();
      this.workers.delete(key);
      worker = undefined;
    }
    if (!pod || record(pod.spec)?.nodeName !== nodeName) return;
    if (!worker) {
      // A pod that finished before this kubelet saw it (none, in practice) is left as it is.
      const phase = record(pod.status)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return;
      worker = new PodWorker(this.host, key, pod.metadata.uid!, pod);
      this.workers.set(key, worker);
    }
    worker.sync(pod);
  }

  /** The node's InternalIP, where pods' `hostIP` points. */
  private hostIP(): string {
    const node = this.state.store.get('/nodes', nodeName);
    const internal = records(record(node?.status)?.addresses).find((a) => a.type === 'InternalIP');
    return String(internal?.address ?? '10.0.0.2');
  }
}
