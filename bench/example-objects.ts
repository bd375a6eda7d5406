/**
 * The KopfExample objects the operator benchmarks feed to their contenders: the examples' CRD (and a
 * variant without the status subresource), creating objects at full speed or at a fixed pace, seeing
 * when each carries its handler's result, and removing them between rounds.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { listAndWatch, type RawApi } from './raw-api.ts';

/** A custom resource the benchmarks create objects of. */
export interface BenchResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

/** The examples' resource, with a status subresource (examples/crd.yaml). */
export const kopfExamples: BenchResource = { group: 'kopf.dev', version: 'v1', plural: 'kopfexamples', kind: 'KopfExample' };

/** The same resource without a status subresource, under another name so both can exist at once. */
export const plainExamples: BenchResource = { group: 'kopf.dev', version: 'v1', plural: 'plainexamples', kind: 'PlainExample' };

/** The collection path of a resource: in one namespace, or across all when `namespace` is undefined. */
export function collectionPath(resource: BenchResource, namespace?: string): string {
  const scope = namespace ? `/namespaces/${namespace}` : '';
  return `/apis/${resource.group}/${resource.version}${scope}/${resource.plural}`;
}

/** The examples' CRD for `kopfExamples`, or — for `plainExamples` — the same schema without the status subresource. */
export function exampleCrd(resource: BenchResource): any {
  const crd = parse(readFileSync(new URL('../examples/crd.yaml', import.meta.url), 'utf8'));
  if (resource === kopfExamples) return crd;
  crd.metadata.name = `${resource.plural}.${resource.group}`;
  crd.spec.names = { kind: resource.kind, plural: resource.plural, singular: resource.kind.toLowerCase(), shortNames: ['pex'] };
  for (const version of crd.spec.versions) delete version.subresources;
  return crd;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates the CRD of a resource (if absent) and waits until its objects can be listed. */
export async function installResource(api: RawApi, resource: BenchResource): Promise<void> {
  const created = await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', exampleCrd(resource));
  if (created.status !== 201 && created.status !== 409) throw new Error(`creating the CRD of ${resource.plural}: ${created.status} ${JSON.stringify(created.body)}`);
  // A real apiserver answers 429 "storage is (re)initializing" for a moment after the CRD is established.
  await waitUntil(`${resource.plural} to be served`, async () => (await api.request('GET', `${collectionPath(resource)}?limit=1`)).status === 200);
}

/** Creates a namespace unless it exists. */
export async function ensureNamespace(api: RawApi, name: string): Promise<void> {
  const created = await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (created.status !== 201 && created.status !== 409) throw new Error(`creating namespace ${name}: ${created.status}`);
}

/** The names of a round's objects: `<prefix>-0` … `<prefix>-<count-1>`. */
export function objectNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

/** When a create was sent and when its response arrived (`process.hrtime`, ns). */
export interface CreateTimes {
  sentAt: bigint;
  respondedAt: bigint;
}

async function createOne(api: RawApi, resource: BenchResource, namespace: string, name: string): Promise<CreateTimes> {
  // The name is in the spec too: example 01 prints the spec, which is how a contender's output names the object.
  const object = { apiVersion: `${resource.group}/${resource.version}`, kind: resource.kind, metadata: { name, namespace }, spec: { field: name } };
  const sentAt = process.hrtime.bigint();
  const response = await api.request('POST', collectionPath(resource, namespace), object);
  const respondedAt = process.hrtime.bigint();
  if (response.status !== 201) throw new Error(`creating ${name}: ${response.status} ${JSON.stringify(response.body)}`);
  return { sentAt, respondedAt };
}

/** Creates the objects as fast as the server takes them, `concurrency` requests in flight. */
export async function createAtOnce(api: RawApi, resource: BenchResource, namespace: string, names: string[], concurrency: number): Promise<Map<string, CreateTimes>> {
  const times = new Map<string, CreateTimes>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < names.length) {
        const name = names[next++];
        times.set(name, await createOne(api, resource, namespace, name));
      }
    }),
  );
  return times;
}

/** Creates the objects one every `intervalMs`, on a schedule that does not drift with slow responses. */
export async function createPaced(api: RawApi, resource: BenchResource, namespace: string, names: string[], intervalMs: number): Promise<Map<string, CreateTimes>> {
  const times = new Map<string, CreateTimes>();
  const start = performance.now();
  const sending: Array<Promise<void>> = [];
  for (const [i, name] of names.entries()) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sending.push(createOne(api, resource, namespace, name).then((created) => void times.set(name, created)));
  }
  await Promise.all(sending);
  return times;
}

/** Watches a namespace's objects until each expected one carries a handler's result. */
export interface ResultWatch {
  /** Resolves when every expected object has its result, with the moment the last one was seen. */
  all: Promise<bigint>;
  /** When each object's result was seen (`process.hrtime`, ns). */
  seenAt: Map<string, bigint>;
  /** When each object's ADDED event arrived: what a bare watch in this process sees (`process.hrtime`, ns). */
  addedAt: Map<string, bigint>;
  stop(): void;
}

/**
 * Starts watching for results from now: `hasResult` tells whether an object carries one (example 01 in
 * kopf-ts writes `status.createFn`, in Kopf `status.create_fn`).
 */
export async function watchResults(api: RawApi, resource: BenchResource, namespace: string, expected: number, hasResult: (object: any) => boolean): Promise<ResultWatch> {
  const seenAt = new Map<string, bigint>();
  const addedAt = new Map<string, bigint>();
  let done!: (at: bigint) => void;
  const all = new Promise<bigint>((resolve) => (done = resolve));
  const informer = await listAndWatch(
    api,
    collectionPath(resource, namespace),
    ({ type, object }) => {
      const at = process.hrtime.bigint();
      if (type === 'DELETED') return;
      const name = object.metadata.name;
      if (type === 'ADDED') addedAt.set(name, at);
      if (seenAt.has(name) || !hasResult(object)) return;
      seenAt.set(name, at);
      if (seenAt.size === expected) done(at);
    },
    // Results seen after a resumed watch are seen late: say so, the figures of this round may suffer.
    (reason) => console.error(`note: the results watch was resumed (${reason}) after ${seenAt.size} of ${expected} results`),
  );
  return { all: Promise.race([all, informer.failed]), seenAt, addedAt, stop: () => informer.stop() };
}

/** Deletes every object of the resource in the namespace and waits until they are gone. */
export async function deleteAll(api: RawApi, resource: BenchResource, namespace: string): Promise<void> {
  const path = collectionPath(resource, namespace);
  const deleted = await api.request('DELETE', path);
  if (deleted.status !== 200) throw new Error(`deleting ${path}: ${deleted.status} ${JSON.stringify(deleted.body)}`);
  await waitUntil(`${path} to be empty`, async () => (await api.request('GET', `${path}?limit=1`)).body.items.length === 0, 300_000);
}
