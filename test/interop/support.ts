/**
 * What the interop tests share: whether Kopf is there (skip with a visible message, or fail in CI), Kopf
 * and kopf-ts started on one namespace of a cluster, and a look at the objects' Kopf annotations.
 */
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { findKopf, installKopfCommand, kopfInstallDir, kopfVersion, startKopf, type KopfProcess } from '../../src/kits/testing/real-kopf.ts';
import type { KubeObject, TestCluster } from '../../src/kits/testing/test-cluster.ts';
import type { Registry } from '../../src/registry/registry.ts';
import { startOperator, type TestOperator } from '../support/operator.ts';

/**
 * How long the interop tests wait for any one step. Kopf takes a second or more to start, and CI runs these
 * files beside others on two cores.
 */
export const stepTimeoutMs = 30_000;

const kopf = findKopf();
const missingKopf =
  `Kopf ${kopfVersion} is not installed (no KOPF_TS_KOPF, nothing in ${kopfInstallDir()}/venv); ` +
  `install it with \`${installKopfCommand}\``;

/**
 * `describe` for tests that run the real Kopf: skipped with a warning where Kopf is not installed, except
 * under CI, where a missing Kopf is a failure.
 */
export function describeWithKopf(name: string, body: () => void): void {
  if (!kopf && process.env.CI) {
    it(`${name}: finds Kopf, which CI must have`, () => {
      throw new Error(`${missingKopf}: CI must run the interop tests`);
    });
    return;
  }
  // The default reporter lists no names of skipped tests; the warning makes the reason visible in every run.
  if (!kopf) console.warn(`interop tests with Kopf skipped: ${missingKopf}`);
  describe.skipIf(!kopf)(name, { timeout: 4 * stepTimeoutMs }, body);
}

/** The path of one of our Python operators in `test/interop/operators/`. */
export function operatorFile(name: string): string {
  return fileURLToPath(new URL(`./operators/${name}`, import.meta.url));
}

/** Creates a namespace, so that each test has its operators and objects to itself. */
export async function createNamespace(cluster: TestCluster, name: string): Promise<string> {
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** Kopf serving one namespace, once it watches the examples' resource there. */
export async function startKopfOn(
  cluster: TestCluster,
  namespace: string,
  file: string,
  env: Record<string, string> = {},
): Promise<KopfProcess> {
  const kopf = startKopf({ cluster, file: operatorFile(file), args: ['--standalone', '--namespace', namespace], env });
  try {
    await kopf.waitForLine(new RegExp(`Starting the watch-stream for kopfexamples\\.v1\\.kopf\\.dev in '${namespace}'\\.$`), stepTimeoutMs);
  } catch (error) {
    await kopf.stop();
    throw error;
  }
  return kopf;
}

/** kopf-ts serving one namespace with the given handlers. */
export function startKopfTsOn(cluster: TestCluster, namespace: string, registry: Registry): Promise<TestOperator> {
  return startOperator(cluster, { registry, namespaces: [namespace], standalone: true });
}

/** A KopfExample in a namespace. */
export function exampleIn(namespace: string, name: string, spec: Record<string, unknown> = { field: 'value' }): KubeObject {
  return { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name, namespace }, spec };
}

/** The annotations of an object under Kopf's prefix (`kopf.zalando.org/…`). */
export function kopfAnnotations(object: KubeObject | undefined): Record<string, string> {
  const annotations = (object?.metadata?.annotations ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(annotations).filter(([key]) => key.startsWith('kopf.zalando.org/')));
}

/** The progress record of a handler on an object, parsed; undefined when there is none. */
export function progressRecord(object: KubeObject | undefined, id: string): Record<string, unknown> | undefined {
  const record = kopfAnnotations(object)[`kopf.zalando.org/${id}`];
  return record === undefined ? undefined : JSON.parse(record);
}

/** The last-handled-configuration of an object, parsed; undefined when there is none. */
export function lastHandled(object: KubeObject | undefined): unknown {
  const stored = kopfAnnotations(object)['kopf.zalando.org/last-handled-configuration'];
  return stored === undefined ? undefined : JSON.parse(stored);
}
