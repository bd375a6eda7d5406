import type { DeleteOptions, DeleteResult, Deleter } from '../deletion.ts';
import { conflict } from '../errors.ts';
import { StaleWrite, type ObjectApi, type PendingWrite, type WriteOptions, type WriteResult } from '../objects.ts';
import type { Patcher, PatchOptions } from '../patching.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import type { Admission, ReviewOptions } from './admission.ts';

/** How often a write is prepared again when its object changed while webhooks ran. */
const maxAttempts = 5;

/** The options object a webhook sees for a create or an update (a PATCH is an update, or a create when an apply creates). */
function writeReviewOptions(pending: PendingWrite): ReviewOptions {
  const { options } = pending;
  return {
    options: {
      kind: pending.operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
      apiVersion: 'meta.k8s.io/v1',
      ...(options.dryRun ? { dryRun: ['All'] } : {}),
      ...(options.fieldManager ? { fieldManager: options.fieldManager } : {}),
      ...(options.fieldValidation ? { fieldValidation: options.fieldValidation } : {}),
    },
    dryRun: options.dryRun === true,
  };
}

function deleteReviewOptions(options: DeleteOptions): ReviewOptions {
  const { dryRun, ...rest } = options;
  return {
    options: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...rest, ...(dryRun ? { dryRun: ['All'] } : {}) },
    dryRun: dryRun === true,
  };
}

/**
 * The API's writes when admission webhooks are configured: the same steps
 * as the synchronous writes of `ObjectApi`, `Patcher` and `Deleter`, with
 * the webhook calls between preparation and commit. An object that changed
 * meanwhile is a conflict for a write that named its resourceVersion;
 * otherwise the write is prepared again on the new object and admitted again.
 */
export class AdmittedWrites {
  constructor(
    private readonly objects: ObjectApi,
    private readonly patcher: Patcher,
    private readonly deleter: Deleter,
    private readonly admission: Admission,
  ) {}

  /** Whether writes must come here: some webhook is configured. */
  get active(): boolean {
    return this.admission.active;
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions): Promise<WriteResult> {
    return this.write(type, body.metadata?.name ?? '', () => this.objects.prepareCreate(type, namespace, body, options));
  }

  update(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, options: WriteOptions, subresource?: 'status'): Promise<WriteResult> {
    return this.write(type, name, () => this.objects.prepareUpdate(type, namespace, name, body, options, { fromPatch: false, subresource }));
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, contentType: string | undefined, body: string, options: PatchOptions, subresource?: 'status'): Promise<WriteResult> {
    return this.write(type, name, () => this.patcher.preparePatch(type, namespace, name, contentType, body, options, subresource));
  }

  /** A DELETE after its webhooks; answers the deletion and the webhooks' warnings. */
  async delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions): Promise<{ result: DeleteResult; warnings: string[] }> {
    for (let attempt = 1; ; attempt++) {
      const old = this.objects.get(type, namespace, name);
      const warnings = await this.admission.admitDelete(type, '', old, deleteReviewOptions(options));
      const current = this.objects.tryGet(type, namespace, name);
      if (current && current.metadata.resourceVersion !== old.metadata.resourceVersion) {
        if (attempt < maxAttempts) continue;
        throw conflict(type, name);
      }
      return { result: this.deleter.delete(type, namespace, name, options), warnings };
    }
  }

  private async write(type: ResourceType, name: string, prepare: () => PendingWrite): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      const pending = prepare();
      await this.admission.admitWrite(pending, writeReviewOptions(pending));
      try {
        return this.objects.commit(pending);
      } catch (e) {
        if (!(e instanceof StaleWrite)) throw e;
        if (attempt >= maxAttempts) throw conflict(type, name);
      }
    }
  }
}
