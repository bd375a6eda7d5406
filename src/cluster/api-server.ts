import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { Deleter, DeleteOptions } from './deletion.ts';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  legacyResourceList,
  wantsAggregated,
} from './discovery.ts';
import { ApiError, badRequest, conflict, internalError, methodNotAllowed, notFound, pathNotFound, unsupportedMediaType } from './errors.ts';
import type { Faults } from './faults.ts';
import type { ObjectApi, FieldValidation, WriteOptions, WriteResult } from './objects.ts';
import type { OpenApiService } from './openapi-service.ts';
import type { Patcher } from './patching.ts';
import { decodeProtobufBody, PROTOBUF_MEDIA_TYPE } from './protobuf/decode.ts';
import { parseResourcePath, type ResourceRequest } from './request-info.ts';
import { apiVersionOf, type KubeObject, type ResourceType } from './resource-type.ts';
import type { CrdController } from './controllers/crd-controller.ts';
import type { NamespaceController } from './controllers/namespace-controller.ts';
import type { Reviews } from './reviews.ts';
import type { ScaleApi } from './scale.ts';
import { compileFilter } from './selection.ts';
import type { ClusterState } from './state.ts';
import { acceptsTable, toTable } from './table/table.ts';
import { WatchSession, type WatchEventType } from './watch.ts';

/** Settings of the HTTP front of the embedded server. */
export interface ApiServerOptions {
  /** Bearer token required on every request; undefined serves anonymously. */
  token?: string;
  /** `host:port` that `/api` advertises. */
  serverAddress: () => string;
  bookmarkIntervalMs: number;
  version: Record<string, string>;
}

export interface ApiServerParts {
  state: ClusterState;
  objects: ObjectApi;
  deleter: Deleter;
  patcher: Patcher;
  scale: ScaleApi;
  reviews: Reviews;
  namespaces: NamespaceController;
  crds: CrdController;
  openapi: OpenApiService;
  faults: Faults;
  /** Container logs for `pods/log` (the simulated kubelet's output). */
  podLog: (namespace: string, name: string, container: string | undefined, previous: boolean) => string | undefined;
}

/** Upstream indents JSON for curl; everyone else gets compact bodies (§2.2). */
function jsonText(value: unknown, req: IncomingMessage): string {
  return (req.headers['user-agent'] ?? '').startsWith('curl') ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value);
}

function warningHeader(warnings: string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return v === 'true' || v === '1';
}

function writeOptions(query: URLSearchParams, req: IncomingMessage): WriteOptions {
  const validation = query.get('fieldValidation');
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) {
    throw new ApiError(400, 'BadRequest', `Invalid dry run option: ${dryRun.join(', ')}`);
  }
  if (validation && !['Strict', 'Warn', 'Ignore'].includes(validation)) {
    throw badRequest(`fieldValidation parameter unsupported: ${validation}`);
  }
  // Without an explicit manager, upstream names the writer after its User-Agent up to the first '/'.
  return {
    dryRun: dryRun.includes('All'),
    fieldManager: query.get('fieldManager') ?? ((req.headers['user-agent'] ?? '').split('/')[0] || undefined),
    fieldValidation: (validation ?? undefined) as FieldValidation | undefined,
  };
}

/**
 * The HTTP front of the embedded API server: authentication, routing,
 * content negotiation and streaming over the REST semantics of `ObjectApi`.
 */
export class ApiServer {
  private readonly watches = new Set<WatchSession>();

  constructor(
    private readonly parts: ApiServerParts,
    private readonly options: ApiServerOptions,
  ) {}

  /** Closes every open watch (server stop). */
  closeWatches(): void {
    for (const w of [...this.watches]) w.close();
  }

  /** Closes the watches of one resource (its CRD went away). */
  closeWatchesOf(group: string, plural: string): void {
    for (const w of [...this.watches]) if (w.resource.group === group && w.resource.plural === plural) w.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (e) {
      this.fail(req, res, e);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    const error = e instanceof ApiError ? e : internalError((e as Error)?.message ?? String(e));
    if (!(e instanceof ApiError)) console.error('embedded cluster: unexpected error', e);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(error.code, { 'Content-Type': 'application/json', ...error.headers });
    res.end(jsonText(error.toStatus(), req));
  }

  private send(req: IncomingMessage, res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
    res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
    res.end(jsonText(body, req));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://embedded');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (this.options.token !== undefined && !this.authorized(req)) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const { faults } = this.parts;
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (path.startsWith('/_kopf/faults')) return this.faultsEndpoint(req, res, method);

    switch (path) {
      case '/version':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(this.options.version, null, 2) + '\n');
        return;
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case '/api':
        return this.discovery(req, res, true);
      case '/apis':
        return this.discovery(req, res, false);
      case '/openapi/v2':
        throw pathNotFound();
      case '/openapi/v3': {
        this.send(req, res, 200, this.parts.openapi.index());
        return;
      }
    }
    if (path.startsWith('/openapi/v3/')) return this.openapiDocument(req, res, path.slice('/openapi/v3/'.length), url.searchParams);

    const info = parseResourcePath(method, path, url.searchParams);
    if (!info) return this.discoveryDocument(req, res, path, method);
    const decision = faults.decide({ watch: info.verb === 'watch', write: !['get', 'list', 'watch'].includes(info.verb) });
    if (decision.kind === 'throttle') {
      throw new ApiError(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', { retryAfterSeconds: decision.retryAfterSeconds }, { 'Retry-After': String(decision.retryAfterSeconds) });
    }
    if (decision.kind === 'error') {
      if (decision.code === 503) throw new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {});
      throw internalError('injected fault');
    }
    const type = this.parts.state.registry.find(info.group, info.version, info.resource);
    if (!type) throw pathNotFound();
    if (decision.kind === 'conflict') throw conflict(type, info.name ?? '');
    await this.resource(req, res, info, type, url.searchParams, decision.kind === 'expire');
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    return header === `Bearer ${this.options.token}`;
  }

  private discovery(req: IncomingMessage, res: ServerResponse, core: boolean): void {
    const { registry } = this.parts.state;
    if (wantsAggregated(req.headers.accept)) {
      res.writeHead(200, { 'Content-Type': aggregatedContentType, Vary: 'Accept' });
      res.end(jsonText(aggregatedDiscovery(registry, core), req));
      return;
    }
    this.send(req, res, 200, core ? legacyApiVersions(this.options.serverAddress()) : legacyGroupList(registry));
  }

  private discoveryDocument(req: IncomingMessage, res: ServerResponse, path: string, method: string): void {
    const parts = path.split('/').filter(Boolean);
    const { registry } = this.parts.state;
    if (method !== 'GET') throw methodNotAllowed();
    let doc: object | undefined;
    if (parts[0] === 'api' && parts.length === 2) doc = legacyResourceList(registry, '', parts[1]);
    else if (parts[0] === 'apis' && parts.length === 2) doc = legacyGroup(registry, parts[1]);
    else if (parts[0] === 'apis' && parts.length === 3) doc = legacyResourceList(registry, parts[1], parts[2]);
    if (!doc) throw pathNotFound();
    this.send(req, res, 200, doc);
  }

  private openapiDocument(req: IncomingMessage, res: ServerResponse, gvPath: string, query: URLSearchParams): void {
    const doc = this.parts.openapi.document(gvPath);
    if (!doc) throw pathNotFound();
    const hash = query.get('hash');
    if (hash && hash !== doc.hash) {
      res.writeHead(301, { Location: `/openapi/v3/${gvPath}?hash=${doc.hash}` });
      res.end();
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: `"${doc.hash}"` };
    if (hash) {
      headers['Cache-Control'] = 'public, immutable';
      headers.Expires = new Date(Date.now() + 365 * 24 * 3600_000).toUTCString();
    } else headers['Cache-Control'] = 'no-cache, private';
    res.writeHead(200, headers);
    res.end(doc.body);
  }

  private async faultsEndpoint(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const { faults } = this.parts;
    if (method === 'GET') return this.send(req, res, 200, faults.current);
    if (method === 'DELETE') {
      faults.reset();
      return this.send(req, res, 200, faults.current);
    }
    if (method !== 'POST') throw methodNotAllowed();
    const body = JSON.parse((await readBody(req)).toString() || '{}');
    const { cutWatchesNow, compactNow, ...settings } = body;
    faults.set(settings);
    if (cutWatchesNow) faults.cutWatches();
    if (compactNow) faults.compactHistory();
    this.send(req, res, 200, faults.current);
  }

  /** Decodes a request body: JSON, YAML, or the protobuf kubectl sends for typed creates (§0.3). */
  private decodeBody(req: IncomingMessage, raw: Buffer, type: ResourceType): KubeObject {
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
    // Protobuf decoding failures are ApiErrors already (415 for kinds outside our subset, 400 for bad bytes).
    if (contentType === PROTOBUF_MEDIA_TYPE) return decodeProtobufBody(raw) as unknown as KubeObject;
    const text = raw.toString();
    let value: unknown;
    try {
      value = contentType === 'application/yaml' ? parseYaml(text) : JSON.parse(text);
    } catch (e) {
      throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${(e as Error).message}`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: the body is not a JSON object`);
    }
    return value as KubeObject;
  }

  private async resource(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, type: ResourceType, query: URLSearchParams, expire: boolean): Promise<void> {
    const { objects, deleter, patcher, scale, reviews } = this.parts;
    if (type.namespaced === false && info.namespace !== undefined) throw pathNotFound();
    if (type.namespaced && info.namespace === undefined && !['list', 'watch'].includes(info.verb)) {
      if (!type.builtin) throw pathNotFound();
      throw methodNotAllowed();
    }
    if (!type.verbs.includes(info.verb) && !info.subresource) {
      if (type.ephemeral) throw methodNotAllowed(`${info.verb} is not supported on resources of kind "${type.group ? `${type.plural}.${type.group}` : type.plural}"`, { group: type.group, kind: type.plural });
      if (!type.builtin && info.verb !== 'create') throw methodNotAllowed();
    }
    const ns = info.namespace;
    const sub = info.subresource;
    if (sub) return this.subresource(req, res, info, type, query);

    switch (info.verb) {
      case 'get': {
        this.checkReadResourceVersion(query);
        const obj = objects.get(type, ns, info.name!);
        return this.sendObject(req, res, type, obj, query);
      }
      case 'list':
        return this.list(req, res, type, ns, query);
      case 'watch':
        return this.watch(req, res, type, info, query, expire);
      case 'create': {
        const body = this.decodeBody(req, await readBody(req), type);
        if (type.ephemeral) return this.send(req, res, 201, reviews.review(type, body));
        const options = writeOptions(query, req);
        const result = objects.create(type, ns, body, options);
        // A new CRD is served before its create is answered, as envtest users expect (§9.2).
        if (type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions' && !options.dryRun) {
          this.parts.crds.syncNow(result.object.metadata.name!);
        }
        return this.sendWrite(req, res, result);
      }
      case 'update': {
        const body = this.decodeBody(req, await readBody(req), type);
        return this.sendWrite(req, res, objects.update(type, ns, info.name!, body, writeOptions(query, req)));
      }
      case 'patch': {
        const body = (await readBody(req)).toString();
        const force = queryBool(query, 'force');
        return this.sendWrite(req, res, patcher.patch(type, ns, info.name!, req.headers['content-type'], body, { ...writeOptions(query, req), force }));
      }
      case 'delete': {
        const options = await this.deleteOptions(req, query);
        const result = deleter.delete(type, ns, info.name!, options);
        this.send(req, res, 200, result.object ?? result.status);
        return;
      }
      case 'deletecollection': {
        const options = await this.deleteOptions(req, query);
        const items = deleter.deleteCollection(type, ns, this.listOptions(query), options);
        this.send(req, res, 200, { kind: type.listKind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(this.parts.state.store.currentRevision) }, items });
        return;
      }
    }
  }

  private async subresource(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, type: ResourceType, query: URLSearchParams): Promise<void> {
    const { objects, patcher, scale } = this.parts;
    const ns = info.namespace;
    const name = info.name!;
    const sub = info.subresource!;
    if (sub === 'status' && type.status) {
      switch (info.verb) {
        case 'get':
          return this.sendObject(req, res, type, objects.get(type, ns, name), query);
        case 'update': {
          const body = this.decodeBody(req, await readBody(req), type);
          return this.sendWrite(req, res, objects.update(type, ns, name, body, writeOptions(query, req), { fromPatch: false, subresource: 'status' }));
        }
        case 'patch': {
          const body = (await readBody(req)).toString();
          return this.sendWrite(req, res, patcher.patch(type, ns, name, req.headers['content-type'], body, { ...writeOptions(query, req), force: queryBool(query, 'force') }, 'status'));
        }
      }
      throw methodNotAllowed();
    }
    if (sub === 'scale' && type.scale) {
      switch (info.verb) {
        case 'get':
          return this.send(req, res, 200, scale.get(type, ns, name));
        case 'update':
          return this.sendWrite(req, res, scale.update(type, ns, name, this.decodeBody(req, await readBody(req), type), writeOptions(query, req)), true);
        case 'patch':
          return this.sendWrite(req, res, scale.patch(type, ns, name, req.headers['content-type'], (await readBody(req)).toString(), writeOptions(query, req)), true);
      }
      throw methodNotAllowed();
    }
    if (sub === 'log' && type.group === '' && type.plural === 'pods' && info.verb === 'get') {
      const pod = objects.get(type, ns, name);
      const text = this.parts.podLog(ns!, name, query.get('container') ?? undefined, queryBool(query, 'previous') ?? false);
      if (text === undefined) {
        const containers = ((pod.spec as { containers?: Array<{ name: string }> })?.containers ?? []).map((c) => c.name);
        if (!query.get('container') && containers.length > 1) {
          throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
        }
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(text ?? '');
      return;
    }
    if (sub === 'finalize' && type.group === '' && type.plural === 'namespaces' && info.verb === 'update') {
      const body = this.decodeBody(req, await readBody(req), type);
      const current = objects.get(type, undefined, name);
      const next = { ...current, spec: { ...(current.spec as object), finalizers: (body.spec as { finalizers?: string[] })?.finalizers ?? [] } };
      return this.sendWrite(req, res, this.parts.namespaces.finalize(name, (next.spec as { finalizers: string[] }).finalizers));
    }
    if (type.builtin && type.extraSubresources.includes(sub)) throw methodNotAllowed();
    if (!type.builtin) throw notFound(type, name);
    throw pathNotFound();
  }

  private checkReadResourceVersion(query: URLSearchParams): void {
    const rv = query.get('resourceVersion');
    const current = this.parts.state.store.currentRevision;
    if (rv && rv !== '0' && /^\d+$/.test(rv) && Number(rv) > current) {
      throw new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${current}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    }
  }

  private listOptions(query: URLSearchParams) {
    const limit = query.get('limit');
    return {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
      limit: limit ? Number(limit) : undefined,
      continue: query.get('continue') ?? undefined,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
    };
  }

  private list(req: IncomingMessage, res: ServerResponse, type: ResourceType, ns: string | undefined, query: URLSearchParams): void {
    const options = this.listOptions(query);
    const listOptionsError = (message: string) =>
      new ApiError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${message}`, { group: 'meta.k8s.io', kind: 'ListOptions', causes: [{ reason: 'FieldValueForbidden', message, field: message.split(':')[0] }] });
    if (query.has('sendInitialEvents')) throw listOptionsError('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
    if (options.resourceVersionMatch && !options.resourceVersion) throw listOptionsError('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (options.continue && options.resourceVersion && options.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    if (options.resourceVersionMatch === 'Exact') {
      if (options.resourceVersion === '0') throw listOptionsError('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
      if (Number(options.resourceVersion) < this.parts.state.store.currentRevision) {
        throw new ApiError(410, 'Expired', 'The resourceVersion for the provided list is too old.');
      }
    }
    this.checkReadResourceVersion(query);
    const result = this.parts.objects.list(type, ns, options);
    const metadata = {
      resourceVersion: result.resourceVersion,
      ...(result.continue ? { continue: result.continue } : {}),
      ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
    };
    if (acceptsTable(req.headers.accept ?? '')) {
      this.send(req, res, 200, toTable(type, result.items, { includeObject: includeObject(query), now: this.parts.state.now(), ...metadata }));
      return;
    }
    this.send(req, res, 200, {
      kind: type.listKind,
      apiVersion: apiVersionOf(type),
      metadata,
      items: result.items,
    });
  }

  private sendObject(req: IncomingMessage, res: ServerResponse, type: ResourceType, obj: KubeObject, query: URLSearchParams): void {
    if (acceptsTable(req.headers.accept ?? '')) {
      this.send(req, res, 200, toTable(type, [obj], { includeObject: includeObject(query), now: this.parts.state.now(), resourceVersion: obj.metadata.resourceVersion }));
      return;
    }
    this.send(req, res, 200, obj);
  }

  private sendWrite(req: IncomingMessage, res: ServerResponse, result: WriteResult, _scale = false): void {
    const headers: Record<string, string | string[]> = {};
    if (result.warnings.length) headers.Warning = warningHeader(result.warnings);
    this.send(req, res, result.code, result.object, headers);
  }

  private async deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
    const raw = (await readBody(req)).toString().trim();
    let options: DeleteOptions = {};
    if (raw) {
      try {
        options = JSON.parse(raw);
      } catch (e) {
        throw badRequest(`error decoding DeleteOptions: ${(e as Error).message}`);
      }
    } else {
      // Query parameters count only when the body is empty (§2.2).
      const grace = query.get('gracePeriodSeconds');
      if (grace !== null) options.gracePeriodSeconds = Number(grace);
      if (query.get('propagationPolicy')) options.propagationPolicy = query.get('propagationPolicy')!;
      const orphan = queryBool(query, 'orphanDependents');
      if (orphan !== undefined) options.orphanDependents = orphan;
    }
    const dryRun = (options as { dryRun?: unknown }).dryRun;
    options.dryRun = Array.isArray(dryRun) ? dryRun.includes('All') : query.getAll('dryRun').includes('All');
    return options;
  }

  private watch(req: IncomingMessage, res: ServerResponse, type: ResourceType, info: ResourceRequest, query: URLSearchParams, expire: boolean): void {
    const rv = query.get('resourceVersion') ?? undefined;
    const rvMatch = query.get('resourceVersionMatch') ?? undefined;
    const sendInitialParam = queryBool(query, 'sendInitialEvents');
    const listOptionsError = (message: string, field: string, reason = 'FieldValueForbidden') =>
      new ApiError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${message}`, { group: 'meta.k8s.io', kind: 'ListOptions', causes: [{ reason, message: message.slice(field.length + 2), field }] });
    if (sendInitialParam !== undefined && rvMatch !== 'NotOlderThan') {
      throw listOptionsError('resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', 'resourceVersionMatch');
    }
    if (rvMatch !== undefined && sendInitialParam === undefined) {
      throw listOptionsError('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided', 'resourceVersionMatch');
    }
    const allowBookmarks = queryBool(query, 'allowWatchBookmarks') ?? false;
    // 1.32 turns RV unset/"0" into the watch-list form when neither parameter was sent (§7.3).
    const sendInitialEvents = sendInitialParam ?? (rv === undefined || rv === '0');
    const fieldSelector = [query.get('fieldSelector'), info.name ? `metadata.name=${info.name}` : undefined].filter(Boolean).join(',');
    const filter = compileFilter(type, query.get('labelSelector') ?? undefined, fieldSelector || undefined);
    const timeout = query.get('timeoutSeconds');
    const timeoutMs = timeout !== null ? Number(timeout) * 1000 : (1800 + Math.random() * 1800) * 1000;
    // Table events are not offered for the watch-list forms (§7.3).
    const table = acceptsTable(req.headers.accept ?? '') && !(sendInitialEvents && allowBookmarks);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    let first = true;
    const now = () => this.parts.state.now();
    const sink = {
      write: (eventType: WatchEventType, object: Record<string, unknown>) => {
        let payload: unknown = object;
        if (table && eventType !== 'ERROR' && eventType !== 'BOOKMARK') {
          payload = toTable(type, [object as KubeObject], { includeObject: includeObject(query), now: now(), resourceVersion: (object as KubeObject).metadata.resourceVersion, withColumnDefinitions: first });
          first = false;
        }
        res.write(JSON.stringify({ type: eventType, object: payload }) + '\n');
      },
      end: () => res.end(),
    };
    const session = new WatchSession(
      this.parts.state.store,
      {
        type,
        namespace: info.namespace,
        filter,
        resourceVersion: rv,
        sendInitialEvents,
        allowWatchBookmarks: allowBookmarks,
        timeoutMs,
        bookmarkIntervalMs: this.options.bookmarkIntervalMs,
        cutAfterEvents: this.parts.faults.cutWatchesEvery,
      },
      sink,
      (s) => {
        this.watches.delete(s);
        unregister();
      },
    );
    const unregister = this.parts.faults.registerWatch(() => session.close());
    this.watches.add(session);
    req.on('close', () => session.close());
    res.on('close', () => session.close());
    if (expire) {
      session.fail(new ApiError(410, 'Expired', `too old resource version: ${rv ?? 0} (${this.parts.state.store.currentRevision})`));
      return;
    }
    session.start();
  }
}

function includeObject(query: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
