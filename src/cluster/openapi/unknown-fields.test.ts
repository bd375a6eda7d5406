import { describe, expect, it } from 'vitest';
import { builtinSchemas } from './builtin-schemas.ts';
import { customResourceSchemas } from './custom-resource-schemas.ts';
import type { OpenApiSchema } from './schema-types.ts';
import { findUnknownFields, pruneUnknownFields } from './unknown-fields.ts';

const registry = builtinSchemas();

function kindSchema(group: string, version: string, kind: string): OpenApiSchema {
  const schema = registry.schemaForKind(group, version, kind);
  if (!schema) throw new Error(`no schema for ${kind}`);
  return schema;
}

const metadata = {
  name: 'web',
  namespace: 'default',
  uid: '2b1c8f0e-0000-4000-8000-000000000001',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2026-01-02T03:04:05Z',
  labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
  annotations: { 'kopf.zalando.org/last-handled-configuration': '{"spec":{}}' },
  finalizers: ['kopf.zalando.org/KopfFinalizerMarker'],
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true, blockOwnerDeletion: true }],
  managedFields: [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2026-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } } },
    },
  ],
};

const podSpec = {
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27',
      args: ['--port', '8080'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25 } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: 8080 } },
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    },
  ],
  volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }, { name: 'config', configMap: { name: 'web' } }],
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
  restartPolicy: 'Always',
};

const customResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 10.5, default: 3 },
                  color: { type: 'string', enum: ['red', 'blue'] },
                  port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                  items: {
                    type: 'array',
                    items: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['key'],
                  },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
                'x-kubernetes-validations': [{ rule: 'self.size <= 10', message: 'too big', reason: 'FieldValueInvalid' }],
              },
              status: { type: 'object', 'x-kubernetes-map-type': 'granular', nullable: true },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size', priority: 0 }],
        selectableFields: [{ jsonPath: '.spec.color' }],
      },
    ],
    conversion: { strategy: 'None' },
  },
  status: {
    acceptedNames: { plural: 'widgets', kind: 'Widget' },
    storedVersions: ['v1'],
    conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'ok', lastTransitionTime: '2026-01-02T03:04:05Z' }],
  },
};

const widgetSchema = customResourceDefinition.spec.versions[0].schema.openAPIV3Schema as OpenApiSchema;

describe('findUnknownFields on built-in kinds', () => {
  it('reports an unknown container field with its list index', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec: { ...podSpec, containers: [{ name: 'web', image: 'nginx', foo: 1 }] } };
    expect(findUnknownFields(kindSchema('', 'v1', 'Pod'), pod)).toEqual(['spec.containers[0].foo']);
  });

  it('reports every unknown field in document order, at any depth', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labelz: {} },
      spec: {
        containers: [{ name: 'a' }, { name: 'b', resources: { limits: { cpu: '1' }, limitz: {} } }],
        junk: true,
      },
      extra: null,
    };
    expect(findUnknownFields(kindSchema('', 'v1', 'Pod'), pod)).toEqual([
      'metadata.labelz',
      'spec.containers[1].resources.limitz',
      'spec.junk',
      'extra',
    ]);
  });

  it('finds nothing in valid Deployment, ConfigMap, Service, Secret and Namespace objects', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
      },
      status: { replicas: 2, readyReplicas: 2, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-01-02T03:04:05Z' }] },
    };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { 'a.txt': 'x' }, binaryData: { b: 'AA==' }, immutable: false };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        sessionAffinity: 'None',
      },
      status: { loadBalancer: {} },
    };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', data: { password: 'cGFzcw==' }, stringData: { user: 'me' } };
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };

    expect(findUnknownFields(kindSchema('apps', 'v1', 'Deployment'), deployment)).toEqual([]);
    expect(findUnknownFields(kindSchema('', 'v1', 'ConfigMap'), configMap)).toEqual([]);
    expect(findUnknownFields(kindSchema('', 'v1', 'Service'), service)).toEqual([]);
    expect(findUnknownFields(kindSchema('', 'v1', 'Secret'), secret)).toEqual([]);
    expect(findUnknownFields(kindSchema('', 'v1', 'Namespace'), namespace)).toEqual([]);
  });

  it('accepts a full CustomResourceDefinition, whose schema is recursive and uses x-kubernetes keywords', () => {
    const schema = kindSchema('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition');
    expect(findUnknownFields(schema, customResourceDefinition)).toEqual([]);

    const withTypo = structuredClone(customResourceDefinition);
    (withTypo.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size as Record<string, unknown>).minimun = 1;
    (withTypo.spec.versions[0].subresources.status as Record<string, unknown>).enabled = true;
    expect(findUnknownFields(schema, withTypo)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.minimun',
      'spec.versions[0].subresources.status.enabled',
    ]);
  });

  it('accepts anything inside free-form fields (managedFields fieldsV1, RawExtension)', () => {
    const revision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata,
      revision: 1,
      data: { spec: { template: { anything: { goes: [1, 2] } } } },
    };
    expect(findUnknownFields(kindSchema('apps', 'v1', 'ControllerRevision'), revision)).toEqual([]);
  });

  it('checks a List kind against ListMeta, not ObjectMeta', () => {
    const list = { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '1', continue: 'x' }, items: [{ metadata: { name: 'a' }, datum: 1 }] };
    expect(findUnknownFields(kindSchema('', 'v1', 'ConfigMapList'), list)).toEqual(['items[0].datum']);
  });
});

describe('findUnknownFields on custom resources', () => {
  const widget = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'default', labels: { a: 'b' } },
    spec: {
      size: 3,
      color: 'red',
      port: 'http',
      items: [{ key: 'k' }],
      labels: { x: 'y' },
      template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner' }, data: { any: 'thing' } },
      extra: { free: { form: true } },
    },
    status: {},
  };

  it('finds nothing in a valid object, whose metadata is checked against ObjectMeta', () => {
    expect(findUnknownFields(widgetSchema, widget)).toEqual([]);
  });

  it('reports unknown spec, list item, metadata and embedded metadata fields', () => {
    const bad = structuredClone(widget) as Record<string, any>;
    bad.spec.junk = 1;
    bad.spec.items[0].value = 2;
    bad.metadata.nmae = 'typo';
    bad.spec.template.metadata.bogus = true;
    bad.status.phase = 'Ready';
    expect(findUnknownFields(widgetSchema, bad)).toEqual([
      'metadata.nmae',
      'spec.items[0].value',
      'spec.template.metadata.bogus',
      'spec.junk',
      'status.phase',
    ]);
  });

  it('works the same on the document component built from the CRD schema', () => {
    const resource = { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true, subresources: [], verbs: [], schema: widgetSchema, builtin: false };
    const component = customResourceSchemas(resource).get('com.example.v1.Widget')!;
    const bad = structuredClone(widget) as Record<string, any>;
    bad.spec.junk = 1;
    expect(findUnknownFields(component, bad)).toEqual(['spec.junk']);
    expect(findUnknownFields(component, widget)).toEqual([]);
  });

  it('keeps everything below x-kubernetes-preserve-unknown-fields while still checking metadata', () => {
    const open: OpenApiSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    expect(findUnknownFields(open, { apiVersion: 'a/v1', kind: 'K', metadata: { name: 'x', extra: 1 }, anything: { at: 'all' } })).toEqual([
      'metadata.extra',
    ]);
  });

  it('treats an object schema that declares nothing as accepting no fields', () => {
    const closed: OpenApiSchema = { type: 'object', properties: { spec: { type: 'object' } } };
    expect(findUnknownFields(closed, { spec: { a: 1 } })).toEqual(['spec.a']);
  });
});

describe('pruneUnknownFields', () => {
  it('returns a copy without the unknown fields and leaves the input alone', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: 'b' }, junk: 1 },
      spec: { containers: [{ name: 'a', image: 'i', foo: 1 }], nodeSelector: { x: 'y' } },
    };
    const input = structuredClone(pod);
    const pruned = pruneUnknownFields(kindSchema('', 'v1', 'Pod'), pod);
    expect(pruned).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: 'b' } },
      spec: { containers: [{ name: 'a', image: 'i' }], nodeSelector: { x: 'y' } },
    });
    expect(pod).toEqual(input);
    expect(pruned.spec.nodeSelector).not.toBe(pod.spec.nodeSelector);
  });

  it('prunes custom resources but keeps preserved and embedded content', () => {
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 1, sise: 2, extra: { keep: { me: 1 } }, template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'i', bad: 1 }, data: 1 } },
    };
    expect(pruneUnknownFields(widgetSchema, widget)).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 1, extra: { keep: { me: 1 } }, template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'i' }, data: 1 } },
    });
  });

  it('leaves values of the wrong JSON type to type validation', () => {
    const schema: OpenApiSchema = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } }, name: { type: 'string' } } };
    const value = { tags: { not: 'a list' }, name: { first: 'x' } };
    expect(findUnknownFields(schema, value)).toEqual([]);
    expect(pruneUnknownFields(schema, value)).toEqual(value);
  });

  it('keeps a __proto__ key as a plain key instead of changing the prototype', () => {
    const schema: OpenApiSchema = { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } };
    const value = JSON.parse('{"labels":{"__proto__":"x","a":"b"}}');
    const pruned = pruneUnknownFields(schema, value) as { labels: object };
    expect(Object.getPrototypeOf(pruned.labels)).toBe(Object.prototype);
    expect(Object.keys(pruned.labels)).toEqual(['__proto__', 'a']);
    expect(findUnknownFields(schema, JSON.parse('{"__proto__":{"polluted":true},"constructor":1}'))).toEqual(['__proto__', 'constructor']);
  });

  it('keeps values of any shape where the schema has no type', () => {
    const schema: OpenApiSchema = { type: 'object', properties: { value: { description: 'anything' } } };
    const value = { value: { deep: [1, { x: 2 }] } };
    expect(pruneUnknownFields(schema, value)).toEqual(value);
    expect(findUnknownFields(schema, value)).toEqual([]);
  });
});
