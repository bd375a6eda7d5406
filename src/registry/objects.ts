/**
 * The body types handlers see. A handler is generic over the object it handles: a user's own
 * interface (`kopf.on.create<MyResource>(…)`), a built-in kind from `kubernetes-types` picked from
 * the selector, or — when nothing is known — a loosely typed object whose fields read as `any`.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

/**
 * What a handled object's type must be: an object type. Interfaces from `kubernetes-types`, from
 * `@kubernetes/client-node` or written by hand all qualify; no index signature is required.
 */
export type KubernetesObject = object;

/** The body of an object whose type is not known: the usual stanzas, and any other field, loosely typed. */
export interface AnyObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  // `any`, not `unknown`: without a declared type, handlers read `spec.field` as Kopf's users do.
  spec?: any;
  status?: any;
  [field: string]: any;
}

/** The `spec` a handler sees: the body's `spec` (an empty object when the object has none). */
export type SpecOf<T> = 'spec' extends keyof T ? NonNullable<T['spec' & keyof T]> : Record<string, never>;

/** The `status` a handler sees: the body's `status` (an empty object when the object has none). */
export type StatusOf<T> = 'status' extends keyof T ? NonNullable<T['status' & keyof T]> : Record<string, never>;

/** The `meta` a handler sees: the body's `metadata`, typed as `ObjectMeta` when the type does not say. */
export type MetaOf<T> = 'metadata' extends keyof T ? NonNullable<T['metadata' & keyof T]> : ObjectMeta;

/**
 * The body a handler sees: the object's type, with `metadata` always there (objects from the API server
 * always have it, even where `kubernetes-types` declares it optional), so `body.metadata.name` needs no `?.`.
 */
export type Body<T> = T & { metadata: MetaOf<T> };
