import type { FieldError } from './errors.ts';

/** Any Kubernetes object as the server stores it: plain JSON. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
};

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** How a kind's names are validated (apiserver-spec §3.1). */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

/** Where a scalable kind keeps its replicas and selector (the `/scale` subresource). */
export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** What a write is doing, for the kind-specific hooks. */
export interface WriteContext {
  operation: 'create' | 'update';
  /** The stored object, for updates. */
  old?: KubeObject;
  /** True for writes through the `status` subresource. */
  statusWrite: boolean;
}

/**
 * The kind-specific behaviour of a resource: the few places where kinds differ
 * in the otherwise generic write path (apiserver-spec §11).
 */
export interface Strategy {
  /** Fills server defaults into a new object (mutates it). */
  prepareForCreate?(obj: KubeObject, cluster: StrategyServices): void;
  /** Adjusts an incoming update against the stored object (mutates `obj`). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, cluster: StrategyServices): void;
  /** Kind-specific validation; metadata rules are checked by the server for every kind. */
  validate?(obj: KubeObject, ctx: WriteContext): FieldError[];
  /** The status a freshly created object gets (its request status is dropped). */
  initialStatus?(obj: KubeObject): unknown;
  /** Values of the kind's extra field selectors. */
  fieldSelectors?: Record<string, (obj: KubeObject) => string>;
}

/** Services the strategies may call back into (IP allocation and the like). */
export interface StrategyServices {
  allocateClusterIP(): string;
  allocateNodePort(): number;
  randomSuffix(length: number): string;
}

/**
 * One served resource: a built-in kind or a version of a CRD. The server is
 * generic over these; everything that differs between kinds is data here.
 */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served besides the object itself. */
  status: boolean;
  scale?: ScaleSpec;
  extraSubresources: string[];
  /** Kinds that set and bump metadata.generation (workloads, CRs, CRDs). */
  tracksGeneration: boolean;
  /** Deployments also bump generation on annotation changes. */
  generationCountsAnnotations?: boolean;
  /** A PUT without resourceVersion is 422 (CRs, CRDs, Leases). */
  requiresResourceVersionOnUpdate: boolean;
  /** A PUT to a missing object creates it (Leases). */
  createOnUpdate: boolean;
  /** DELETE answers with the final object rather than a Success Status. */
  returnsDeletedObject: boolean;
  /** Pods: deletion goes through deletionTimestamp even without finalizers. */
  gracefulDeletion: boolean;
  /** Propagation when the DELETE names none (Orphan for Jobs). */
  defaultPropagation: 'Background' | 'Orphan';
  nameRule: NameRule;
  /** Create-only kinds (reviews) are answered without being stored. */
  ephemeral: boolean;
  builtin: boolean;
  strategy: Strategy;
  /** CRDs: the structural schema of this version and its printer columns. */
  schema?: Record<string, unknown>;
  printerColumns?: PrinterColumn[];
  selectableFields?: string[];
  /** CRDs: the version objects are stored at. */
  storageVersion: string;
  /** The CRD that defines this resource (custom resources only). */
  crdName?: string;
  /**
   * A resource stored in another resource's bucket, in that resource's shape
   * (events.k8s.io/v1 Events are core/v1 Events seen differently).
   */
  sharedStorage?: {
    bucket: string;
    /** Stored shape → this resource's shape. */
    fromStorage(obj: KubeObject): KubeObject;
    /** This resource's shape → stored shape. */
    toStorage(obj: KubeObject): KubeObject;
  };
}

/** `group/plural`: one storage bucket per resource, shared by all its versions. */
export function storageKey(type: { group: string; plural: string; sharedStorage?: { bucket: string } }): string {
  return type.sharedStorage?.bucket ?? `${type.group}/${type.plural}`;
}

export function apiVersionOf(type: { group: string; version: string }): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `Pod` for the core group, `Widget.example.com` otherwise: upstream's kind label in Invalid messages. */
export function kindLabel(type: { group: string; kind: string; sharedStorage?: { bucket: string } }): string {
  // A resource living in another's storage is validated, and named, as that one (events.k8s.io Events as core Events).
  const group = type.sharedStorage ? type.sharedStorage.bucket.split('/')[0] : type.group;
  return group ? `${type.kind}.${group}` : type.kind;
}
