import { ApiError, internalError, type StatusDetails } from '../errors.ts';
import type { ObjectApi, PendingWrite } from '../objects.ts';
import { applyJsonPatch } from '../patch/json-patch.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import type { Store } from '../store.ts';
import { warningHeader } from '../warnings.ts';
import { webhookMatches, type AdmissionAttributes, type AdmissionOperation } from './matching.ts';
import { admissionReview } from './review.ts';
import { callWebhook, WebhookCallError, type AdmissionResponse } from './webhook-call.ts';
import { WebhookConfigurations, type Webhook } from './webhook-configurations.ts';

/** The verb's options as a webhook sees them, and whether the request is a dry run. */
export interface ReviewOptions {
  /** `{kind: 'CreateOptions' | 'UpdateOptions' | 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...}`. */
  options: Record<string, unknown>;
  dryRun: boolean;
}

/**
 * How a webhook call ends: an answer, or nothing when it failed under
 * failurePolicy Ignore. A failure under Fail throws the 500.
 */
type CallOutcome = AdmissionResponse | undefined;

/** `admission webhook "<name>" denied the request: <message>`, with the webhook's code (at least 400) and details. */
function denial(webhook: Webhook, response: AdmissionResponse): ApiError {
  const status = response.status ?? {};
  const deniedBy = `admission webhook ${JSON.stringify(webhook.spec.name)} denied the request`;
  const why = status.message || status.reason;
  const code = typeof status.code === 'number' && status.code >= 400 ? status.code : 400;
  return new ApiError(code, status.reason ?? '', why ? `${deniedBy}: ${why}` : `${deniedBy} without explanation`, status.details as StatusDetails | undefined);
}

/** The error a request ends with, carrying the warnings given so far: upstream sends them with the failure too. */
function withWarnings(error: unknown, warnings: string[]): unknown {
  if (!(error instanceof ApiError) || warnings.length === 0) return error;
  return new ApiError(error.code, error.reason, error.message, error.details, { ...error.headers, Warning: warningHeader(warnings).join(', ') });
}

/** The decoded JSON patch of a mutating webhook's answer, applied to the object. */
function patched(webhook: Webhook, object: KubeObject, patch: string): KubeObject {
  try {
    const operations = JSON.parse(Buffer.from(patch, 'base64').toString('utf8'));
    const result = applyJsonPatch(object, operations) as KubeObject;
    if (!result || typeof result !== 'object' || Array.isArray(result)) throw new Error('the patched object is not a JSON object');
    result.metadata ??= {};
    return result;
  } catch (e) {
    throw internalError(`admission webhook ${JSON.stringify(webhook.spec.name)} returned a patch that cannot be applied: ${(e as Error).message}`);
  }
}

/**
 * Calls the admission webhooks of the stored configurations for requests
 * that come through the HTTP API (apiserver-spec §11): mutating webhooks one
 * by one, each seeing the previous ones' patches, with CR defaults applied
 * again after each patch (no pruning); then the object's own validation;
 * then the validating webhooks, all at once; unknown fields a patch added
 * are dropped only then. Their warnings join the write's; a denial or
 * (under failurePolicy Fail) a failed call ends the request.
 */
export class Admission {
  readonly configurations: WebhookConfigurations;

  constructor(
    private readonly store: Store,
    private readonly objects: ObjectApi,
  ) {
    this.configurations = new WebhookConfigurations(store);
  }

  /** Whether any webhook is configured: without one, writes stay synchronous. */
  get active(): boolean {
    return this.configurations.active;
  }

  /** Runs admission on a prepared create or update and validates it; the caller commits it. */
  async admitWrite(pending: PendingWrite, review: ReviewOptions): Promise<void> {
    try {
      for (const webhook of this.configurations.mutating) {
        const attributes = this.attributesOf(pending);
        if (!this.matches(webhook, attributes)) continue;
        const response = await this.call(webhook, attributes, review);
        if (!response) continue;
        if (response.warnings?.length) pending.warnings.push(...response.warnings);
        if (!response.allowed) throw denial(webhook, response);
        if (response.patch) {
          pending.object = patched(webhook, pending.object, response.patch);
          this.objects.defaultAgain(pending);
        }
      }
      this.objects.validatePending(pending);
      await this.validate(this.attributesOf(pending), review, pending.warnings);
    } catch (e) {
      throw withWarnings(e, pending.warnings);
    }
    this.objects.pruneForStorage(pending);
    // Time passed: the commit must check that the stored object is still the one this write was prepared on.
    pending.checkStale = true;
  }

  /**
   * Runs admission on a DELETE of `old`; answers the webhooks' warnings.
   * Mutating webhooks are called too, but there is no object to patch.
   */
  async admitDelete(type: ResourceType, subresource: string, old: KubeObject, review: ReviewOptions): Promise<string[]> {
    const attributes = this.attributes('DELETE', type, subresource, undefined, old);
    const warnings: string[] = [];
    try {
      for (const webhook of this.configurations.mutating) {
        if (!this.matches(webhook, attributes)) continue;
        const response = await this.call(webhook, attributes, review);
        if (!response) continue;
        if (response.warnings?.length) warnings.push(...response.warnings);
        if (!response.allowed) throw denial(webhook, response);
      }
      await this.validate(attributes, review, warnings);
    } catch (e) {
      throw withWarnings(e, warnings);
    }
    return warnings;
  }

  /**
   * The validating webhooks, called in parallel. Every answer's warnings
   * are added to `warnings`; then the first problem in configuration order
   * ends the request.
   */
  private async validate(attributes: AdmissionAttributes, review: ReviewOptions, warnings: string[]): Promise<void> {
    const matched = this.configurations.validating.filter((webhook) => this.matches(webhook, attributes));
    if (matched.length === 0) return;
    const outcomes = await Promise.allSettled(matched.map((webhook) => this.call(webhook, attributes, review)));
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled' && outcome.value?.warnings?.length) warnings.push(...outcome.value.warnings);
    }
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value && !outcome.value.allowed) throw denial(matched[i], outcome.value);
    }
  }

  private async call(webhook: Webhook, attributes: AdmissionAttributes, review: ReviewOptions): Promise<CallOutcome> {
    // Configuration validation admits only sideEffects None and NoneOnDryRun: every webhook may see a dry run.
    const { spec } = webhook;
    try {
      return await callWebhook(spec, admissionReview(attributes, review.options, review.dryRun));
    } catch (e) {
      if (!(e instanceof WebhookCallError)) throw e;
      if (spec.failurePolicy === 'Ignore') return undefined;
      throw internalError(`failed calling webhook ${JSON.stringify(spec.name)}: ${e.message}`);
    }
  }

  private matches(webhook: Webhook, attributes: AdmissionAttributes): boolean {
    return webhookMatches(webhook, attributes, (name) => this.store.get('/namespaces', name)?.metadata.labels);
  }

  private attributesOf(pending: PendingWrite): AdmissionAttributes {
    return this.attributes(pending.operation, pending.type, pending.subresource ?? '', pending.object, pending.old);
  }

  private attributes(operation: AdmissionOperation, type: ResourceType, subresource: string, object: KubeObject | undefined, oldObject: KubeObject | undefined): AdmissionAttributes {
    return {
      operation,
      group: type.group,
      version: type.version,
      resource: type.plural,
      kind: type.kind,
      subresource,
      namespaced: type.namespaced,
      object,
      oldObject,
    };
  }
}
