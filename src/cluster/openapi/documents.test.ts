import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openApiV3Document, openApiV3Index, openApiV3Path, openApiV3ServerDocument } from './documents.ts';
import type { OpenApiResource } from './documents.ts';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const builtin = (group: string, kind: string, plural: string, subresources: string[] = []): OpenApiResource => ({
  group,
  version: 'v1',
  kind,
  plural,
  namespaced: kind !== 'Namespace',
  subresources,
  verbs: VERBS,
  builtin: true,
});

const coreResources = [
  builtin('', 'Pod', 'pods', ['status', 'binding', 'eviction', 'log']),
  builtin('', 'ConfigMap', 'configmaps'),
  builtin('', 'Namespace', 'namespaces', ['status']),
];
const appsResources = [builtin('apps', 'Deployment', 'deployments', ['status', 'scale'])];

const widget = (sizeType: string): OpenApiResource => ({
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
  subresources: ['status', 'scale'],
  verbs: VERBS,
  builtin: false,
  schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: sizeType } } } } },
});

type Json = Record<string, any>;
const parse = (body: string): Json => JSON.parse(body);

/** Every `$ref` anywhere in a document. */
function refsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => refsOf(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref') found.push(value as string);
      else refsOf(value, found);
    }
  }
  return found;
}

describe('openApiV3Document', () => {
  it('serializes an OpenAPI 3.0 document with its upper-case SHA-512 hash', () => {
    const document = openApiV3Document('', 'v1', coreResources);
    expect(document.hash).toBe(createHash('sha512').update(document.body).digest('hex').toUpperCase());
    expect(document.hash).toMatch(/^[0-9A-F]{128}$/);
    expect(parse(document.body).openapi).toBe('3.0.0');
  });

  it('is stable: same input, same hash, whatever the order of the resources', () => {
    const first = openApiV3Document('', 'v1', coreResources);
    const again = openApiV3Document('', 'v1', [...coreResources].reverse());
    expect(again.hash).toBe(first.hash);
    expect(again.body).toBe(first.body);
  });

  it('changes its hash when the content changes', () => {
    const integer = openApiV3Document('example.com', 'v1', [widget('integer')]);
    const string = openApiV3Document('example.com', 'v1', [widget('string')]);
    expect(string.hash).not.toBe(integer.hash);
    expect(openApiV3Document('example.com', 'v1', [widget('integer')]).hash).toBe(integer.hash);
  });

  it('holds every schema it references, transitively', () => {
    for (const document of [
      openApiV3Document('', 'v1', coreResources),
      openApiV3Document('apps', 'v1', appsResources),
      openApiV3Document('example.com', 'v1', [widget('integer')]),
    ]) {
      const parsed = parse(document.body);
      const names = Object.keys(parsed.components.schemas);
      for (const ref of refsOf(parsed)) expect(names).toContain(ref.replace('#/components/schemas/', ''));
    }
  });

  it('lets kubectl find a PATCH operation with fieldValidation for each kind, and the kind schema for explain', () => {
    const parsed = parse(openApiV3Document('apps', 'v1', appsResources).body);
    const patches = Object.values<Json>(parsed.paths)
      .map((item) => item.patch)
      .filter((patch) => patch?.['x-kubernetes-group-version-kind']?.kind === 'Deployment');
    expect(patches.length).toBeGreaterThan(0);
    for (const patch of patches) {
      expect(patch.parameters.map((parameter: Json) => parameter.name)).toContain('fieldValidation');
      expect(patch.requestBody).toBeUndefined();
    }
    const deployment = parsed.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(deployment['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect(parsed.components.schemas['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    expect(parsed.components.schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
    expect(parsed.components.schemas['io.k8s.api.apps.v1.DeploymentList']).toBeDefined();
  });

  it('describes the subresources with a body and leaves out streaming ones', () => {
    const paths = Object.keys(parse(openApiV3Document('', 'v1', coreResources).body).paths);
    expect(paths).toContain('/api/v1/namespaces/{namespace}/pods/{name}/status');
    expect(paths).toContain('/api/v1/namespaces/{namespace}/pods/{name}/eviction');
    expect(paths).toContain('/api/v1/namespaces/{name}/status');
    expect(paths).not.toContain('/api/v1/namespaces/{namespace}/pods/{name}/log');
    expect(paths).toContain('/api/v1/');
  });

  it('treats default, example and enum values of a CRD schema as data', () => {
    const resource = widget('integer');
    resource.schema!.properties!.spec.default = { $ref: '#/components/schemas/not.a.Schema' };
    const parsed = parse(openApiV3Document('example.com', 'v1', [resource]).body);
    expect(parsed.components.schemas['not.a.Schema']).toBeUndefined();
    expect(parsed.components.schemas['com.example.v1.Widget'].properties.spec.default).toEqual({ $ref: '#/components/schemas/not.a.Schema' });
  });

  it('builds custom resource components from the CRD schema', () => {
    const parsed = parse(openApiV3Document('example.com', 'v1', [widget('integer')]).body);
    const kind = parsed.components.schemas['com.example.v1.Widget'];
    expect(kind.properties.spec.properties.size).toEqual({ type: 'integer' });
    expect(kind.properties.metadata.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    expect(kind['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', version: 'v1', kind: 'Widget' }]);
    expect(parsed.components.schemas['com.example.v1.WidgetList']).toBeDefined();
    expect(parsed.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();

    const patch = parsed.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
    expect(Object.keys(patch.requestBody.content)).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
    ]);
  });

  it('gives a built-in that kubernetes-types does not declare an open schema', () => {
    const parsed = parse(openApiV3Document('example.io', 'v1', [{ ...builtin('example.io', 'Gadget', 'gadgets') }]).body);
    expect(parsed.components.schemas['io.example.v1.Gadget']['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });
});

describe('openApiV3Index', () => {
  const index = openApiV3Index(
    [
      { group: '', version: 'v1', resources: coreResources },
      { group: 'apps', version: 'v1', resources: appsResources },
      { group: 'example.com', version: 'v1', resources: [widget('integer')] },
    ],
    ['', 'apps'],
  );

  it('lists every group/version, CRD ones included, with the hash of its document', () => {
    expect(index.paths['api/v1'].serverRelativeURL).toBe(`/openapi/v3/api/v1?hash=${openApiV3Document('', 'v1', coreResources).hash}`);
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toBe(
      `/openapi/v3/apis/apps/v1?hash=${openApiV3Document('apps', 'v1', appsResources).hash}`,
    );
    expect(index.paths['apis/example.com/v1'].serverRelativeURL).toBe(
      `/openapi/v3/apis/example.com/v1?hash=${openApiV3Document('example.com', 'v1', [widget('integer')]).hash}`,
    );
  });

  it('lists the non-group/version entries, with apis/<group> for built-in groups only', () => {
    expect(Object.keys(index.paths)).toEqual([
      '.well-known/openid-configuration',
      'api',
      'api/v1',
      'apis',
      'apis/apps',
      'apis/apps/v1',
      'apis/example.com/v1',
      'openid/v1/jwks',
      'version',
    ]);
    expect(index.paths.version.serverRelativeURL).toBe(`/openapi/v3/version?hash=${openApiV3ServerDocument('version')!.hash}`);
  });

  it('maps group/versions to index paths', () => {
    expect(openApiV3Path('', 'v1')).toBe('api/v1');
    expect(openApiV3Path('example.com', 'v1')).toBe('apis/example.com/v1');
  });
});

describe('openApiV3ServerDocument', () => {
  it('describes the discovery and version endpoints with their schemas', () => {
    const group = parse(openApiV3ServerDocument('apis/apps')!.body);
    expect(group.paths['/apis/apps/'].get.operationId).toBe('getAppsAPIGroup');
    expect(Object.keys(group.components.schemas)).toContain('io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup');
    const version = parse(openApiV3ServerDocument('version')!.body);
    expect(version.components.schemas['io.k8s.apimachinery.pkg.version.Info'].required).toContain('gitVersion');
    expect(Object.keys(parse(openApiV3ServerDocument('api')!.body).paths)).toEqual(['/api/']);
  });

  it('knows nothing else', () => {
    expect(openApiV3ServerDocument('logs')).toBeUndefined();
    expect(openApiV3ServerDocument('apis/')).toBeUndefined();
    expect(openApiV3ServerDocument('apis/../x')).toBeUndefined();
  });
});
