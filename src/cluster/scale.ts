import { labelSelectorFromObject, formatLabelSelector } from '../core/label-selector.ts';
import { record } from './builtins/define.ts';
import { badRequest, notFound } from './errors.ts';
import type { ObjectApi, WriteOptions, WriteResult } from './objects.ts';
import type { Patcher } from './patching.ts';
import { patchMediaType } from './patching.ts';
import type { KubeObject, ResourceType } from './resource-type.ts';

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
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: Number(readPath(obj, scale.specReplicasPath) ?? 0) },
    status: { replicas: Number(readPath(obj, scale.statusReplicasPath) ?? 0), ...(selector ? { selector } : {}) },
  };
}

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
    return scaleOf(type, this.objects.get(type, namespace, name));
  }

  update(type: ResourceType, namespace: string | undefined, name: string, scale: KubeObject, options: WriteOptions): WriteResult {
    if (!type.scale) throw notFound(type, name);
    const parent = this.objects.get(type, namespace, name);
    const replicas = record(scale?.spec)?.replicas;
    if (typeof replicas !== 'number') throw badRequest('spec.replicas: Required value');
    const next = structuredClone(parent);
    writePath(next, type.scale.specReplicasPath, replicas);
    const rv = scale.metadata?.resourceVersion;
    if (!rv) delete next.metadata.resourceVersion;
    else next.metadata.resourceVersion = rv;
    const result = this.objects.update(type, namespace, name, next, options, { fromPatch: !rv });
    return { ...result, object: scaleOf(type, result.object) };
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, contentType: string | undefined, body: string, options: WriteOptions): WriteResult {
    const current = this.get(type, namespace, name);
    const patched = this.patcher.applyPatch(type, current, patchMediaType(contentType), body);
    if (patched.metadata?.resourceVersion === current.metadata.resourceVersion) delete patched.metadata.resourceVersion;
    return this.update(type, namespace, name, patched, options);
  }
}
