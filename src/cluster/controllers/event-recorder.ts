import { ApiError } from '../errors.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { formatMicroTime, formatTime, type ClusterState } from '../state.ts';
import { objectKey } from '../store.ts';

/** Who reports an event: `kubelet` on a node, a controller of kube-controller-manager, the scheduler. */
export interface EventSource {
  component: string;
  /** The node, for the kubelet. */
  host?: string;
}

/** One event to report about an object. */
export interface EventRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The part of the object it is about: `spec.containers{app}`. */
  fieldPath?: string;
  /**
   * Report through the events.k8s.io API (the scheduler does): the core
   * Event then has `eventTime` and `action` instead of the legacy timestamps.
   */
  action?: string;
}

const eventsBucket = '/events';
/** How many aggregation keys are remembered; older events are no longer counted up but written anew. */
const rememberedEvents = 4096;

/**
 * Writes core/v1 Events as the components of a cluster do (kubelet,
 * scheduler, workload controllers), so that `kubectl describe` and
 * `kubectl get events` tell the same story. A repeat of the same event
 * raises its `count` and `lastTimestamp` instead of adding another, as
 * client-go's recorder does.
 */
export class EventRecorder {
  /** Aggregation key → the name of the Event that holds it. */
  private readonly recent = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly state: ClusterState,
    private readonly objects: ObjectApi,
    private readonly onError: (what: string, error: unknown) => void,
  ) {}

  record(source: EventSource, involved: KubeObject, event: EventRecord): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const type = this.eventsType();
    const key = [source.component, source.host, involved.metadata.uid, event.fieldPath, event.type, event.reason, event.message].join('\u0000');
    const now = this.state.now();
    try {
      const existingName = this.recent.get(key);
      const existing = existingName ? this.state.store.get(eventsBucket, objectKey(namespace, existingName)) : undefined;
      if (existing && !event.action) {
        const { resourceVersion: _rv, ...metadata } = existing.metadata;
        this.objects.update(type, namespace, existingName!, { ...existing, metadata, count: Number(existing.count ?? 1) + 1, lastTimestamp: formatTime(now) }, { internal: true, fieldManager: source.component }, { fromPatch: true });
        return;
      }
      const name = `${involved.metadata.name}.${this.uniqueSuffix(now)}`;
      const involvedObject = {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
        ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}),
      };
      const timing = event.action
        ? {
            eventTime: formatMicroTime(now),
            action: event.action,
            reportingComponent: source.component,
            reportingInstance: `${source.component}-${source.host ?? ''}`,
            source: {},
          }
        : {
            firstTimestamp: formatTime(now),
            lastTimestamp: formatTime(now),
            count: 1,
            eventTime: null,
            reportingComponent: source.component,
            reportingInstance: source.host ?? '',
            source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
          };
      const body: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject,
        reason: event.reason,
        message: event.message,
        type: event.type,
        ...timing,
      };
      this.objects.create(type, namespace, body, { internal: true, fieldManager: source.component });
      this.recent.set(key, name);
      if (this.recent.size > rememberedEvents) this.recent.delete(this.recent.keys().next().value!);
    } catch (e) {
      // An event about an object in a namespace that is going away is lost, as upstream's would be.
      if (e instanceof ApiError && [403, 404, 409].includes(e.code)) return;
      this.onError(`event ${event.reason} for ${involved.metadata.name}`, e);
    }
  }

  /** Upstream names events `<object>.<hex of the time in ns>`; a counter keeps same-millisecond ones apart. */
  private uniqueSuffix(now: Date): string {
    return (BigInt(now.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16);
  }

  private eventsType(): ResourceType {
    return this.state.registry.find('', 'v1', 'events')!;
  }
}
