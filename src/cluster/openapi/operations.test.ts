import { describe, expect, it } from 'vitest';
import type { OpenApiResource } from './openapi-resource.ts';
import { groupId, groupVersionRoot, resourcePaths } from './operations.ts';
import type { OpenApiObject, ResourceComponents } from './operations.ts';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const components: ResourceComponents = {
  kind: 'io.k8s.api.apps.v1.Deployment',
  list: 'io.k8s.api.apps.v1.DeploymentList',
  other: (gvk) => `other.${gvk.group}.${gvk.version}.${gvk.kind}`,
};

const deployment: OpenApiResource = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
  subresources: ['status', 'scale', 'log'],
  verbs: ALL_VERBS,
  builtin: true,
};

type Operation = Record<string, any>;
const op = (paths: Map<string, OpenApiObject>, path: string, method: string): Operation => (paths.get(path) as Record<string, Operation>)[method];
const parameterNames = (operation: Operation): string[] => (operation.parameters ?? []).map((parameter: { name: string }) => parameter.name);

describe('resourcePaths', () => {
  const paths = resourcePaths(deployment, components);
  const base = '/apis/apps/v1/namespaces/{namespace}/deployments';

  it('lays out collection, item, subresource and all-namespaces URLs', () => {
    expect([...paths.keys()].sort()).toEqual([
      '/apis/apps/v1/deployments',
      base,
      `${base}/{name}`,
      `${base}/{name}/scale`,
      `${base}/{name}/status`,
    ]);
    expect(Object.keys(paths.get(base)!).sort()).toEqual(['delete', 'get', 'parameters', 'post']);
    expect(Object.keys(paths.get(`${base}/{name}`)!).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
  });

  it('tags each operation with its action and group-version-kind object', () => {
    expect(op(paths, `${base}/{name}`, 'get')['x-kubernetes-action']).toBe('get');
    expect(op(paths, base, 'get')['x-kubernetes-action']).toBe('list');
    expect(op(paths, base, 'post')['x-kubernetes-action']).toBe('post');
    expect(op(paths, base, 'delete')['x-kubernetes-action']).toBe('deletecollection');
    expect(op(paths, `${base}/{name}`, 'patch')['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(op(paths, `${base}/{name}/status`, 'patch')['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(op(paths, `${base}/{name}/scale`, 'patch')['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('declares fieldValidation on every write and the patch parameters on PATCH', () => {
    for (const path of [`${base}/{name}`, `${base}/{name}/status`, `${base}/{name}/scale`]) {
      expect(parameterNames(op(paths, path, 'patch'))).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
      expect(parameterNames(op(paths, path, 'put'))).toEqual(['dryRun', 'fieldManager', 'fieldValidation']);
    }
    expect(parameterNames(op(paths, base, 'post'))).toEqual(['dryRun', 'fieldManager', 'fieldValidation']);
    expect(parameterNames(op(paths, base, 'get'))).toContain('labelSelector');
    expect(parameterNames(op(paths, `${base}/{name}`, 'delete'))).toContain('propagationPolicy');
  });

  it('puts name, namespace and pretty on the path item', () => {
    const names = (paths.get(`${base}/{name}`)!.parameters as Array<{ name: string }>).map((parameter) => parameter.name);
    expect(names).toEqual(['name', 'namespace', 'pretty']);
  });

  it('gives built-in PATCH no request body, so kubectl does not build strategic patches from these schemas', () => {
    expect(op(paths, `${base}/{name}`, 'patch').requestBody).toBeUndefined();
    expect(op(paths, base, 'post').requestBody).toEqual({
      content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' } } },
      required: true,
    });
  });

  it('lists the apply, JSON and merge patch types on custom resources', () => {
    const custom = resourcePaths({ ...deployment, group: 'example.com', kind: 'Widget', plural: 'widgets', builtin: false }, components);
    const patch = op(custom, '/apis/example.com/v1/namespaces/{namespace}/widgets/{name}', 'patch');
    expect(Object.keys(patch.requestBody.content)).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
    ]);
  });

  it('answers with the kind, its list kind, Status or the subresource kind', () => {
    const schemaOf = (operation: Operation, code: string): string => operation.responses[code].content['application/json'].schema.$ref;
    expect(schemaOf(op(paths, `${base}/{name}`, 'get'), '200')).toBe('#/components/schemas/io.k8s.api.apps.v1.Deployment');
    expect(schemaOf(op(paths, base, 'get'), '200')).toBe('#/components/schemas/io.k8s.api.apps.v1.DeploymentList');
    expect(schemaOf(op(paths, `${base}/{name}`, 'delete'), '200')).toBe('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status');
    expect(schemaOf(op(paths, `${base}/{name}/scale`, 'put'), '201')).toBe('#/components/schemas/other.autoscaling.v1.Scale');
  });

  it('names operations like upstream', () => {
    expect(op(paths, `${base}/{name}/status`, 'get').operationId).toBe('readAppsV1NamespacedDeploymentStatus');
    expect(op(paths, base, 'delete').operationId).toBe('deleteAppsV1CollectionNamespacedDeployment');
    expect(op(paths, '/apis/apps/v1/deployments', 'get').operationId).toBe('listAppsV1DeploymentForAllNamespaces');
    expect(op(paths, `${base}/{name}`, 'patch').description).toBe('partially update the specified Deployment');
  });

  it('offers only the operations the verbs allow, and cluster-scoped URLs for cluster-scoped kinds', () => {
    const namespace = resourcePaths(
      { ...deployment, group: '', kind: 'Namespace', plural: 'namespaces', namespaced: false, subresources: [], verbs: ['get', 'list', 'create'] },
      components,
    );
    expect([...namespace.keys()]).toEqual(['/api/v1/namespaces', '/api/v1/namespaces/{name}']);
    expect(Object.keys(namespace.get('/api/v1/namespaces/{name}')!)).toEqual(['get', 'parameters']);
    expect(op(namespace, '/api/v1/namespaces/{name}', 'get').operationId).toBe('readCoreV1Namespace');
  });
});

describe('group naming', () => {
  it('derives the identifiers upstream uses', () => {
    expect(groupId('')).toBe('Core');
    expect(groupId('apps')).toBe('Apps');
    expect(groupId('rbac.authorization.k8s.io')).toBe('RbacAuthorization');
    expect(groupId('example.com')).toBe('ExampleCom');
    expect(groupVersionRoot('', 'v1')).toBe('/api/v1');
    expect(groupVersionRoot('apps', 'v1')).toBe('/apis/apps/v1');
  });
});
