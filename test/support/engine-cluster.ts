/**
 * A test cluster with the examples' CRD applied (`kopfexamples.kopf.dev`, with a status subresource),
 * and small helpers for its objects — shared by the engine's integration tests.
 */
import { readFileSync } from 'node:fs';
import { startCluster } from '../../src/kits/testing/start-cluster.ts';
import type { KubeObject, TestCluster } from '../../src/kits/testing/test-cluster.ts';

/** The examples' CRD, as YAML text. */
export const exampleCrd = readFileSync(new URL('../../examples/crd.yaml', import.meta.url), 'utf8');

/** Starts a cluster (the run's default backend) with the examples' CRD. */
export async function startExampleCluster(): Promise<TestCluster> {
  const cluster = await startCluster();
  await cluster.apply(exampleCrd);
  return cluster;
}

/** Creates a namespace (for tests that keep their objects apart); resolves with its name. */
export async function createNamespace(cluster: TestCluster, name: string): Promise<string> {
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** A KopfExample object in `default` (or the namespace `metadata` names). */
export function example(name: string, spec: Record<string, unknown> = { field: 'value' }, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name, namespace: 'default', ...metadata }, spec };
}

/** Reads a KopfExample's field by dotted path (undefined when the object or the field is absent). */
export async function exampleField(cluster: TestCluster, name: string, path: string, namespace = 'default'): Promise<any> {
  let value: any = await cluster.get('kopfexamples', name, namespace);
  for (const key of path.split('.')) value = value?.[key];
  return value;
}
