import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { changesOf } from './field-manager.ts';
import { managedFieldsAfterWrite, managerName, resetFieldsOf, writeContextOf } from './ownership.ts';
import { emptyObjectOf } from './resource-field-types.ts';

const service = { group: '', version: 'v1', kind: 'Service', plural: 'services', builtin: true, status: true } as ResourceType;
const configMap = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', builtin: true, status: false } as ResourceType;
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', builtin: true, status: true } as ResourceType;
const now = '2026-01-01T00:00:01Z';

describe('ownership of writes', () => {
  it('names the manager after fieldManager, else the User-Agent product, else unknown', () => {
    expect(managerName('mgr', 'kopf/1.37', false)).toBe('mgr');
    expect(managerName(undefined, 'kubectl-edit/v1.32.4 (linux/amd64)', false)).toBe('kubectl-edit');
    expect(managerName(undefined, undefined, false)).toBe('unknown');
    expect(managerName(undefined, undefined, true)).toBe('kube-apiserver');
  });

  it('resets status through the main endpoint and spec through /status', () => {
    expect(resetFieldsOf(service, undefined)).toEqual(['status']);
    expect(resetFieldsOf(configMap, undefined)).toEqual([]);
    expect(resetFieldsOf(service, 'status')).toEqual(['spec']);
  });

  it('leaves the fields a Service create was assigned by the server unowned', () => {
    const body: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } };
    const created: KubeObject = {
      ...body,
      spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP', clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' },
      status: { loadBalancer: {} },
    };
    const entries = managedFieldsAfterWrite(service, undefined, created, { manager: 'mk', now, requested: undefined, createBody: body });
    expect(entries).toEqual([
      {
        manager: 'mk',
        operation: 'Update',
        apiVersion: 'v1',
        time: now,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} } }, 'f:type': {} } },
      },
    ]);
  });

  it('gives each create the fields it set, also where one of the same shape came before', () => {
    const deploymentOf = (name: string, image: string, port: number): KubeObject => ({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name, namespace: 'default', uid: name, creationTimestamp: now, labels: { app: name } },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image, ports: [{ containerPort: port }] }] } } },
      status: { replicas: 0 },
    });
    const objects: Array<[ResourceType, KubeObject]> = [
      [configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { key: 'one' } }],
      [configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' }, data: { key: 'two' } }],
      [configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { other: 'two' } }],
      [configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd', namespace: 'default' } }],
      [deployment, deploymentOf('web', 'nginx', 80)],
      [deployment, deploymentOf('api', 'httpd', 80)],
      // The same shape but for its list's items, which name the list's elements.
      [deployment, deploymentOf('db', 'postgres', 5432)],
    ];
    for (const [type, created] of objects) {
      const context = writeContextOf(type, 'mk', undefined, now);
      const { changed } = changesOf(emptyObjectOf(type), created, context);
      const entries = managedFieldsAfterWrite(type, undefined, created, { manager: 'mk', now, requested: undefined, createBody: created });
      expect(entries?.[0].fieldsV1, created.metadata.name).toEqual(changed.empty ? undefined : changed.toFieldsV1());
    }
  });

  it('takes the managers of the request body when valid, and the stored ones otherwise', () => {
    const stored: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'old', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }] }, data: { a: '1' } };
    const write = (requested: unknown) => managedFieldsAfterWrite(configMap, stored, stored, { manager: 'w', now, requested })?.map((e) => e.manager);
    expect(write(undefined)).toEqual(['old']);
    expect(write([{ manager: 'set', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }])).toEqual(['set']);
    expect(write([{}])).toBeUndefined();
    expect(write([])).toBeUndefined();
    expect(write([{ manager: 'bad', operation: 'Bogus' }])).toEqual(['old']);
  });

  it('gives a write to an object without managers one entry: the writer with all it set, through its subresource', () => {
    const unmanaged: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'ClusterIP' }, status: { loadBalancer: {} } };
    const changed: KubeObject = { ...unmanaged, status: { loadBalancer: { ingress: [{ ip: '10.1.1.1' }] } } };
    expect(managedFieldsAfterWrite(service, unmanaged, changed, { manager: 'lb', subresource: 'status', now, requested: undefined })).toEqual([
      {
        manager: 'lb',
        operation: 'Update',
        apiVersion: 'v1',
        time: now,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } },
        subresource: 'status',
      },
    ]);
    // A body that clears the managers leaves the writer alone with what it changed; a write that changes nothing, nobody.
    const stored: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'old', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }] }, data: { a: '1' } };
    const cleared = managedFieldsAfterWrite(configMap, stored, { ...stored, data: { a: '1', b: '2' } }, { manager: 'w', now, requested: [] });
    expect(cleared).toEqual([{ manager: 'w', operation: 'Update', apiVersion: 'v1', time: now, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } }]);
    expect(managedFieldsAfterWrite(configMap, undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e' } }, { manager: 'w', now, requested: undefined })).toBeUndefined();
  });

  it("keeps the only manager's entry and document when it changes only its own fields, with the write's time", () => {
    const created: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    const entries = managedFieldsAfterWrite(configMap, undefined, created, { manager: 'w', now, requested: undefined, createBody: created })!;
    const stored: KubeObject = { ...created, metadata: { ...created.metadata, managedFields: entries } };
    const document = entries[0].fieldsV1;
    const changed: KubeObject = { ...stored, data: { a: '2' } };
    const later = '2026-01-01T00:00:09Z';
    const kept = managedFieldsAfterWrite(configMap, stored, changed, { manager: 'w', now: later, requested: stored.metadata.managedFields });
    expect(kept).toEqual([{ manager: 'w', operation: 'Update', apiVersion: 'v1', time: later, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } }]);
    expect(kept![0].fieldsV1).toBe(document);
    // Nothing changed: the entries stay as they were, time included.
    expect(managedFieldsAfterWrite(configMap, stored, stored, { manager: 'w', now: later, requested: undefined })).toEqual(stored.metadata.managedFields);
    // A new field, or another writer, goes the whole way: the set grows, or the field changes hands.
    const added = managedFieldsAfterWrite(configMap, stored, { ...stored, data: { a: '1', b: '2' } }, { manager: 'w', now: later, requested: undefined });
    expect(added![0].fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } });
    const other = managedFieldsAfterWrite(configMap, stored, changed, { manager: 'x', now: later, requested: undefined });
    expect(other!.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['w', { 'f:data': {} }],
      ['x', { 'f:data': { 'f:a': {} } }],
    ]);
  });
});
