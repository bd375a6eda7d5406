import { parse as parseYaml } from 'yaml';
import { applyConfiguration } from './apply/field-manager.ts';
import { clientSideAppliedFields, withLastAppliedSynced } from './apply/last-applied.ts';
import { encodeManagedFields } from './apply/managed-fields.ts';
import { managersOf, writeContextOf } from './apply/ownership.ts';
import { ApiError, badRequest, fieldError, notFound, unsupportedMediaType, type FieldError } from './errors.ts';
import { applyJsonPatch } from './patch/json-patch.ts';
import { applyMergePatch } from './patch/merge-patch.ts';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.ts';
import type { ObjectApi, PendingWrite, WriteOptions, WriteResult } from './objects.ts';
import { apiVersionOf, type KubeObject, type ResourceType } from './resource-type.ts';

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

const crPatchTypes = 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

function patchOptionsError(errors: FieldError[]): ApiError {
  const text = errors.length === 1 ? errors[0].message : `[${errors.map((e) => e.message).join(', ')}]`;
  return new ApiError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${text}`, {
    group: 'meta.k8s.io',
    kind: 'PatchOptions',
    causes: errors.map((e) => ({ reason: e.type, message: e.message.slice(e.field.length + 2), field: e.field })),
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** The content types PATCH accepts, without parameters (anything after `;` is ignored, §2.3). */
export function patchMediaType(contentType: string | undefined): string {
  const text = contentType ?? '';
  const parameters = text.indexOf(';');
  return (parameters < 0 ? text : text.slice(0, parameters)).trim().toLowerCase();
}

/**
 * PATCH in its four flavours (apiserver-spec §5): the patch is applied to the
 * current object and the result goes through the ordinary update path, so a
 * resourceVersion in the result is a precondition and no-op patches write
 * nothing.
 */
export class Patcher {
  constructor(private readonly objects: ObjectApi) {}

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string | undefined,
    body: string,
    options: PatchOptions,
    subresource?: 'status',
  ): WriteResult {
    const pending = this.preparePatch(type, namespace, name, contentType, body, options, subresource);
    this.objects.validatePending(pending);
    return this.objects.commit(pending);
  }

  /** A patch applied to the current object and prepared as its update (or, for an apply that creates, a create), not yet validated. */
  preparePatch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string | undefined,
    body: string,
    options: PatchOptions,
    subresource?: 'status',
  ): PendingWrite {
    const mediaType = patchMediaType(contentType);
    const known = ['application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
    if (!known.includes(mediaType) || (mediaType === 'application/strategic-merge-patch+json' && !type.builtin)) {
      if (type.builtin) throw new ApiError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
      throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${crPatchTypes}`);
    }
    if (mediaType === 'application/apply-patch+yaml') return this.apply(type, namespace, name, body, options, subresource);
    if (options.force !== undefined) throw patchOptionsError([fieldError.forbidden('force', 'may not be specified for non-apply patch')]);
    const current = this.objects.tryGet(type, namespace, name);
    if (!current) throw notFound(type, name);
    const patched = this.applyPatch(type, current, mediaType, body);
    return this.objects.prepareUpdate(type, namespace, name, patched, options, { fromPatch: true, subresource });
  }

  /** Applies a patch document to an object; the caller writes the result. */
  applyPatch(type: ResourceType, current: KubeObject, mediaType: string, body: string): KubeObject {
    const patch = parseJson(body);
    switch (mediaType) {
      case 'application/merge-patch+json':
        return applyMergePatch(current, patch) as KubeObject;
      case 'application/json-patch+json':
        return applyJsonPatch(current, patch) as KubeObject;
      case 'application/strategic-merge-patch+json':
        return applyStrategicMergePatch(current, patch, { group: type.group, kind: type.kind }) as KubeObject;
      default:
        throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${crPatchTypes}`);
    }
  }

  /**
   * Server-side apply (apiserver-spec §5.4): the configuration is merged
   * into the live object (created when absent, 201), fields the manager
   * applied before and no longer does are removed unless someone else owns
   * them, and a change to another manager's field is a 409 conflict unless
   * `force` takes it over.
   */
  private apply(type: ResourceType, namespace: string | undefined, name: string, body: string, options: PatchOptions, subresource?: 'status'): PendingWrite {
    if (!options.fieldManager) {
      throw patchOptionsError([fieldError.required('fieldManager', 'is required for apply patch')]);
    }
    let config: KubeObject;
    try {
      config = parseYaml(body) as KubeObject;
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
    if (!config || typeof config !== 'object' || Array.isArray(config)) throw badRequest('error decoding YAML: the body is not an object');
    const expected = apiVersionOf(type);
    if (config.apiVersion !== expected || config.kind !== type.kind) {
      const [group, version] = String(config.apiVersion ?? '').includes('/') ? String(config.apiVersion).split('/') : ['', String(config.apiVersion ?? '')];
      throw badRequest(`invalid object type: ${group}/${version}, Kind=${config.kind ?? ''}`);
    }
    config.metadata ??= {};
    if (config.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
    if (config.metadata.name !== undefined && config.metadata.name !== name) {
      throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`);
    }
    config.metadata.name = name;
    const live = this.objects.tryGet(type, namespace, name);
    if (!live && subresource) throw notFound(type, name);
    const context = writeContextOf(type, options.fieldManager, subresource, this.objects.timestamp());
    // Only kubectl's own switch from client-side apply may take the fields that apply left behind.
    const tolerated = live && options.fieldManager === 'kubectl' ? clientSideAppliedFields(live, context.fieldType) : undefined;
    const applied = applyConfiguration(context, live, config, managersOf(live), options.force === true, tolerated);
    const written = { ...options, managedFields: encodeManagedFields(applied.managers) ?? [] };
    const object = (options.fieldManager === 'kubectl' ? withLastAppliedSynced(applied.object, config) : applied.object) as KubeObject;
    if (!live) return this.objects.prepareCreate(type, namespace, object, written);
    return this.objects.prepareUpdate(type, namespace, name, object, written, { fromPatch: true, subresource });
  }
}
