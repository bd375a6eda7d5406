/**
 * The context objects handlers receive, built from what a cycle knows about its object. The body is
 * the watch event's object, deep-frozen (the watch hub shares it with other subscribers); the stanzas
 * are views of it, frozen empty objects where absent. Filter callbacks get the same members minus those
 * of one attempt, built once per cycle and only when a filter asks.
 */
import type { Logger } from 'pino';
import type { Api } from '../client/api.ts';
import type { JsonObject } from '../core/field-path.ts';
import type { ObjectPatch } from '../core/object-patch.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { Indexes, Memo } from '../registry/context.ts';

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/** Freezes a JSON value and everything in it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** What a cycle knows about its object, for building contexts. */
export interface ObjectView {
  readonly body: JsonObject;
  readonly resource: Resource;
  readonly patch: ObjectPatch;
  readonly logger: Logger;
  readonly memo: Memo;
  readonly api: Api;
  readonly indexes: Indexes;
}

function stanza(value: unknown): object {
  return value !== null && typeof value === 'object' ? value : EMPTY;
}

/** The members every handler of an object gets. */
export function objectMembers(view: ObjectView): Record<string, unknown> {
  const { body } = view;
  const meta = stanza(body.metadata) as { uid?: string; name?: string; namespace?: string; labels?: unknown; annotations?: unknown };
  return {
    body,
    spec: stanza(body.spec),
    meta,
    status: stanza(body.status),
    uid: meta.uid,
    name: meta.name,
    namespace: meta.namespace,
    labels: stanza(meta.labels),
    annotations: stanza(meta.annotations),
    patch: view.patch,
    resource: view.resource,
    api: view.api,
    logger: view.logger,
    memo: view.memo,
    indexes: view.indexes,
  };
}

/** The members of one attempt of a retried handler. */
export function attemptMembers(attempt: { retry: number; startedMs: number; nowMs: number }): { retry: number; started: Date; runtime: number } {
  return { retry: attempt.retry, started: new Date(attempt.startedMs), runtime: (attempt.nowMs - attempt.startedMs) / 1000 };
}

/**
 * A read-only view of an object that is replaced over time (a daemon's body, spec, status …): reads go
 * to the newest one, so a daemon that destructured `{ spec }` once still sees the latest spec, as Kopf's
 * re-pointed bodies do.
 */
export function liveView(current: () => unknown): object {
  const now = () => {
    const value = current();
    return value !== null && typeof value === 'object' ? value : EMPTY;
  };
  const readOnly = () => {
    throw new TypeError('the object of a daemon or timer is read-only: change it through `patch`');
  };
  return new Proxy(
    {},
    {
      get: (_target, key) => Reflect.get(now(), key),
      has: (_target, key) => Reflect.has(now(), key),
      ownKeys: () => Reflect.ownKeys(now()),
      getOwnPropertyDescriptor: (_target, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(now(), key);
        return descriptor && { value: descriptor.value, enumerable: descriptor.enumerable, writable: false, configurable: true };
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(now()),
      set: readOnly,
      defineProperty: readOnly,
      deleteProperty: readOnly,
    },
  );
}

/** A builder that makes the filter context on first use and then reuses it. */
export function lazily<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
