import { expect } from 'vitest';
import type { KubeObject, RawResponse, TestCluster } from '../../src/testing.ts';

/**
 * Helpers of the API conformance suite. Every test file drives one cluster
 * — the embedded one, or the real control plane with KOPF_TS_TEST_BACKEND=real —
 * with raw HTTP requests, and asserts what kube-apiserver 1.32 answers.
 */

export const mergePatch = 'application/merge-patch+json';
export const jsonPatch = 'application/json-patch+json';
export const strategicPatch = 'application/strategic-merge-patch+json';
export const applyPatch = 'application/apply-patch+yaml';

/** Raw requests against a cluster, one method per HTTP verb. */
export interface Api {
  get(path: string, headers?: Record<string, string>): Promise<RawResponse>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  patch(path: string, body: unknown, contentType?: string): Promise<RawResponse>;
  del(path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
}

export function apiOf(cluster: TestCluster): Api {
  return {
    get: (path, headers) => cluster.request('GET', path, undefined, headers),
    post: (path, body, headers) => cluster.request('POST', path, body, headers),
    put: (path, body, headers) => cluster.request('PUT', path, body, headers),
    patch: (path, body, contentType = mergePatch) => cluster.request('PATCH', path, body, { 'content-type': contentType }),
    del: (path, body, headers) => cluster.request('DELETE', path, body, headers),
  };
}

/** The values that differ between two servers by nature, replaced by placeholders. */
const natural = new Set(['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'lastTransitionTime']);

/**
 * An object with what differs by nature masked: uids, timestamps and
 * resourceVersions become placeholders, managedFields go (server-side apply
 * is compared in its own suite).
 */
export function masked(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => masked(v));
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'managedFields') continue;
      result[k] = masked(v, k);
    }
    return result;
  }
  if (typeof value === 'string' && natural.has(key)) return `<${key}>`;
  return value;
}

export interface ExpectedStatus {
  code: number;
  /** Absent for the reasonless 500s upstream answers. */
  reason?: string;
  message: string | RegExp;
  /** Compared exactly, `causes` as a multiset (upstream's order is not fixed). */
  details?: Record<string, unknown>;
}

interface Cause {
  reason?: string;
  field?: string;
  message: string;
}

const causeKey = (c: Cause) => `${c.reason ?? ''}|${c.field ?? ''}|${c.message}`;

/** Asserts a failure answer: HTTP code, and a Status with the reason, message and details kube-apiserver gives. */
export function expectStatus(response: RawResponse, expected: ExpectedStatus): void {
  expect(response.status, response.text).toBe(expected.code);
  const status = response.body;
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: expected.code });
  expect(status.reason).toBe(expected.reason);
  if (typeof expected.message === 'string') expect(status.message).toBe(expected.message);
  else expect(status.message).toMatch(expected.message);
  if (expected.details === undefined) {
    expect(status.details).toBeUndefined();
    return;
  }
  const { causes, ...rest } = status.details ?? {};
  const { causes: expectedCauses, ...expectedRest } = expected.details as { causes?: Cause[] };
  expect(rest).toEqual(expectedRest);
  expect(((causes ?? []) as Cause[]).map(causeKey).sort()).toEqual(((expectedCauses ?? []) as Cause[]).map(causeKey).sort());
  if (expectedCauses === undefined) expect(causes).toBeUndefined();
}

/** `n` copies of a cause: upstream repeats some on updates. */
export function times(n: number, cause: Cause): Cause[] {
  return Array<Cause>(n).fill(cause);
}

/** Creates a namespace; with `serviceAccount`, waits for its default ServiceAccount (pods need it upstream). */
export async function createNamespace(cluster: TestCluster, name: string, options: { serviceAccount?: boolean } = {}): Promise<void> {
  const response = await cluster.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  expect(response.status, response.text).toBe(201);
  if (options.serviceAccount) {
    await cluster.waitFor(async () => (await cluster.request('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)).status === 200, {
      description: `the default ServiceAccount of ${name}`,
      timeout: 30_000,
    });
  }
}

/**
 * Creates a CRD and waits until its resource is served: Established, and a
 * list answers 200 (the real server answers 429 for a moment, §9.2).
 */
export async function createCrd(cluster: TestCluster, crd: KubeObject): Promise<KubeObject> {
  const response = await cluster.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  expect(response.status, response.text).toBe(201);
  const spec = crd.spec as { group: string; names: { plural: string }; versions: Array<{ name: string; served: boolean }> };
  const version = spec.versions.find((v) => v.served)!.name;
  await cluster.waitFor(
    async () => {
      const current = await cluster.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata!.name}`);
      const established = (current.body?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
      return established && (await cluster.request('GET', `/apis/${spec.group}/${version}/${spec.names.plural}?limit=1`)).status === 200;
    },
    { description: `CRD ${crd.metadata!.name} to be served`, timeout: 30_000 },
  );
  return response.body;
}

/** Deletes a CRD and waits until it is gone with all its objects (§9.6). */
export async function deleteCrd(cluster: TestCluster, name: string): Promise<void> {
  await cluster.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
  await cluster.waitFor(async () => (await cluster.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).status === 404, {
    description: `CRD ${name} to be gone`,
    timeout: 60_000,
  });
}

/**
 * A namespaced CRD `widgets.<group>` with status and scale subresources,
 * printer columns and a schema exercising validation, defaulting and pruning.
 */
export function widgetCrd(group: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [
            { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
            { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    size: { type: 'integer', minimum: 1, maximum: 100 },
                    replicas: { type: 'integer' },
                    color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                    name: { type: 'string', pattern: '^[a-z]+$', maxLength: 8 },
                    items: { type: 'array', maxItems: 3, items: { type: 'string' } },
                    nested: { type: 'object', properties: { flag: { type: 'boolean', default: true } } },
                    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
                status: {
                  type: 'object',
                  properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, phase: { type: 'string' } },
                },
              },
            },
          },
        },
      ],
    },
  };
}

/** A Widget of `widgetCrd(group)`. */
export function widget(group: string, name: string, spec: Record<string, unknown> = { size: 1 }, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name, ...metadata }, spec };
}

/** The names of a list's items, in the order the server gave them. */
export function names(list: { items: KubeObject[] }): string[] {
  return list.items.map((i) => i.metadata!.name!);
}
