import { labelSelectorFromObject, formatLabelSelector } from '../core/label-selector.ts';
import { record } from './builtins/define.ts';
import { ApiError, badRequest, fieldError, invalid, notFound, unsupportedMediaType } from './errors.ts';
import type { ObjectApi, WriteOptions, WriteResult } from './objects.ts';
import type { Patcher } from './patching.ts';
import { patchMediaType } from './patching.ts';
import type { KubeObject, ResourceType } from './resource-type.ts';
import { copyJson } from './json-copy.ts';

function readPath(obj: unknown, path: string): unknown {
  return path.replace(/^\./, '').split('.').reduce<unknown>((v, k) => record(v)?.[k], obj);
}

function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.replace(/^\./, '').split('.');
  let node = obj;
  for (const key of keys.slice(0, -1)) {
    if (!record(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** The `autoscaling/v1` Scale view of a scalable object (apiserver-spec §6.2). */
export function scaleOf(type: ResourceType, obj: KubeObject): KubeObject {
  const scale = type.scale!;
  let selector = '';
  if (type.builtin) {
    const sel = record(record(obj.spec)?.selector);
    if (sel) selector = formatLabelSelector(labelSelectorFromObject(sel));
  } else if (scale.labelSelectorPath) {
    const value = readPath(obj, scale.labelSelectorPath);
    selector = typeof value === 'string' ? value : '';
  }
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const replicas = Number(readPath(obj, scale.specReplicasPath) ?? 0);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    // ScaleSpec.replicas is `omitempty` in Go: zero replicas print as an empty spec.
    spec: replicas === 0 ? {} : { replicas },
    status: { replicas: Number(readPath(obj, scale.statusReplicasPath) ?? 0), ...(selector ? { selector } : {}) },
  };
}

/** A missing scalable object: built-ins name the subresource (`deployments/scale.apps`), custom resources the object. */
function scaleNotFound(type: ResourceType, name: string): ApiError {
  return type.builtin ? notFound({ group: type.group, plural: `${type.plural}/scale` }, name) : notFound(type, name);
}

/** Negative replicas: built-ins validate the Scale itself, custom resources the path inside the object. */
function negativeReplicas(type: ResourceType, name: string, replicas: number): ApiError {
  if (type.builtin) return invalid('Scale.autoscaling', name, [fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')], 'autoscaling', 'Scale');
  const path = type.scale!.specReplicasPath;
  return invalid(`${type.kind}.${type.group}`, name, [fieldError.invalid(path, replicas, 'should be a non-negative integer')], type.group, type.kind);
}

const patchTypes = ['application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json'];

/**
 * GET, PUT and PATCH of `/scale`: reads and writes the parent's replicas
 * through the Scale view. A Scale's resourceVersion, when given, is the
 * parent's precondition; without one the write is unconditional.
 */
export class ScaleApi {
  constructor(
    private readonly objects: ObjectApi,
    private readonly patcher: Patcher,
  ) {}

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    if (!type.scale) throw notFound(type, name);
    const parent = this.objects.tryGet(type, namespace, name);
    if (!parent) throw scaleNotFound(type, name);
    return scaleOf(type, parent);
  }

  update(type: ResourceType, namespace: string | undefined, name: string, scale: KubeObject, options: WriteOptions): WriteResult {
    if (!type.scale) throw notFound(type, name);
    const scaleName = scale?.metadata?.name;
    if (scaleName !== undefined && scaleName !== name) throw badRequest(`the name of the object (${scaleName}) does not match the name on the URL (${name})`);
    const parent = this.objects.tryGet(type, namespace, name);
    if (!parent) throw scaleNotFound(type, name);
    // An absent replicas field is Go's zero value.
    const replicas = record(scale?.spec)?.replicas ?? 0;
    if (typeof replicas !== 'number') throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
    if (replicas < 0) throw negativeReplicas(type, name, replicas);
    const next = copyJson(parent);
    writePath(next, type.scale.specReplicasPath, replicas);
    const rv = scale.metadata?.resourceVersion;
    if (!rv) delete next.metadata.resourceVersion;
    else next.metadata.resourceVersion = rv;
    const result = this.objects.update(type, namespace, name, next, options, { fromPatch: !rv });
    return { ...result, object: scaleOf(type, result.object) };
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, contentType: string | undefined, body: string, options: WriteOptions): WriteResult {
    const mediaType = patchMediaType(contentType);
    if (!patchTypes.includes(mediaType) || (!type.builtin && mediaType === 'application/strategic-merge-patch+json')) {
      if (type.builtin) throw new ApiError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
      throw unsupportedMediaType('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    const current = this.get(type, namespace, name);
    const patched = this.patcher.applyPatch(type, current, mediaType, body);
    if (patched.metadata?.resourceVersion === current.metadata.resourceVersion) delete patched.metadata.resourceVersion;
    return this.update(type, namespace, name, patched, options);
  }
}
