import { Agent, request } from 'undici';
import { parseAllDocuments } from 'yaml';
import type { Faults } from '../../cluster/faults.ts';

/** Any Kubernetes object, as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, the text otherwise. */
  body: any;
  text: string;
}

export interface WaitOptions {
  /** Milliseconds before giving up (default 10 s). */
  timeout?: number;
  /** Milliseconds between checks (default 25 ms). */
  interval?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * A cluster for tests, embedded or real, with the small set of helpers tests
 * need. The helpers speak plain HTTP to the API server — not the framework's
 * client — so a bug in the client cannot hide behind them.
 */
export interface TestCluster {
  backend: 'embedded' | 'real';
  url: string;
  kubeconfig: string;
  kubeconfigPath: string;
  /** Fault injection: the embedded cluster only (undefined on the real backend). */
  faults: Faults | undefined;
  /** Creates or updates objects from YAML text (several documents allowed) or objects; CRDs are awaited until served. */
  apply(input: string | KubeObject | KubeObject[]): Promise<KubeObject[]>;
  /** Gets an object; undefined when it does not exist. `resource` is a plural, kind, short name or `plural.group`. */
  get(resource: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
  list(resource: string, options?: { namespace?: string; labelSelector?: string; fieldSelector?: string }): Promise<KubeObject[]>;
  /** Deletes an object; resolves without error when it is already gone. */
  delete(resource: string, name: string, options?: { namespace?: string; propagationPolicy?: string }): Promise<void>;
  /** Polls `check` until it returns a truthy value, which it returns; throws after the timeout. */
  waitFor<T>(check: () => T | Promise<T>, options?: WaitOptions): Promise<NonNullable<T>>;
  /** A raw API request (for conformance tests): path relative to the server, body as JSON or text. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  /** Embedded: resolves when the internal controllers are idle. Real: resolves at once. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

interface ResourceInfo {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
}

/** Builds the helpers of a TestCluster over an API server's URL and credentials. */
export function httpHelpers(connection: { url: string; token?: string; caPem?: string }) {
  const dispatcher = new Agent({ connect: { ca: connection.caPem }, keepAliveTimeout: 1000 });
  let resources: ResourceInfo[] | undefined;

  async function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await request(connection.url + path, {
      method: method as 'GET',
      dispatcher,
      headers: {
        ...(connection.token ? { authorization: `Bearer ${connection.token}` } : {}),
        ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
        accept: 'application/json',
        ...headers,
      },
      body: text,
    });
    const responseText = await response.body.text();
    let parsed: unknown = responseText;
    try {
      parsed = JSON.parse(responseText);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, headers: response.headers as RawResponse['headers'], body: parsed, text: responseText };
  }

  async function discover(): Promise<ResourceInfo[]> {
    const found: ResourceInfo[] = [];
    const add = (group: string, version: string, list: { resources: Array<{ name: string; kind: string; namespaced: boolean; shortNames?: string[] }> }) => {
      for (const r of list.resources) {
        if (!r.name.includes('/')) found.push({ group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced, shortNames: r.shortNames ?? [] });
      }
    };
    add('', 'v1', (await raw('GET', '/api/v1')).body);
    const groups = (await raw('GET', '/apis')).body.groups as Array<{ name: string; preferredVersion: { version: string } }>;
    const lists = await Promise.all(groups.map((g) => raw('GET', `/apis/${g.name}/${g.preferredVersion.version}`)));
    groups.forEach((g, i) => lists[i].status === 200 && add(g.name, g.preferredVersion.version, lists[i].body));
    return found;
  }

  function match(all: ResourceInfo[], name: string): ResourceInfo | undefined {
    const [first, ...rest] = name.split('.');
    const group = rest.join('.');
    const lower = first.toLowerCase();
    return all.find(
      (r) => (group === '' || r.group === group) && (r.plural === lower || r.kind.toLowerCase() === lower || r.shortNames.includes(lower)),
    );
  }

  async function resolve(name: string): Promise<ResourceInfo> {
    resources ??= await discover();
    let found = match(resources, name);
    if (!found) {
      resources = await discover();
      found = match(resources, name);
    }
    if (!found) throw new Error(`the server has no resource "${name}"`);
    return found;
  }

  async function resolveKind(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const find = () => resources?.find((r) => r.group === group && r.kind === kind);
    resources ??= await discover();
    let found = find();
    if (!found) {
      resources = await discover();
      found = find();
    }
    if (!found) throw new Error(`the server has no kind ${kind} in ${apiVersion}`);
    return { ...found, version };
  }

  function path(r: ResourceInfo, namespace?: string, name?: string): string {
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
    return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
    const deadline = Date.now() + (options.timeout ?? 10_000);
    let lastError: unknown;
    for (;;) {
      try {
        const value = await check();
        if (value) return value as NonNullable<T>;
      } catch (e) {
        lastError = e;
      }
      if (Date.now() > deadline) {
        const why = lastError ? `; last error: ${(lastError as Error).message}` : '';
        throw new Error(`timed out waiting for ${options.description ?? 'the condition'}${why}`);
      }
      await new Promise((r) => setTimeout(r, options.interval ?? 25));
    }
  }

  function failure(what: string, response: RawResponse): Error {
    return new Error(`${what}: ${response.status} ${response.body?.message ?? response.text}`);
  }

  async function applyOne(obj: KubeObject): Promise<KubeObject> {
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) throw new Error(`apply needs apiVersion, kind and metadata.name: ${JSON.stringify(obj)}`);
    const r = await resolveKind(obj.apiVersion, obj.kind);
    const response = await raw('PATCH', `${path(r, obj.metadata.namespace, obj.metadata.name)}?fieldManager=kopf-ts-testing&force=true`, JSON.stringify(obj), {
      'content-type': 'application/apply-patch+yaml',
    });
    if (response.status >= 300) throw failure(`apply ${obj.kind} ${obj.metadata.name}`, response);
    if (obj.kind === 'CustomResourceDefinition') await awaitCrd(response.body);
    return response.body;
  }

  /** A CRD is usable once it is Established and its resource answers a list (the real server lags, §9.2). */
  async function awaitCrd(crd: KubeObject): Promise<void> {
    const spec = crd.spec as { group: string; names: { plural: string }; versions: Array<{ name: string; served: boolean }> };
    await waitFor(async () => {
      const current = await raw('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata!.name}`);
      const conditions = (current.body?.status?.conditions ?? []) as Array<{ type: string; status: string }>;
      return conditions.some((c) => c.type === 'Established' && c.status === 'True');
    }, { description: `CRD ${crd.metadata!.name} to be established`, timeout: 30_000 });
    const version = spec.versions.find((v) => v.served)?.name;
    await waitFor(async () => (await raw('GET', `/apis/${spec.group}/${version}/${spec.names.plural}?limit=1`)).status === 200, {
      description: `${spec.names.plural}.${spec.group} to be served`,
      timeout: 30_000,
    });
    resources = undefined;
  }

  return {
    request: raw,
    waitFor,
    async apply(input: string | KubeObject | KubeObject[]): Promise<KubeObject[]> {
      const objects: KubeObject[] =
        typeof input === 'string'
          ? parseAllDocuments(input).map((d) => d.toJSON()).filter((o) => o && typeof o === 'object')
          : Array.isArray(input)
            ? input
            : [input];
      const applied: KubeObject[] = [];
      for (const obj of objects) applied.push(await applyOne(obj));
      return applied;
    },
    async get(resource: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
      const r = await resolve(resource);
      const response = await raw('GET', path(r, namespace, name));
      if (response.status === 404) return undefined;
      if (response.status >= 300) throw failure(`get ${resource} ${name}`, response);
      return response.body;
    },
    async list(resource: string, options: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): Promise<KubeObject[]> {
      const r = await resolve(resource);
      const query = new URLSearchParams();
      if (options.labelSelector) query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
      const base = r.namespaced && !options.namespace ? path({ ...r, namespaced: false }) : path(r, options.namespace);
      const response = await raw('GET', `${base}${query.size ? `?${query}` : ''}`);
      if (response.status >= 300) throw failure(`list ${resource}`, response);
      return response.body.items;
    },
    async delete(resource: string, name: string, options: { namespace?: string; propagationPolicy?: string } = {}): Promise<void> {
      const r = await resolve(resource);
      const response = await raw('DELETE', path(r, options.namespace, name), options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : undefined);
      if (response.status >= 300 && response.status !== 404) throw failure(`delete ${resource} ${name}`, response);
    },
    close: () => dispatcher.close(),
  };
}
