import { describe, expect, it } from 'vitest';
import { acceptsTable, toTable } from './table.ts';

const now = new Date('2026-01-02T03:04:05Z');

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'default', uid: 'u1', resourceVersion: '42', creationTimestamp: '2026-01-02T03:00:00Z', labels: { app: 'web' } },
  data: { a: '1' },
};

describe('toTable', () => {
  it('renders a list with column definitions, cells and partial object metadata', () => {
    const table = toTable({ group: '', kind: 'ConfigMap' }, [configMap], { now, resourceVersion: '120', continue: 'token', remainingItemCount: 5 });
    expect(table).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '120', continue: 'token', remainingItemCount: 5 },
      columnDefinitions: [
        expect.objectContaining({ name: 'Name', type: 'string', format: 'name', priority: 0 }),
        expect.objectContaining({ name: 'Data', type: 'string', format: '', priority: 0 }),
        expect.objectContaining({ name: 'Age', type: 'string', format: '', priority: 0 }),
      ],
      rows: [
        {
          cells: ['settings', 1, '4m5s'],
          object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: configMap.metadata },
        },
      ],
    });
  });

  it('embeds the whole object with includeObject=Object and null with None', () => {
    expect(toTable({ group: '', kind: 'ConfigMap' }, [configMap], { now, includeObject: 'Object' }).rows?.[0].object).toBe(configMap);
    expect(toTable({ group: '', kind: 'ConfigMap' }, [configMap], { now, includeObject: 'None' }).rows?.[0]).toEqual({ cells: ['settings', 1, '4m5s'], object: null });
  });

  it('leaves metadata empty when there is nothing to report', () => {
    expect(toTable({ group: '', kind: 'ConfigMap' }, [configMap], { now }).metadata).toEqual({});
  });

  it('sends null column definitions for watch events after the first', () => {
    const table = toTable({ group: '', kind: 'ConfigMap' }, [configMap], { now, withColumnDefinitions: false, resourceVersion: '42' });
    expect(table.columnDefinitions).toBeNull();
    expect(table.rows).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(table))).toHaveProperty('columnDefinitions', null);
  });

  it('carries row conditions for finished pods', () => {
    const pod = { metadata: { name: 'done', creationTimestamp: '2026-01-02T03:00:00Z' }, spec: { containers: [{ name: 'a' }] }, status: { phase: 'Succeeded' } };
    const row = toTable({ group: '', kind: 'Pod' }, [pod], { now, includeObject: 'None' }).rows?.[0];
    expect(row?.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(Object.keys(row ?? {})).toEqual(['cells', 'conditions', 'object']);
  });

  it('prints kinds without a printer as Name and Created At', () => {
    const role = { metadata: { name: 'reader', creationTimestamp: '2026-01-02T03:00:00Z' }, rules: [] };
    const table = toTable({ group: 'rbac.authorization.k8s.io', kind: 'Role' }, [role], { now, includeObject: 'None' });
    expect(table.columnDefinitions?.map((column) => [column.name, column.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(table.rows).toEqual([{ cells: ['reader', '2026-01-02T03:00:00Z'], object: null }]);
  });

  it('has null rows for an empty list of a kind without a printer, and [] otherwise, as upstream', () => {
    expect(toTable({ group: 'rbac.authorization.k8s.io', kind: 'Role' }, [], { now }).rows).toBeNull();
    expect(toTable({ group: '', kind: 'Pod' }, [], { now }).rows).toEqual([]);
    expect(toTable({ group: 'example.com', kind: 'Widget', printerColumns: [] }, [], { now }).rows).toEqual([]);
  });

  it('uses the printer columns of custom resources, or Name and Age without them', () => {
    const widget = { metadata: { name: 'w1', creationTimestamp: '2026-01-02T03:00:00Z' }, spec: { size: 3 } };
    const withColumns = toTable(
      { group: 'example.com', kind: 'Widget', printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] },
      [widget],
      { now, includeObject: 'None' },
    );
    expect(withColumns.columnDefinitions?.map((column) => column.name)).toEqual(['Name', 'Size']);
    expect(withColumns.rows?.[0].cells).toEqual(['w1', 3]);
    const plain = toTable({ group: 'example.com', kind: 'Widget', printerColumns: [] }, [widget], { now, includeObject: 'None' });
    expect(plain.columnDefinitions?.map((column) => [column.name, column.type])).toEqual([
      ['Name', 'string'],
      ['Age', 'date'],
    ]);
    expect(plain.rows?.[0].cells).toEqual(['w1', '4m5s']);
  });
});

describe('acceptsTable', () => {
  it.each([
    // kubectl get's Accept header.
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', true],
    ['application/json;g=meta.k8s.io;v=v1;as=Table', true],
    ['application/json; as=Table; v=v1beta1; g=meta.k8s.io', true],
    ['application/yaml;as=Table;v=v1;g=meta.k8s.io', true],
    ['*/*;as=Table;v=v1;g=meta.k8s.io', true],
    // Quality outranks order.
    ['application/json;q=0.5, application/json;as=Table;v=v1;g=meta.k8s.io', true],
    // An unservable conversion is skipped in favour of the next clause.
    ['application/json;as=Foo;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io', true],
    ['application/json', false],
    ['', false],
    ['application/json, application/json;as=Table;v=v1;g=meta.k8s.io', false],
    ['application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json', false],
    ['application/json;as=Table;v=v1', false],
    ['application/json;as=Table;v=v2;g=meta.k8s.io', false],
    ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io', false],
  ])('%s → %s', (header, expected) => {
    expect(acceptsTable(header)).toBe(expected);
  });
});
