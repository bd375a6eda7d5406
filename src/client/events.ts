/**
 * Kubernetes Events about objects, as Kopf posts them: core/v1 Events with
 * `eventTime`, reporting component `kopf`, an action, both legacy timestamps
 * and `generateName: kopf-event-` — the shape kube-apiserver 1.32 validates
 * (apiserver-spec §11). Events about Events are silently skipped, so posting
 * can never feed on itself.
 */
import { hostname } from 'node:os';
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { ObjectHead } from './builtin-kinds.ts';
import type { Transport } from './transport.ts';

/** What to say about an object. */
export interface EventOptions {
  /** `Normal` or `Warning` (Kopf's `exception` posts `Error`). */
  type: string;
  /** A short CamelCase reason (at most 128 characters; longer ones are cut). */
  reason: string;
  /** The text; longer than 1024 characters it is cut in the middle, as Kopf does. */
  message?: string;
  /** What was done (at most 128 characters); default `Action?` as in Kopf. */
  action?: string;
  /** `reportingComponent` and `source.component`; default `kopf`. */
  component?: string;
  /** `reportingInstance` (at most 128 characters); default the host name (the pod's name in a cluster). */
  instance?: string;
  /** `metadata.generateName`; default `kopf-event-`. */
  namePrefix?: string;
  /**
   * The namespace Events about cluster-scoped objects go to; default `default`. `Api.event()` passes the
   * connection's namespace, as Kopf does, for operators allowed to write Events in one namespace only.
   */
  defaultNamespace?: string;
  signal?: AbortSignal;
  /** `false`: no retries by the transport (a caller with retries of its own, as the operator's poster). */
  retry?: boolean;
}

/** The API's limit on an Event's message when `eventTime` is set. */
const maxMessageLength = 1024;
const maxShortField = 128;

/** Cuts a long message to the API's limit, keeping its start and end: 511 characters, `...`, 510 characters. */
export function cutMessage(message: string): string {
  if (message.length <= maxMessageLength) return message;
  const tail = maxMessageLength - 3 - 511;
  return `${message.slice(0, 511)}...${message.slice(message.length - tail)}`;
}

/** `MicroTime`: RFC 3339 in UTC with exactly six fractional digits, which the API requires. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** `Time`: RFC 3339 in UTC to the second. */
function time(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** True for core/v1 and events.k8s.io Events: objects that never get events of their own. */
export function isEventObject(object: ObjectHead): boolean {
  return object.kind === 'Event' && (object.apiVersion === 'v1' || (object.apiVersion ?? '').startsWith('events.k8s.io/'));
}

// Where the API accepts an Event (with eventTime) whose reference has no namespace (apiserver-spec §11).
const namespacesForClusterScoped = ['default', 'kube-system'];

/**
 * The Event to post about an object, or undefined for an Event. Events of
 * namespaced objects go to the object's namespace; those of cluster-scoped
 * objects go to `options.defaultNamespace` (else `default`). In `default` and
 * `kube-system` their reference has no namespace, as the object has none, so
 * `kubectl describe` finds them. The API refuses such a reference anywhere
 * else, so in any other namespace the reference names that namespace, as
 * Kopf's always does.
 */
export function buildEvent(object: ObjectHead, options: EventOptions, now: Date = new Date()): CoreEvent | undefined {
  if (isEventObject(object)) return undefined;
  const { name, namespace, uid } = object.metadata ?? {};
  if (!name || !object.kind || !object.apiVersion) throw new Error('an event needs an object with apiVersion, kind and metadata.name');
  const component = options.component ?? 'kopf';
  const eventNamespace = namespace || options.defaultNamespace || 'default';
  const referenceNamespace = namespace || (namespacesForClusterScoped.includes(eventNamespace) ? undefined : eventNamespace);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: options.namePrefix ?? 'kopf-event-', namespace: eventNamespace },
    involvedObject: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name,
      ...(uid ? { uid } : {}),
      ...(referenceNamespace ? { namespace: referenceNamespace } : {}),
    },
    type: options.type,
    reason: options.reason.slice(0, maxShortField),
    message: cutMessage(options.message ?? ''),
    action: (options.action ?? 'Action?').slice(0, maxShortField),
    reportingComponent: component,
    reportingInstance: (options.instance ?? hostname()).slice(0, maxShortField),
    source: { component },
    firstTimestamp: time(now),
    lastTimestamp: time(now),
    eventTime: microTime(now),
  };
}

/**
 * Posts an Event about an object; resolves with the created Event, or with
 * undefined when the object is itself an Event (skipped silently). A create
 * is not repeated after a response was lost, so no event is posted twice.
 */
export async function postEvent(transport: Pick<Transport, 'request'>, object: ObjectHead, options: EventOptions): Promise<CoreEvent | undefined> {
  const event = buildEvent(object, options);
  if (!event) return undefined;
  return transport.request<CoreEvent>({
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(event.metadata!.namespace!)}/events`,
    body: event,
    signal: options.signal,
    ...(options.retry === false ? { retry: false } : {}),
  });
}
