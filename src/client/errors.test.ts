import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  ForbiddenError,
  GoneError,
  InvalidError,
  NotFoundError,
  ServerError,
  TooManyRequestsError,
  UnauthorizedError,
  apiErrorFromBody,
  isTerminal,
} from './errors.ts';
import { describeRequest } from './request-subject.ts';

const patchEx1 = { request: describeRequest('PATCH', '/apis/kopf.dev/v1/namespaces/default/kopfexamples/ex1') };

function status(code: number, reason: string, message: string, details?: object) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, ...(details ? { details } : {}) };
}

describe('apiErrorFromBody', () => {
  it('names the verb, the object, the code, the reason and the server message', () => {
    const error = apiErrorFromBody(
      409,
      status(409, 'Conflict', 'Operation cannot be fulfilled on kopfexamples.kopf.dev "ex1": the object has been modified; please apply your changes to the latest version and try again'),
      patchEx1,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'patch kopfexamples.kopf.dev default/ex1: 409 Conflict: Operation cannot be fulfilled on kopfexamples.kopf.dev "ex1": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(error.code).toBe(409);
    expect(error.reason).toBe('Conflict');
    expect(error.terminal).toBe(false);
  });

  it('picks the class from the code and, for 409, the reason', () => {
    const classOf = (code: number, reason = '') => apiErrorFromBody(code, status(code, reason, 'x'), patchEx1).constructor;
    expect(classOf(400, 'BadRequest')).toBe(BadRequestError);
    expect(classOf(401, 'Unauthorized')).toBe(UnauthorizedError);
    expect(classOf(403, 'Forbidden')).toBe(ForbiddenError);
    expect(classOf(404, 'NotFound')).toBe(NotFoundError);
    expect(classOf(409, 'AlreadyExists')).toBe(AlreadyExistsError);
    expect(classOf(409, 'Conflict')).toBe(ConflictError);
    expect(classOf(410, 'Expired')).toBe(GoneError);
    expect(classOf(422, 'Invalid')).toBe(InvalidError);
    expect(classOf(429, 'TooManyRequests')).toBe(TooManyRequestsError);
    expect(classOf(500, 'InternalError')).toBe(ServerError);
    expect(classOf(504, 'Timeout')).toBe(ServerError);
    expect(classOf(405, 'MethodNotAllowed')).toBe(ApiError);
  });

  it('keeps the causes of an Invalid error', () => {
    const causes = [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }];
    const error = apiErrorFromBody(422, status(422, 'Invalid', 'Pod "p1" is invalid: spec.containers: Required value', { name: 'p1', kind: 'Pod', causes }), {
      request: describeRequest('POST', '/api/v1/namespaces/default/pods'),
    });
    expect(error).toBeInstanceOf(InvalidError);
    expect(error.causes).toEqual(causes);
    expect(error.message).toBe('create pods in default: 422 Invalid: Pod "p1" is invalid: spec.containers: Required value');
  });

  it('fills in the reason of a Status without one, as client-go does', () => {
    const error = apiErrorFromBody(500, { kind: 'Status', code: 500, message: 'resourceVersion should not be set on objects to be created' }, {
      request: describeRequest('POST', '/api/v1/namespaces/default/configmaps'),
    });
    expect(error.reason).toBe('InternalError');
    expect(error.message).toBe('create configmaps in default: 500 InternalError: resourceVersion should not be set on objects to be created');
  });

  it('makes a Status of bodies that are not one', () => {
    const error = apiErrorFromBody(404, '404 page not found\n', { request: describeRequest('GET', '/apis/nope.example.com/v1/things') });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('list things.nope.example.com: 404 NotFound: 404 page not found');
  });

  it('takes the retry delay from the header, else from the details', () => {
    const fromDetails = apiErrorFromBody(429, status(429, 'TooManyRequests', 'storage is (re)initializing', { retryAfterSeconds: 1 }), patchEx1);
    expect(fromDetails.retryAfterSeconds).toBe(1);
    const fromHeader = apiErrorFromBody(429, status(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 1 }), { ...patchEx1, retryAfterSeconds: 7 });
    expect(fromHeader.retryAfterSeconds).toBe(7);
  });
});

describe('terminal errors', () => {
  it('401 is terminal and names the identity', () => {
    const error = apiErrorFromBody(401, status(401, 'Unauthorized', 'Unauthorized'), {
      request: describeRequest('GET', '/api/v1/namespaces/default/pods'),
      identity: 'user "ops" of context "prod" (bearer token) from kubeconfig /k',
    });
    expect(isTerminal(error)).toBe(true);
    expect(error.message).toBe(
      'list pods in default: 401 Unauthorized: the server rejected the credentials of user "ops" of context "prod" (bearer token) from kubeconfig /k, also after re-authenticating; this is terminal until the credentials are fixed',
    );
  });

  it('an RBAC denial is terminal and says so', () => {
    const message = 'kopfexamples.kopf.dev is forbidden: User "system:serviceaccount:default:op" cannot list resource "kopfexamples" in API group "kopf.dev" in the namespace "default"';
    const error = apiErrorFromBody(403, status(403, 'Forbidden', message, { group: 'kopf.dev', kind: 'kopfexamples' }), {
      request: describeRequest('GET', '/apis/kopf.dev/v1/namespaces/default/kopfexamples'),
    }) as ForbiddenError;
    expect(error.permissionDenied).toBe(true);
    expect(isTerminal(error)).toBe(true);
    expect(error.message).toBe(`list kopfexamples.kopf.dev in default: 403 Forbidden: ${message}; a missing permission is terminal until RBAC grants it`);
  });

  it('a 403 about the object (a terminating namespace) is not terminal', () => {
    const message = 'configmaps "c" is forbidden: unable to create new content in namespace gone because it is being terminated';
    const error = apiErrorFromBody(403, status(403, 'Forbidden', message, { causes: [{ reason: 'NamespaceTerminating', message: 'namespace gone is being terminated', field: 'metadata.namespace' }] }), {
      request: describeRequest('POST', '/api/v1/namespaces/gone/configmaps'),
    });
    expect(isTerminal(error)).toBe(false);
    expect(error.message).toBe(`create configmaps in gone: 403 Forbidden: ${message}`);
  });

  it('nothing else is terminal', () => {
    expect(isTerminal(apiErrorFromBody(500, status(500, 'InternalError', 'x'), patchEx1))).toBe(false);
    expect(isTerminal(new Error('x'))).toBe(false);
    expect(isTerminal(new ConnectionError(patchEx1.request, 'https://k', false, new Error('connect ECONNREFUSED'), 3))).toBe(false);
  });
});

describe('ConnectionError', () => {
  it('names the request, the server, the cause and the attempts', () => {
    const error = new ConnectionError(describeRequest('GET', '/api/v1/namespaces/ns/pods/p'), 'https://10.0.0.1:6443', false, new Error('connect ECONNREFUSED 10.0.0.1:6443'), 9);
    expect(error.message).toBe('get pods ns/p: cannot reach https://10.0.0.1:6443: connect ECONNREFUSED 10.0.0.1:6443 (after 9 attempts)');
    expect(error.sent).toBe(false);
    expect((error.cause as Error).message).toContain('ECONNREFUSED');
  });
});
