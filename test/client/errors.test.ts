import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Api } from '../../src/client/api.ts';
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  NotFoundError,
  isTerminal,
} from '../../src/client/errors.ts';
import { defaultBackend, startCluster, type TestCluster } from '../../src/testing.ts';

// Each error class, built from what the server of this run really answers, and its message.

const ConfigMaps = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

let cluster: TestCluster;
let api: Api;
const namespace = `errors-${randomBytes(3).toString('hex')}`;

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  api = await connect({ kubeconfig: cluster.kubeconfigPath, transport: { retries: 0 } });
});

afterAll(async () => {
  await api?.close();
  await cluster?.delete('namespaces', namespace);
  await cluster?.stop();
});

describe('errors from the server', () => {
  it('404 NotFound', async () => {
    const error = await failure(api.get({ apiVersion: 'v1', kind: 'Pod' }, 'nope', { namespace }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(`get pods ${namespace}/nope: 404 NotFound: pods "nope" not found`);
    expect(error.status.details).toMatchObject({ name: 'nope', kind: 'pods' });
  });

  it('409 AlreadyExists', async () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup', namespace } };
    await api.create(object);
    const error = await failure(api.create(object));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.message).toBe(`create configmaps in ${namespace}: 409 AlreadyExists: configmaps "dup" already exists`);
  });

  it('409 Conflict on a stale resourceVersion', async () => {
    const read = await api.get(ConfigMaps, 'dup', { namespace });
    await api.patch(ConfigMaps, 'dup', { data: { a: '1' } }, { namespace });
    const error = await failure(api.replace({ ...read, apiVersion: 'v1', kind: 'ConfigMap' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      `update configmaps ${namespace}/dup: 409 Conflict: Operation cannot be fulfilled on configmaps "dup": the object has been modified; please apply your changes to the latest version and try again`,
    );
  });

  it('422 Invalid, with causes', async () => {
    const error = await failure(api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace } }));
    expect(error).toBeInstanceOf(InvalidError);
    expect(error.message).toMatch(new RegExp(`^create configmaps in ${namespace}: 422 Invalid: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": `));
    expect(error.causes).toEqual([expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name' })]);
  });

  it('400 BadRequest', async () => {
    const error = await failure(api.list(ConfigMaps, { namespace, labelSelector: 'a b c' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toMatch(new RegExp(`^list configmaps in ${namespace}: 400 BadRequest: `));
  });

  it('405 MethodNotAllowed stays a plain ApiError', async () => {
    const error = await failure(api.transport.request({ method: 'POST', path: '/api/v1/configmaps', body: {} }));
    expect(error.constructor).toBe(ApiError);
    expect(error.message).toBe('create configmaps: 405 MethodNotAllowed: the server does not allow this method on the requested resource');
  });

  it('403 Forbidden in a terminating namespace is not terminal', async () => {
    const doomed = `${namespace}-doomed`;
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: doomed } });
    // A finalizer keeps the namespace Terminating while the test writes into it.
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: doomed, finalizers: ['kopf-ts.dev/test'] } });
    await api.delete({ apiVersion: 'v1', kind: 'Namespace' }, doomed);
    const error = await failure(api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: doomed } }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(isTerminal(error)).toBe(false);
    expect(error.message).toBe(
      `create configmaps in ${doomed}: 403 Forbidden: configmaps "late" is forbidden: unable to create new content in namespace ${doomed} because it is being terminated`,
    );
    await api.patch(ConfigMaps, 'held', { metadata: { finalizers: null } }, { namespace: doomed });
  });

  it.skipIf(defaultBackend() === 'real')('410 Gone for a list at a compacted resourceVersion (embedded: compaction on demand)', async () => {
    const { metadata } = await api.list(ConfigMaps, { namespace });
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace } });
    cluster.faults!.compactHistory();
    const error = await failure(
      api.transport.request({ method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps`, query: { resourceVersion: metadata.resourceVersion, resourceVersionMatch: 'Exact' } }),
    );
    expect(error).toBeInstanceOf(GoneError);
    expect(error.message).toBe(`list configmaps in ${namespace}: 410 Expired: The resourceVersion for the provided list is too old.`);
  });
});
