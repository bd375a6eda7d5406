/**
 * The API's error vocabulary: every failure the embedded server answers is an
 * `ApiError`, rendered as a `Status` object with the reason, code, message and
 * details that kube-apiserver 1.32 uses (apiserver-spec §2.4).
 */

/** One entry of `Status.details.causes`; upstream names the cause type `reason`. */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** The resource an error is about: group and plural, as upstream's qualified resource. */
export interface ResourceRef {
  group: string;
  plural: string;
}

/** `pods` or `widgets.example.com`: how upstream names a resource in messages. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

export function notFound(ref: ResourceRef, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(ref)} "${name}" not found`, {
    name,
    group: ref.group || undefined,
    kind: ref.plural,
  });
}

export function alreadyExists(ref: ResourceRef, name: string, terminating = false): ApiError {
  const prefix = terminating ? 'object is being deleted: ' : '';
  return new ApiError(409, 'AlreadyExists', `${prefix}${qualifiedResource(ref)} "${name}" already exists`, {
    name,
    group: ref.group || undefined,
    kind: ref.plural,
  });
}

export function conflict(ref: ResourceRef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${why}`, {
    name,
    group: ref.group || undefined,
    kind: ref.plural,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function forbidden(message: string, details?: StatusDetails): ApiError {
  return new ApiError(403, 'Forbidden', message, details);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource', details: StatusDetails = {}): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message, details);
}

export function unsupportedMediaType(message: string, details?: StatusDetails): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message, details);
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** The cause types of field errors, as upstream's `field.ErrorType` names them in causes. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid';

/** One validation failure of one field; `message` is the full text, `field` the dotted path. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
}

/** How upstream prints a bad value in messages: strings quoted, numbers and booleans bare, others as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export const fieldError = {
  required(field: string, detail = ''): FieldError {
    return { type: 'FieldValueRequired', field, message: `${field}: Required value${detail ? `: ${detail}` : ''}` };
  },
  invalid(field: string, value: unknown, detail: string): FieldError {
    return { type: 'FieldValueInvalid', field, message: `${field}: Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ''}` };
  },
  typeInvalid(field: string, value: unknown, detail: string): FieldError {
    return { type: 'FieldValueTypeInvalid', field, message: `${field}: Invalid value: ${formatValue(value)}: ${detail}` };
  },
  notSupported(field: string, value: unknown, supported: unknown[]): FieldError {
    const list = supported.map(formatValue).join(', ');
    return { type: 'FieldValueNotSupported', field, message: `${field}: Unsupported value: ${formatValue(value)}${list ? `: supported values: ${list}` : ''}` };
  },
  forbidden(field: string, detail: string): FieldError {
    return { type: 'FieldValueForbidden', field, message: `${field}: Forbidden: ${detail}` };
  },
  duplicate(field: string, value: unknown): FieldError {
    return { type: 'FieldValueDuplicate', field, message: `${field}: Duplicate value: ${formatValue(value)}` };
  },
  tooLong(field: string, max: number, unit = 'bytes'): FieldError {
    return { type: 'FieldValueTooLong', field, message: `${field}: Too long: may not be more than ${max} ${unit}` };
  },
  tooMany(field: string, actual: number, max: number, unit = 'items'): FieldError {
    return { type: 'FieldValueTooMany', field, message: `${field}: Too many: ${actual}: must have at most ${max} ${unit}` };
  },
};

/**
 * 422 Invalid: `<Kind> "<name>" is invalid: <errors>`. One error stands alone;
 * several are listed in brackets, as upstream's aggregate prints them.
 * `kindLabel` is `Pod` for core kinds and `Widget.example.com` for grouped ones.
 */
export function invalid(kindLabel: string, name: string, errors: FieldError[], group = '', kind = kindLabel.split('.')[0]): ApiError {
  const text = errors.length === 1 ? errors[0].message : `[${errors.map((e) => e.message).join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kindLabel} "${name}" is invalid: ${text}`, {
    name,
    group: group || undefined,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: e.message.slice(e.field.length + 2), field: e.field })),
  });
}
