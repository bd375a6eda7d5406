/**
 * Writing a cycle's changes: the merge patch of the object, then of its `/status` when status is a
 * subresource, then the JSON patch of the finalizer computed against the freshest body — as few
 * requests as the API allows. The version the last response carries is what the next cycle waits for
 * (the consistency wait), so the operator never handles a state older than its own write.
 */
import type { Logger } from 'pino';
import { InvalidError, NotFoundError } from '../client/errors.ts';
import type { JsonObject } from '../core/field-path.ts';
import { expectedResourceVersion, finalizerPatchRequest, mergePatchRequests, ObjectPatch, patchInconsistencies, type PatchRequest } from '../core/object-patch.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { ObjectMemory } from './object-memory.ts';
import type { OperatorRuntime } from './runtime.ts';

/** What a write needs. */
export interface WriteTarget {
  readonly runtime: OperatorRuntime;
  readonly resource: Resource;
  /** The body the cycle started from. */
  readonly body: JsonObject;
  readonly memory: ObjectMemory;
  /** The object's local logger: these lines are never posted. */
  readonly logger: Logger;
}

function metadataOf(body: JsonObject): { name?: string; namespace?: string; resourceVersion?: string } {
  return (body.metadata ?? {}) as { name?: string; namespace?: string; resourceVersion?: string };
}

/**
 * Sends the cycle's patch; resolves with whether anything was sent. A real change also clears the
 * touch key (`resetTouch`), so a stale wake-up value does not linger on the object.
 */
export async function applyPatch(target: WriteTarget, patch: ObjectPatch, resetTouch = true): Promise<boolean> {
  const { runtime, resource, body, memory, logger } = target;
  if (patch.isEmpty) return false;
  if (resetTouch) runtime.settings.persistence.progressStorage.touch(body, patch, null);
  const requests = mergePatchRequests(patch, { statusSubresource: resource.subresources.includes('status') });
  let freshest: JsonObject | undefined;
  try {
    for (const request of requests) {
      logger.debug(`Merge-patching the ${request.subresource === 'status' ? 'status' : 'resource'} with: ${JSON.stringify(request.body)}`);
      freshest = await send(target, request);
      const inconsistencies = patchInconsistencies(request.body as JsonObject, freshest);
      if (inconsistencies.length) logger.warn(`Merge-patching finished with inconsistencies: ${JSON.stringify(inconsistencies)}`);
    }
    const finalizerRequest = finalizerPatchRequest(patch, freshest ?? body);
    if (finalizerRequest) {
      logger.debug(`JSON-patching the resource with: ${JSON.stringify(finalizerRequest.body)}`);
      try {
        freshest = await send(target, finalizerRequest);
      } catch (error) {
        // The patch's `test` met a newer object (422): the finalizer change waits for the next cycle.
        if (!(error instanceof InvalidError)) throw error;
        memory.leftoverFinalizerChanges = [...patch.finalizerChanges];
        logger.debug(
          `Could not apply the patch in full due to conflicts with newer changes. Will try on the next cycle soon. Remaining: ${JSON.stringify(patch.finalizerChanges)}`,
        );
      }
    }
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    logger.debug('Patching was skipped: the object does not exist anymore.');
    return true;
  }
  expect(target, freshest);
  return true;
}

/** Sets the touch key to a fresh value, so the API server sends an event that starts the next cycle. */
export async function touchObject(target: WriteTarget): Promise<void> {
  const patch = new ObjectPatch();
  target.runtime.settings.persistence.progressStorage.touch(target.body, patch, new Date(target.runtime.now()).toISOString());
  await applyPatch(target, patch, false);
}

function expect(target: WriteTarget, freshest: JsonObject | undefined): void {
  const { runtime, memory, body } = target;
  const version = expectedResourceVersion(freshest, metadataOf(body).resourceVersion);
  const timeout = runtime.settings.persistence.consistencyTimeout;
  memory.expected = version === undefined || timeout <= 0 ? undefined : { version, deadlineMs: runtime.now() + timeout * 1000 };
}

async function send(target: WriteTarget, request: PatchRequest): Promise<JsonObject> {
  const { name, namespace } = metadataOf(target.body);
  return target.runtime.patcher(target.resource, target.resource.namespaced ? namespace : undefined, name as string, request);
}
