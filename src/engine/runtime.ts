/**
 * The one object an operator's parts share instead of long signatures: its settings and registry, the
 * client, the shared watches, the Event poster, the root logger, the operator-wide memo and the clock.
 */
import type { Logger } from 'pino';
import type { Api } from '../client/api.ts';
import type { WatchHub } from '../client/watch-hub.ts';
import type { JsonObject } from '../core/field-path.ts';
import type { Lifecycle } from '../core/lifecycles.ts';
import type { PatchRequest } from '../core/object-patch.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { Memo } from '../registry/context.ts';
import type { Registry } from '../registry/registry.ts';
import type { OperatorSettings } from '../registry/settings.ts';
import type { EventSink } from './handling-scope.ts';
import type { IndexReadiness, ObjectIndex } from './indexes.ts';

/** Where a cycle's PATCH requests go; resolves with the patched object. */
export type Patcher = (resource: Resource, namespace: string | undefined, name: string, request: PatchRequest) => Promise<JsonObject>;

/** A running operator's shared parts. */
export interface OperatorRuntime {
  readonly settings: OperatorSettings;
  readonly registry: Registry;
  readonly api: Api;
  readonly hub: WatchHub;
  readonly patcher: Patcher;
  readonly events: EventSink;
  readonly logger: Logger;
  readonly memo: Memo;
  /** Picks which due changing handlers run in a cycle (`asap` unless the operator was given another). */
  readonly lifecycle: Lifecycle;
  /** Epoch milliseconds; `Date.now` except in tests. */
  readonly now: () => number;
  /** The operator's indexes, by index handler id, and whether they are complete. */
  readonly indexes: { readonly view: Readonly<Record<string, ObjectIndex>>; readonly readiness: IndexReadiness };
  /** Aborted when the operator stops. */
  readonly signal: AbortSignal;
}

/** The production patcher: the client's PATCH with the request's content type and subresource. */
export function apiPatcher(api: Api): Patcher {
  return (resource, namespace, name, request) =>
    api.patch<JsonObject & { metadata: object }>(resource, name, request.body, {
      type: request.contentType === 'application/json-patch+json' ? 'json' : 'merge',
      namespace,
      subresource: request.subresource,
    }) as Promise<JsonObject>;
}
