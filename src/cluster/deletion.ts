import { record } from './builtins/define.ts';
import { ApiError, conflict, fieldError, forbidden, notFound, type FieldError } from './errors.ts';
import { atVersion, type ListOptions, type ObjectApi } from './objects.ts';
import { storageKey, type KubeObject, type ResourceType } from './resource-type.ts';
import { formatTime, type ClusterState } from './state.ts';
import { objectKey } from './store.ts';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** DeleteOptions, from the body or the query (apiserver-spec §2.2). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** A DELETE's answer: the object while it still exists (or for kinds that return it), else a Success Status. */
export interface DeleteResult {
  object?: KubeObject;
  status?: Record<string, unknown>;
  /** True once the object is really gone. */
  removed: boolean;
}

const policies = ['Foreground', 'Background', 'Orphan'];
const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);
const crdCleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

function optionsError(errors: FieldError[]): ApiError {
  const text = errors.length === 1 ? errors[0].message : `[${errors.map((e) => e.message).join(', ')}]`;
  return new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: ${text}`, {
    group: 'meta.k8s.io',
    kind: 'DeleteOptions',
    causes: errors.map((e) => ({ reason: e.type, message: e.message.slice(e.field.length + 2), field: e.field })),
  });
}

/** Which propagation a DELETE means: explicit, then the object's finalizers, then the kind's default (§3.4). */
function resolvePolicy(type: ResourceType, obj: KubeObject, options: DeleteOptions): PropagationPolicy {
  const errors: FieldError[] = [];
  if (options.orphanDependents !== undefined && options.propagationPolicy !== undefined) {
    errors.push(fieldError.invalid('propagationPolicy', options.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (options.propagationPolicy !== undefined && !policies.includes(options.propagationPolicy)) {
    // Upstream lists the unset policy as "nil" among the supported values.
    errors.push(fieldError.notSupported('propagationPolicy', options.propagationPolicy, [...policies, 'nil']));
  }
  if (errors.length) throw optionsError(errors);
  if (options.propagationPolicy) return options.propagationPolicy as PropagationPolicy;
  if (options.orphanDependents !== undefined) return options.orphanDependents ? 'Orphan' : 'Background';
  const finalizers = obj.metadata.finalizers ?? [];
  if (finalizers.includes('orphan')) return 'Orphan';
  if (finalizers.includes('foregroundDeletion')) return 'Foreground';
  return type.defaultPropagation;
}

/** The finalizers the policy implies: `orphan` / `foregroundDeletion` are re-derived on every DELETE. */
function withPolicyFinalizers(finalizers: string[] | undefined, policy: PropagationPolicy): string[] {
  const rest = (finalizers ?? []).filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  if (policy === 'Orphan') rest.push('orphan');
  if (policy === 'Foreground') rest.push('foregroundDeletion');
  return rest;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** The deletion state machine of apiserver-spec §3.3, including namespaces (§10) and CRDs (§9.6). */
export class Deleter {
  constructor(
    private readonly state: ClusterState,
    private readonly objects: ObjectApi,
  ) {}

  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): DeleteResult {
    const bucket = storageKey(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const stored = this.state.store.get(bucket, key);
    if (!stored) throw notFound(type, name);
    const obj = atVersion(stored, type);
    this.checkPreconditions(type, obj, options);
    const isNamespace = type.builtin && type.group === '' && type.plural === 'namespaces';
    if (isNamespace && immortalNamespaces.has(name)) {
      throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    }
    const policy = resolvePolicy(type, obj, options);
    if (isNamespace) return this.deleteNamespace(type, obj, policy, options);
    if (type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions') return this.deleteCrd(type, obj, options);

    const meta = obj.metadata;
    const finalizers = withPolicyFinalizers(meta.finalizers, policy);
    const now = this.state.now();
    if (meta.deletionTimestamp && (meta.deletionGracePeriodSeconds ?? 0) > 0) {
      // A graceful deletion is running: only a shorter grace period changes anything.
      const grace = options.gracePeriodSeconds;
      if (grace === undefined || grace >= meta.deletionGracePeriodSeconds!) return this.answer(type, obj, false);
      const shortened = this.write(type, {
        ...obj,
        metadata: { ...meta, deletionTimestamp: formatTime(new Date(now.getTime() + grace * 1000)), deletionGracePeriodSeconds: grace },
      }, options);
      if (grace > 0 || (shortened.metadata.finalizers ?? []).length > 0) return this.answer(type, shortened, false);
      return this.remove(type, shortened, options);
    }
    if (meta.deletionTimestamp) {
      // Held by finalizers: a repeated DELETE may still change the policy's finalizers.
      if (sameList(finalizers, meta.finalizers)) return this.answer(type, obj, false);
      return this.answer(type, this.write(type, { ...obj, metadata: { ...meta, finalizers } }, options), false);
    }
    let grace = 0;
    if (type.gracefulDeletion) {
      const spec = record(obj.spec) ?? {};
      const phase = record(obj.status)?.phase;
      const unscheduled = !spec.nodeName || phase === 'Succeeded' || phase === 'Failed';
      grace = unscheduled ? 0 : (options.gracePeriodSeconds ?? (spec.terminationGracePeriodSeconds as number | undefined) ?? 30);
    }
    const generation = meta.generation !== undefined && meta.generation > 0 ? meta.generation + 1 : meta.generation;
    const marked = (graceSeconds: number): KubeObject => ({
      ...obj,
      metadata: {
        ...meta,
        ...(generation !== undefined ? { generation } : {}),
        deletionTimestamp: formatTime(new Date(now.getTime() + graceSeconds * 1000)),
        deletionGracePeriodSeconds: graceSeconds,
        ...(finalizers.length ? { finalizers } : {}),
      },
    });
    if (grace > 0 || finalizers.length > 0) return this.answer(type, this.write(type, marked(grace), options), false);
    if (type.gracefulDeletion) {
      // Pods go away in two writes even when immediate: MODIFIED, then DELETED (§3.3).
      const written = this.write(type, marked(0), options);
      return this.remove(type, written, options);
    }
    return this.remove(type, obj, options);
  }

  /** DELETE on a collection: every matching object, answered with the list of what was deleted. */
  deleteCollection(type: ResourceType, namespace: string | undefined, list: ListOptions, options: DeleteOptions): KubeObject[] {
    const deleted: KubeObject[] = [];
    for (const obj of this.objects.list(type, namespace, list).items) {
      try {
        const result = this.delete(type, obj.metadata.namespace, obj.metadata.name!, options);
        deleted.push(result.object ?? obj);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return deleted;
  }

  private checkPreconditions(type: ResourceType, obj: KubeObject, options: DeleteOptions): void {
    const pre = options.preconditions;
    if (!pre) return;
    const ownDeleteCode = type.builtin && ((type.group === '' && type.plural === 'namespaces') || type.group === 'apiextensions.k8s.io');
    // In this path upstream names the Kind where the resource would be (`Widget.example.com`), with the group apart in details.
    const kindConflict = (why: string) => {
      const e = conflict({ group: type.group, plural: type.kind }, obj.metadata.name!, why);
      return new ApiError(409, 'Conflict', e.message, { name: obj.metadata.name, group: type.group || undefined, kind: type.kind });
    };
    if (pre.uid && pre.uid !== obj.metadata.uid) {
      if (ownDeleteCode) throw conflict(type, obj.metadata.name!, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
      throw kindConflict(`the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid}). The object might have been deleted and then recreated`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      if (ownDeleteCode) throw conflict(type, obj.metadata.name!, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
      throw kindConflict(`the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion}). The object might have been modified`);
    }
  }

  /** Namespaces turn Terminating; the namespace controller empties and removes them (§10). */
  private deleteNamespace(type: ResourceType, obj: KubeObject, policy: PropagationPolicy, options: DeleteOptions): DeleteResult {
    const finalizers = withPolicyFinalizers(obj.metadata.finalizers, policy);
    if (obj.metadata.deletionTimestamp) {
      if (sameList(finalizers, obj.metadata.finalizers)) return { object: obj, removed: false };
      return { object: this.write(type, { ...obj, metadata: { ...obj.metadata, finalizers } }, options), removed: false };
    }
    const marked: KubeObject = {
      ...obj,
      // Namespaces have their own delete code: a deletionTimestamp without a grace period.
      metadata: { ...obj.metadata, deletionTimestamp: formatTime(this.state.now()), ...(finalizers.length ? { finalizers } : {}) },
      status: { ...(record(obj.status) ?? {}), phase: 'Terminating' },
    };
    if (!finalizers.length) delete marked.metadata.finalizers;
    return { object: this.write(type, marked, options), removed: false };
  }

  /** A CRD gets its cleanup finalizer and the Terminating condition; the CRD controller does the rest (§9.6). */
  private deleteCrd(type: ResourceType, obj: KubeObject, options: DeleteOptions): DeleteResult {
    if (obj.metadata.deletionTimestamp) return { object: obj, removed: false };
    const status = record(obj.status) ?? {};
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => record(c)?.type !== 'Terminating');
    conditions.push({
      type: 'Terminating',
      status: 'True',
      lastTransitionTime: formatTime(this.state.now()),
      reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    });
    const marked: KubeObject = {
      ...obj,
      metadata: {
        ...obj.metadata,
        deletionTimestamp: formatTime(this.state.now()),
        deletionGracePeriodSeconds: 0,
        finalizers: [...new Set([...(obj.metadata.finalizers ?? []), crdCleanupFinalizer])],
      },
      status: { ...status, conditions },
    };
    return { object: this.write(type, marked, options), removed: false };
  }

  /** A direct write of deletion metadata (bypasses update validation: only the server sets these fields). */
  private write(type: ResourceType, obj: KubeObject, options: DeleteOptions): KubeObject {
    if (options.dryRun) return obj;
    const key = objectKey(type.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name!);
    return atVersion(this.state.store.update(storageKey(type), key, obj), type);
  }

  private remove(type: ResourceType, obj: KubeObject, options: DeleteOptions): DeleteResult {
    if (!options.dryRun) {
      this.state.store.remove(storageKey(type), objectKey(type.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name!));
    }
    return this.answer(type, obj, true);
  }

  private answer(type: ResourceType, obj: KubeObject, removed: boolean): DeleteResult {
    if (!removed || type.returnsDeletedObject) return { object: obj, removed };
    return {
      removed,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: obj.metadata.name, ...(type.group ? { group: type.group } : {}), kind: type.plural, uid: obj.metadata.uid },
      },
    };
  }
}
