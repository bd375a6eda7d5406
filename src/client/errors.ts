/**
 * The client's errors. Every answer of the API server other than 2xx becomes
 * one typed error built from the `Status` object it carries (apiserver-spec
 * §2.4), whose message names the verb, the object and the server's reason:
 *
 *     patch kopfexamples.kopf.dev default/ex1: 409 Conflict: Operation cannot be fulfilled on …
 *
 * Bad credentials (401) and missing permissions (403 from RBAC) are the only
 * terminal errors: retrying cannot fix them, so they say so in one line.
 */
import { describeTarget, type RequestSubject } from './request-subject.ts';

/** One entry of `details.causes`; the cause type is under the key `reason`. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** `details` of a Status. `kind` is the resource plural (or the Kind, for Invalid). */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The `Status` object of a failed API request. */
export interface Status {
  kind?: 'Status';
  apiVersion?: string;
  metadata?: { continue?: string; resourceVersion?: string };
  status?: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** Upstream's reason for a code when the Status names none (client-go does the same). */
const reasonsByCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

// RBAC's denials read `… User "alice" cannot list resource …`; other 403s (a terminating
// namespace, an admission webhook's refusal) are about the object, not the identity.
const permissionDenial = /\b(User|Group) "[^"]*" cannot /;

/** Options of an ApiError beyond its Status. */
export interface ApiErrorContext {
  /** The request that failed. */
  request: RequestSubject;
  /** Who the client authenticated as (for 401 messages): e.g. `user "admin" of kubeconfig context "prod" (bearer token)`. */
  identity?: string;
  /** Seconds from the `Retry-After` header, when the server sent one. */
  retryAfterSeconds?: number;
}

/** The base of the family: a failed API request, with the server's Status. */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The HTTP status code. */
  readonly code: number;
  /** The Status reason, e.g. `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`. */
  readonly reason: string;
  /** The Status object as the server sent it (synthesized for bodies that were not one). */
  readonly status: Status;
  readonly request: RequestSubject;
  readonly identity?: string;
  /** How long the server asked to wait before retrying, when it said. */
  readonly retryAfterSeconds?: number;

  constructor(code: number, status: Status, context: ApiErrorContext) {
    const reason = status.reason || reasonsByCode[code] || (code >= 500 ? 'InternalError' : 'Unknown');
    super('');
    this.code = code;
    this.reason = reason;
    this.status = status;
    this.request = context.request;
    this.identity = context.identity;
    this.retryAfterSeconds = context.retryAfterSeconds ?? status.details?.retryAfterSeconds;
    this.message = `${context.request.verb} ${describeTarget(context.request)}: ${code} ${reason}: ${this.explanation()}`;
  }

  /** The server's own message. */
  get serverMessage(): string {
    return this.status.message ?? '';
  }

  /** The field-level causes (`details.causes`), if any. */
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }

  /** True when retrying cannot help: bad credentials or a missing permission. */
  get terminal(): boolean {
    return false;
  }

  /** The part of the message after the code and reason; subclasses add their advice. */
  protected explanation(): string {
    return this.serverMessage || '(no message)';
  }
}

/** 400: a malformed request (bad selector, malformed body, mismatched names). */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}

/** 401: the server did not accept the credentials, even after re-authenticating. Terminal. */
export class UnauthorizedError extends ApiError {
  override name = 'UnauthorizedError';
  override get terminal(): boolean {
    return true;
  }
  protected override explanation(): string {
    const who = this.identity ? `the credentials of ${this.identity}` : 'the credentials';
    return `the server rejected ${who}, also after re-authenticating; this is terminal until the credentials are fixed`;
  }
}

/**
 * 403. Terminal when RBAC denied the identity (`permissionDenied`); other
 * refusals (content in a terminating namespace, a webhook's denial) are about
 * the object and may pass later.
 */
export class ForbiddenError extends ApiError {
  override name = 'ForbiddenError';
  /** True when the server refused the identity a permission (RBAC), not the object. */
  get permissionDenied(): boolean {
    return permissionDenial.test(this.serverMessage);
  }
  override get terminal(): boolean {
    return this.permissionDenied;
  }
  protected override explanation(): string {
    const message = super.explanation();
    return permissionDenial.test(message) ? `${message}; a missing permission is terminal until RBAC grants it` : message;
  }
}

/** 404: no such object, namespace or resource. */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

/** 409 with reason AlreadyExists: a create with a name in use. */
export class AlreadyExistsError extends ApiError {
  override name = 'AlreadyExistsError';
}

/** 409 with reason Conflict: a stale resourceVersion, a failed precondition, a server-side-apply field conflict. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}

/** 410: the resourceVersion or continue token is older than the server's history; list again. */
export class GoneError extends ApiError {
  override name = 'GoneError';
}

/** 422: the object failed validation; `causes` lists the fields. */
export class InvalidError extends ApiError {
  override name = 'InvalidError';
}

/** 429: the server is throttling; `retryAfterSeconds` says for how long. */
export class TooManyRequestsError extends ApiError {
  override name = 'TooManyRequestsError';
}

/** 5xx: the server failed (InternalError, ServiceUnavailable, Timeout …). */
export class ServerError extends ApiError {
  override name = 'ServerError';
}

/** Builds the error of the right class for a status code and a Status object. */
export function apiErrorFor(code: number, status: Status, context: ApiErrorContext): ApiError {
  switch (code) {
    case 400:
      return new BadRequestError(code, status, context);
    case 401:
      return new UnauthorizedError(code, status, context);
    case 403:
      return new ForbiddenError(code, status, context);
    case 404:
      return new NotFoundError(code, status, context);
    case 409:
      return status.reason === 'AlreadyExists' ? new AlreadyExistsError(code, status, context) : new ConflictError(code, status, context);
    case 410:
      return new GoneError(code, status, context);
    case 422:
      return new InvalidError(code, status, context);
    case 429:
      return new TooManyRequestsError(code, status, context);
  }
  return code >= 500 ? new ServerError(code, status, context) : new ApiError(code, status, context);
}

/**
 * Builds the error of a response body: a Status object when the server sent
 * one, else a Status synthesized from the text (e.g. `404 page not found`).
 */
export function apiErrorFromBody(code: number, body: unknown, context: ApiErrorContext): ApiError {
  const isStatus = body !== null && typeof body === 'object' && (body as Status).kind === 'Status';
  const status: Status = isStatus ? (body as Status) : { kind: 'Status', status: 'Failure', code, message: typeof body === 'string' ? body.trim() : JSON.stringify(body) };
  return apiErrorFor(code, status, context);
}

/**
 * The API server could not be reached, or the connection failed before an
 * answer came (after the retries the request was allowed).
 */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    readonly request: RequestSubject,
    readonly server: string,
    /** False when the request never left (refused, unresolvable, TLS handshake); true when it may have reached the server. */
    readonly sent: boolean,
    cause: unknown,
    attempts: number,
    /** The server's certificate did not verify against the trusted CAs. */
    readonly certificate = false,
  ) {
    const reason = (cause as Error)?.message || String(cause);
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    const what = certificate ? `its certificate is not trusted (${reason}); check the CA (certificate-authority) of the kubeconfig` : reason;
    super(`${request.verb} ${describeTarget(request)}: cannot reach ${server}: ${what}${tries}`, { cause });
  }
}

/**
 * True for the errors no retry can fix — bad credentials and missing
 * permissions — which an operator reports and stops retrying.
 */
export function isTerminal(error: unknown): boolean {
  return error instanceof ApiError && error.terminal;
}
