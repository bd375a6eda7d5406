import { describe, expect, it } from 'vitest';
import { builtinSchemas } from './builtin-schemas.ts';
import { componentNameOf } from './schema-types.ts';
import type { OpenApiSchema } from './schema-types.ts';

const registry = builtinSchemas();

function component(name: string): OpenApiSchema {
  const schema = registry.schema(name);
  if (!schema) throw new Error(`no schema ${name}`);
  return schema;
}

/** Every component name reachable from `start` through `$ref`s. */
function reachable(start: string): Set<string> {
  const found = new Set<string>();
  const pending = [start];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') pending.push(componentNameOf(value)!);
        else visit(value);
      }
    }
  };
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    visit(component(name));
  }
  return found;
}

describe('builtinSchemas', () => {
  it('describes Pod.spec.containers as an array of Container, whose name is required', () => {
    const pod = registry.schemaForKind('', 'v1', 'Pod')!;
    expect(pod.description).toMatch(/^Pod is a collection of containers/);
    expect(pod.properties!.spec).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
      description: expect.stringContaining('desired behavior of the pod'),
    });
    const containers = component('io.k8s.api.core.v1.PodSpec').properties!.containers;
    expect(containers.type).toBe('array');
    expect(containers.items).toEqual({ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
    expect(containers.description).toMatch(/^List of containers belonging to the pod/);

    const container = component('io.k8s.api.core.v1.Container');
    expect(container.required).toEqual(['name']);
    expect(container.description).toMatch(/single application container/);
    expect(container.properties!.name).toEqual({ description: expect.any(String), type: 'string' });
    expect(container.properties!.args).toMatchObject({ type: 'array', items: { type: 'string' } });
  });

  it('names components like upstream and lists the group-version-kind of top-level kinds', () => {
    expect(registry.componentNameForKind('apps', 'v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
    expect(registry.componentNameForKind('rbac.authorization.k8s.io', 'v1', 'ClusterRole')).toBe('io.k8s.api.rbac.v1.ClusterRole');
    expect(registry.componentNameForKind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')).toBe(
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    );
    expect(registry.schemaForKind('apps', 'v1', 'Deployment')!['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', version: 'v1', kind: 'Deployment' },
    ]);
    expect(registry.schemaForKind('', 'v1', 'ConfigMap')!['x-kubernetes-group-version-kind']).toEqual([
      { group: '', version: 'v1', kind: 'ConfigMap' },
    ]);
    expect(component('io.k8s.apimachinery.pkg.apis.meta.v1.Status')['x-kubernetes-group-version-kind']).toEqual([
      { group: '', version: 'v1', kind: 'Status' },
    ]);
    // Nested types are not kinds.
    expect(component('io.k8s.api.core.v1.PodSpec')['x-kubernetes-group-version-kind']).toBeUndefined();
  });

  it('finds no kind in the wrong group, an unknown group or an unknown kind', () => {
    expect(registry.schemaForKind('', 'v1', 'Deployment')).toBeUndefined();
    expect(registry.schemaForKind('apps.example.com', 'v1', 'Deployment')).toBeUndefined();
    expect(registry.schemaForKind('example.com', 'v1', 'Widget')).toBeUndefined();
    expect(registry.schemaForKind('', 'v1', 'PodSpec')).toBeUndefined();
    expect(registry.schema('io.k8s.api.core.v1.NoSuchType')).toBeUndefined();
    expect(registry.schema('com.example.v1.Widget')).toBeUndefined();
    expect(registry.schema('io.k8s.api.../v1.Pod')).toBeUndefined();
  });

  it('gives Time, MicroTime, Quantity and IntOrString their JSON forms', () => {
    expect(component('io.k8s.apimachinery.pkg.apis.meta.v1.Time')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(component('io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(component('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').properties!.creationTimestamp).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }],
    });

    const quantity = component('io.k8s.apimachinery.pkg.api.resource.Quantity');
    expect(quantity['x-kubernetes-int-or-string']).toBe(true);
    expect(quantity.type).toBeUndefined();
    expect(quantity.description).toMatch(/fixed-point representation of a number/);

    const targetPort = component('io.k8s.api.core.v1.ServicePort').properties!.targetPort;
    expect(targetPort.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
    expect(component('io.k8s.apimachinery.pkg.util.intstr.IntOrString')).toMatchObject({
      'x-kubernetes-int-or-string': true,
      format: 'int-or-string',
    });
  });

  it('describes maps with additionalProperties and floats as numbers', () => {
    expect(component('io.k8s.api.core.v1.ConfigMap').properties!.data).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(component('io.k8s.api.core.v1.ResourceRequirements').properties!.limits).toMatchObject({
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
    });
    const props = component('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps').properties!;
    expect(props.maximum).toMatchObject({ type: 'number' });
    expect(props.maxLength).toMatchObject({ type: 'integer' });
  });

  it('declares the x-kubernetes keywords of JSONSchemaProps, which kubernetes-types leaves out', () => {
    const props = component('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps').properties!;
    for (const keyword of [
      'x-kubernetes-embedded-resource',
      'x-kubernetes-int-or-string',
      'x-kubernetes-list-map-keys',
      'x-kubernetes-list-type',
      'x-kubernetes-map-type',
      'x-kubernetes-preserve-unknown-fields',
      'x-kubernetes-validations',
    ]) {
      expect(props[keyword], keyword).toBeDefined();
    }
    expect(props.properties).toMatchObject({
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps' },
    });
    // Multi-shaped values (JSON, JSONSchemaPropsOrBool) carry no type.
    expect(component('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON').type).toBeUndefined();
    expect(component('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool').type).toBeUndefined();
  });

  it('adds the 1.32 fields that kubernetes-types 1.30 lacks and drops removed ones', () => {
    const rule = component('io.k8s.api.admissionregistration.v1.RuleWithOperations').properties!;
    expect(Object.keys(rule).sort()).toEqual(['apiGroups', 'apiVersions', 'operations', 'resources', 'scope']);
    expect(component('io.k8s.api.core.v1.Volume').properties!.image).toBeDefined();
    expect(component('io.k8s.api.core.v1.PodResourceClaim').properties!.source).toBeUndefined();
    expect(component('io.k8s.api.core.v1.HostAlias').required).toEqual(['ip']);
  });

  it('resolves every reference reachable from the kinds an operator works with', () => {
    const names = new Set<string>();
    for (const [group, kind] of [
      ['', 'Pod'],
      ['', 'Service'],
      ['', 'Node'],
      ['apps', 'Deployment'],
      ['apps', 'StatefulSet'],
      ['batch', 'CronJob'],
      ['coordination.k8s.io', 'Lease'],
      ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'],
      ['apiextensions.k8s.io', 'CustomResourceDefinition'],
      ['autoscaling', 'Scale'],
    ]) {
      for (const name of reachable(registry.componentNameForKind(group, 'v1', kind)!)) names.add(name);
    }
    expect(names.size).toBeGreaterThan(150);
    expect(names).toContain('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    expect(names).toContain('io.k8s.api.core.v1.ImageVolumeSource');
  });

  it('returns the same object on every call (built once, then cached)', () => {
    expect(builtinSchemas()).toBe(registry);
    expect(registry.schemaForKind('', 'v1', 'Pod')).toBe(registry.schemaForKind('', 'v1', 'Pod'));
  });
});
