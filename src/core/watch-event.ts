/**
 * The events a watch hands to its consumers. They are the server's watch
 * events minus the plumbing (BOOKMARK and ERROR never reach a consumer), plus
 * one marker, SYNCED, that says the initial listing is complete: from then on
 * the consumer has seen every object that existed when the watch started.
 */

/** The metadata fields the watch reads; the rest of an object passes through untouched. */
export interface WatchedMetadata {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Any Kubernetes object as JSON, as far as the watch is concerned. */
export interface WatchedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: WatchedMetadata;
  [field: string]: unknown;
}

/** A change of one object. */
export interface ObjectEvent<T extends WatchedObject = WatchedObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
  /**
   * True for the objects of the initial listing (all ADDED, before SYNCED):
   * they existed before the watch started, so they are not news.
   */
  initial?: boolean;
  /**
   * True for a DELETED that the watch inferred because a relist no longer
   * contained the object (it vanished while the stream was down). Its object
   * is a stub: apiVersion, kind, and metadata with name, namespace, uid and
   * the last resourceVersion the watch saw.
   */
  synthesized?: boolean;
}

/** The initial listing is complete; sent once per watch, after the initial ADDEDs. */
export interface SyncedEvent {
  type: 'SYNCED';
}

/** What a watch yields. */
export type WatchEvent<T extends WatchedObject = WatchedObject> = ObjectEvent<T> | SyncedEvent;

/** The `namespace/name` (or `name` when cluster-scoped) that identifies an object in its resource. */
export function objectKey(object: WatchedObject): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}
