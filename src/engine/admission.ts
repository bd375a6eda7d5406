/**
 * Serving one admission request: the AdmissionReview the API server posts to a webhook is answered by
 * the `on.validate` / `on.mutate` handlers of its resource, all run at once, each once (their errors are
 * permanent: there is no later attempt). Any error denies the request with the most telling error's
 * message and code; the handlers' `patch` becomes the mutation's JSON patch. Requests that cannot be
 * served at all (no such resource, missing data) are errors of the webhook server, not denials.
 */
import type { UserInfo } from 'kubernetes-types/authentication/v1.js';
import { diff } from '../core/diff.ts';
import { isJsonObject, type JsonObject } from '../core/field-path.ts';
import { AdmissionError, PermanentError, TemporaryError } from '../core/handler-errors.ts';
import { errorText } from '../core/handler-outcome.ts';
import { mergeAsJsonPatch } from '../core/merge-as-json-patch.ts';
import { ObjectPatch } from '../core/object-patch.ts';
import { resourceId, type Resource } from '../core/resource-selector.ts';
import type { Memo, Operation } from '../registry/context.ts';
import { handlerTitle, type WebhookHandler } from '../registry/handlers.ts';
import type { AdmissionRequestFn } from '../registry/settings.ts';
import { attemptMembers, deepFreeze, lazily, objectMembers, type ObjectView } from './contexts.ts';
import { runAttempt } from './execution.ts';
import { runInScope } from './handling-scope.ts';
import { localLogger } from './object-logging.ts';
import type { OperatorRuntime } from './runtime.ts';

/** What serving admission requests needs of the running operator. */
export type AdmissionRuntime = Pick<OperatorRuntime, 'settings' | 'registry' | 'api' | 'events' | 'logger' | 'memo' | 'indexes' | 'now'>;

/**
 * A request the webhook server cannot serve: answered with this HTTP status (400 for missing data or a
 * body that is not an AdmissionReview, 404 for a resource without webhooks, 409 for an ambiguous one).
 */
export class WebhookRequestError extends Error {
  override name = 'WebhookRequestError';

  constructor(
    readonly code: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** The `request` stanza of an AdmissionReview, as far as the handlers use it. */
interface AdmissionRequest {
  uid?: string;
  resource?: { group?: string; version?: string; resource?: string };
  subResource?: string;
  namespace?: string;
  operation?: Operation;
  userInfo: UserInfo;
  object?: JsonObject | null;
  oldObject?: JsonObject | null;
  dryRun?: boolean;
}

/** The AdmissionReview answered to the API server. */
export interface AdmissionReviewResponse {
  apiVersion: string;
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    warnings?: string[];
    patchType?: 'JSONPatch';
    /** Base64 of the JSON patch (RFC 6902). */
    patch?: string;
    status?: { message: string; code: number };
  };
}

function admissionRequestOf(review: unknown): { apiVersion: string | undefined; request: AdmissionRequest } {
  if (!isJsonObject(review) || !isJsonObject(review.request)) {
    throw new WebhookRequestError(400, 'The body is not an AdmissionReview with a request.');
  }
  const request = review.request as unknown as AdmissionRequest;
  if (!isJsonObject(request.userInfo)) throw new WebhookRequestError(400, 'The admission request has no userInfo.');
  if (!isJsonObject(request.object) && !isJsonObject(request.oldObject)) {
    throw new WebhookRequestError(400, 'The admission request has neither an object nor an oldObject.');
  }
  return { apiVersion: typeof review.apiVersion === 'string' ? review.apiVersion : undefined, request };
}

function resourceOf(request: AdmissionRequest, resources: readonly Resource[]): Resource {
  const { group = '', version, resource: plural } = request.resource ?? {};
  const found = resources.filter((resource) => resource.group === group && resource.version === version && resource.plural === plural);
  const named = resourceId({ group, version: version ?? '', plural: plural ?? '' });
  if (found.length === 0) throw new WebhookRequestError(404, `No admission handlers are registered for the resource ${named}.`);
  if (found.length > 1) throw new WebhookRequestError(409, `Several served resources match the resource ${named}.`);
  return found[0]!;
}

/** How telling an error is for the denial: admission errors first, then permanent, temporary, others. */
function rank(error: unknown): number {
  if (error instanceof AdmissionError) return 0;
  if (error instanceof PermanentError) return 1;
  if (error instanceof TemporaryError) return 2;
  return 3;
}

/**
 * The objects' memos of the admission requests: an object's handlers share one memo across its
 * requests (a shallow copy of the operator's), except on creation, when there is no object yet to
 * remember and the memo lives for that request only. A deletion forgets the object.
 */
class AdmissionMemos {
  readonly #memos = new Map<string, Memo>();

  constructor(private readonly operatorMemo: Memo) {}

  recall(body: JsonObject, operation: Operation | undefined): Memo {
    const uid = (body.metadata as { uid?: unknown } | undefined)?.uid;
    if (operation === 'CREATE' || typeof uid !== 'string') return { ...this.operatorMemo };
    const memo = this.#memos.get(uid) ?? { ...this.operatorMemo };
    if (operation === 'DELETE') this.#memos.delete(uid);
    else this.#memos.set(uid, memo);
    return memo;
  }
}

/**
 * The operator's entry point for admission requests, for the webhook server: answers one AdmissionReview
 * (as parsed JSON) for the resources `resources()` lists (those with webhook handlers, as discovery found
 * them). Rejects with a `WebhookRequestError` when the request cannot be served.
 */
export function admissionHandler(runtime: AdmissionRuntime, resources: () => readonly Resource[]): AdmissionRequestFn {
  const memos = new AdmissionMemos(runtime.memo);
  return (review, options) => serveAdmission(runtime, memos, resources(), review, options);
}

async function serveAdmission(
  runtime: AdmissionRuntime,
  memos: AdmissionMemos,
  resources: readonly Resource[],
  review: unknown,
  options: Parameters<AdmissionRequestFn>[1],
): Promise<AdmissionReviewResponse> {
  const { apiVersion, request } = admissionRequestOf(review);
  const resource = resourceOf(request, resources);
  const { registry, settings, now } = runtime;
  const operation = request.operation;
  const subresource = request.subResource || undefined;
  const oldObject = isJsonObject(request.oldObject) ? (deepFreeze(structuredClone(request.oldObject)) as JsonObject) : undefined;
  const newObject = isJsonObject(request.object) ? (deepFreeze(structuredClone(request.object)) as JsonObject) : undefined;
  // Deletions have no new object: the handlers see the one being deleted.
  const body = (newObject ?? oldObject)!;
  const patch = new ObjectPatch();
  const warnings: string[] = [];
  const logger = localLogger(runtime.logger, body);
  const view: ObjectView = { body, resource, patch, logger, memo: memos.recall(body, operation), api: runtime.api, indexes: runtime.indexes.view };
  const object = objectMembers(view);
  const members = {
    ...object,
    namespace: object.namespace ?? request.namespace,
    dryrun: Boolean(request.dryRun),
    warnings,
    userinfo: request.userInfo,
    headers: options.headers ?? {},
    sslpeer: options.sslpeer ?? {},
    operation,
    subresource,
    diff: diff(oldObject, newObject),
    old: oldObject,
    new: newObject,
  };
  const handlers = registry.webhookHandlers({ resource, body, context: lazily(() => members), webhook: options.webhook, operation, subresource });
  const scope = { settings, events: runtime.events, object: { body, resource, logger } };
  const run = async (handler: WebhookHandler) => {
    const startedMs = now();
    const outcome = await runAttempt({
      form: handlerTitle(handler),
      limits: { errors: handler.errors },
      defaults: { errors: 'permanent', backoff: settings.execution.defaultBackoff },
      attempt: { retries: 0, runtime: 0 },
      // Whatever a webhook handler returns is not used: only its errors, warnings and patch are.
      rawResult: true,
      invoke: () => runInScope(scope, () => handler.fn({ ...members, param: handler.param, ...attemptMembers({ retry: 0, startedMs, nowMs: now() }) })),
      logger,
    });
    return outcome.error;
  };
  const errors = (await Promise.all(handlers.map(run))).filter((error) => error !== undefined).sort((a, b) => rank(a) - rank(b));

  const response: AdmissionReviewResponse['response'] = { uid: request.uid ?? '', allowed: errors.length === 0 };
  if (warnings.length) response.warnings = warnings.map(String);
  const jsonPatch = mergeAsJsonPatch(patch.mergeBody(), body);
  if (jsonPatch.length) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(jsonPatch)).toString('base64');
  }
  const [first] = errors;
  if (first !== undefined) response.status = { message: errorText(first), code: first instanceof AdmissionError ? first.code : 500 };
  return { apiVersion: apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}
