import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import type { AdmittedWrites } from './admission/admitted-writes.ts';
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
import { parseFaultRequest, type Faults } from './faults.ts';
import { unrecognizedBody, type ObjectApi, type FieldValidation, type WriteResult } from './objects.ts';
import type { OpenApiService } from './openapi-service.ts';
import type { Patcher, PatchOptions } from './patching.ts';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/media-type.ts';
import { parseResourcePath, type ResourceRequest } from './request-info.ts';
import { parseRequestTarget } from './request-target.ts';
import { storedObjectJson } from './stored-json.ts';
import { apiVersionOf, type KubeObject, type ResourceType } from './resource-type.ts';
import type { CrdController } from './controllers/crd-controller.ts';
import type { PodLogAnswer } from './controllers/pod-runtime/pod-log-request.ts';
import type { NamespaceController } from './controllers/namespace-controller.ts';
import type { Reviews } from './reviews.ts';
import type { ScaleApi } from './scale.ts';
import { compileFilter } from './selection.ts';
import type { ClusterState } from './state.ts';
import { acceptsTable, toTable } from './table/table.ts';
import { warningHeader } from './warnings.ts';
import { jsonEventLine, parseWatchQuery, WatchSession, type EventRenderer, type WatchSink } from './watch.ts';

/** Every Kubernetes protobuf body starts with `k8s\0`. */
const protobufPrefix = Buffer.from('k8s\0', 'latin1');

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
  /** The writes that go through admission webhooks, used while any webhook is configured. */
  admitted: AdmittedWrites;
  scale: ScaleApi;
  reviews: Reviews;
  namespaces: NamespaceController;
  crds: CrdController;
  openapi: OpenApiService;
  faults: Faults;
  /** `pods/{name}/log`: the text so far and, with `follow`, the rest as it comes (the simulated kubelet's logs). */
  podLog: (pod: KubeObject, query: URLSearchParams) => PodLogAnswer;
}

function isCurl(req: IncomingMessage): boolean {
  return (req.headers['user-agent'] ?? '').startsWith('curl');
}

/** Upstream indents JSON for curl; everyone else gets compact bodies (§2.2). */
function jsonText(value: unknown, req: IncomingMessage): string {
  return isCurl(req) ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value);
}

/**
 * Answers with a whole JSON body. Its length is given, as kube-apiserver gives it for small bodies: Node then
 * sends head and body in one write instead of a chunked body.
 */
function sendJson(res: ServerResponse, code: number, text: string, headers: Record<string, string | string[]>): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// Plain listeners: a stream's async iterator costs several promises per request, and `once` a wrapper per listener
// (each of these events comes once; a promise settles once).
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', reject);
    // A client gone before its body ended; the error is made only then (a stack trace per request is not free).
    req.on('close', () => {
      if (!ended) reject(new Error('the request was closed before its body ended'));
    });
  });
}

/** How long a watch event may wait for others to leave with it in one socket write. */
const batchWaitMs = 0.5;

/** The last watch event line written, and its bytes. */
let lastEvent: { line: string; bytes: Buffer } | undefined;

/**
 * The bytes of a watch event line. Every watcher of a resource is sent the
 * same line (watch.ts renders it once): encoded here once, it is written to
 * each of them as is, where a string is encoded again for every socket.
 */
function eventBytes(line: string): Buffer {
  if (lastEvent?.line !== line) lastEvent = { line, bytes: Buffer.from(line) };
  return lastEvent.bytes;
}

function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return v === 'true' || v === '1';
}

/** 422 for bad request options, named after the options kind of the verb (`CreateOptions`, `PatchOptions`, ...). */
function optionsInvalid(optionsKind: string, field: string, reason: string, detail: string): ApiError {
  return new ApiError(422, 'Invalid', `${optionsKind}.meta.k8s.io "" is invalid: ${field}: ${detail}`, {
    group: 'meta.k8s.io',
    kind: optionsKind,
    causes: [{ reason, message: detail, field }],
  });
}

function checkDryRun(dryRun: string[], optionsKind: string): void {
  if (dryRun.some((d) => d !== 'All')) {
    const value = `[]string{${dryRun.map((d) => JSON.stringify(d)).join(', ')}}`;
    throw optionsInvalid(optionsKind, 'dryRun', 'FieldValueNotSupported', `Unsupported value: ${value}: supported values: "All"`);
  }
}

/** A body that is not a JSON or YAML object, as upstream's decoder words it. */
function unreadableBody(type: ResourceType, text: string, why: string): ApiError {
  return unrecognizedBody(type, `couldn't get version/kind; json parse error: ${why}`, text === '' ? '<empty>' : text);
}

const optionsKinds: Record<string, string> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions' };

function writeOptions(query: URLSearchParams, req: IncomingMessage, verb: 'create' | 'update' | 'patch'): PatchOptions {
  const validation = query.get('fieldValidation');
  const dryRun = query.getAll('dryRun');
  checkDryRun(dryRun, optionsKinds[verb]);
  if (validation && !['Strict', 'Warn', 'Ignore'].includes(validation)) {
    throw optionsInvalid(optionsKinds[verb], 'fieldValidation', 'FieldValueNotSupported', `Unsupported value: ${JSON.stringify(validation)}: supported values: "", "Ignore", "Strict", "Warn"`);
  }
  // Without an explicit manager, the writer is named after its User-Agent (objects.ts); apply requires one.
  return {
    dryRun: dryRun.includes('All'),
    fieldManager: query.get('fieldManager') ?? undefined,
    userAgent: req.headers['user-agent'],
    fieldValidation: (validation ?? undefined) as FieldValidation | undefined,
    // Made here rather than added to a copy for patches: every request's options then have one shape.
    force: verb === 'patch' ? queryBool(query, 'force') : undefined,
  };
}

/**
 * The bare `404 page not found` of upstream's last-resort handler: what paths
 * outside every built-in group get, including unknown or unserved custom
 * resources (apiserver-spec §2.4).
 */
class PageNotFound extends ApiError {
  constructor() {
    super(404, 'NotFound', '404 page not found');
  }
}

/** Built-in lists carry no per-item apiVersion and kind upstream; custom resource lists do (§8.1). */
function listItems(type: ResourceType, items: KubeObject[]): KubeObject[] {
  if (!type.builtin) return items;
  return items.map(({ apiVersion: _v, kind: _k, ...rest }) => rest as KubeObject);
}

const includeObjectValues = ['None', 'Metadata', 'Object'];

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
    if (error instanceof PageNotFound) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('404 page not found\n');
      return;
    }
    const status = error.toStatus();
    // Go omits empty detail fields.
    if (status.details?.name === '') delete status.details.name;
    sendJson(res, error.code, jsonText(status, req), error.headers);
  }

  private send(req: IncomingMessage, res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
    sendJson(res, code, jsonText(body, req), headers);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseRequestTarget(req.url ?? '/');
    const path = url.path.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (this.options.token !== undefined && !this.authorized(req)) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    // The admin endpoint itself is never delayed or failed: a test must always be able to turn faults off.
    if (path === '/_kopf/faults') return this.faultsEndpoint(req, res, method);
    const { faults } = this.parts;
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));

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
    if (path.startsWith('/openapi/v3/')) return this.openapiDocument(req, res, path.slice('/openapi/v3/'.length), url.query);

    const info = parseResourcePath(method, path, url.query);
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
    if (!type) throw this.notServed(info.group);
    if (decision.kind === 'conflict') throw conflict(type, info.name ?? '');
    await this.resource(req, res, info, type, url.query, decision.kind === 'expire');
  }

  /** What an unknown path gets: a Status inside a built-in group, the bare page otherwise. */
  private notServed(group: string): ApiError {
    return this.parts.state.registry.isBuiltinGroup(group) ? pathNotFound() : new PageNotFound();
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (header === `Bearer ${this.options.token}`) return true;
    // A client certificate that the client CA signed authenticates too (§12: its CN names the user; with no RBAC here, any user may do anything).
    const socket = req.socket as TLSSocket;
    return socket.encrypted === true && socket.authorized && Boolean(socket.getPeerCertificate().subject?.CN);
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
    if (!doc) throw parts[0] === 'apis' && parts.length >= 2 ? this.notServed(parts[1]) : pathNotFound();
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

  /** `GET` the standing faults, `POST` settings and actions (`parseFaultRequest`), `DELETE` to clear them. */
  private async faultsEndpoint(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const { faults } = this.parts;
    if (method === 'DELETE') faults.reset();
    else if (method === 'POST') {
      const request = parseFaultRequest((await readBody(req)).toString());
      faults.set(request.settings);
      if (request.cutWatches) faults.cutWatches();
      if (request.compactHistory) faults.compactHistory();
    } else if (method !== 'GET') throw methodNotAllowed();
    this.send(req, res, 200, faults.current);
  }

  /** Reads and decodes a request body: JSON, YAML, or the protobuf kubectl sends for typed creates (§0.3). */
  private async readObject(req: IncomingMessage, type: ResourceType): Promise<KubeObject> {
    const raw = await readBody(req);
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
    // Protobuf decoding failures are ApiErrors already (415 for kinds outside our subset, 400 for bad bytes).
    if (contentType === PROTOBUF_MEDIA_TYPE) {
      if (!raw.subarray(0, 4).equals(protobufPrefix)) {
        throw unrecognizedBody(type, `provided data does not appear to be a protobuf message, expected prefix [${[...protobufPrefix].join(' ')}]`, raw.toString());
      }
      // Loaded on the first protobuf body: the decoder and its schema are megabytes that JSON-only clients never need.
      const { decodeProtobufBody } = await import('./protobuf/decode.ts');
      return decodeProtobufBody(raw) as unknown as KubeObject;
    }
    if (contentType !== 'application/json' && contentType !== 'application/yaml') {
      throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}`);
    }
    const text = raw.toString();
    let value: unknown;
    try {
      value = contentType === 'application/yaml' ? parseYaml(text) : JSON.parse(text);
    } catch (e) {
      throw unreadableBody(type, text, (e as Error).message);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      const what = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
      throw unreadableBody(type, text, `json: cannot unmarshal ${what} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
    }
    return value as KubeObject;
  }

  private async resource(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, type: ResourceType, query: URLSearchParams, expire: boolean): Promise<void> {
    const { objects, deleter, patcher, reviews, admitted } = this.parts;
    if (type.namespaced === false && info.namespace !== undefined) throw type.builtin ? pathNotFound() : new PageNotFound();
    if (type.namespaced && info.namespace === undefined && !['list', 'watch'].includes(info.verb)) {
      if (!type.builtin) throw new PageNotFound();
      throw methodNotAllowed();
    }
    const itemVerb = info.verb === 'update' || info.verb === 'patch';
    if (type.builtin) {
      // Built-ins have no route for PUT/PATCH on a collection or POST on an item, nor for verbs they do not serve.
      if ((itemVerb && info.name === undefined) || (info.verb === 'create' && info.name !== undefined)) throw methodNotAllowed();
      if (!type.verbs.includes(info.verb) && !info.subresource) throw methodNotAllowed();
    } else if (itemVerb && info.name === undefined) {
      throw badRequest('name must be provided');
    }
    const ns = info.namespace;
    const sub = info.subresource;
    if (sub) return this.subresource(req, res, info, type, query);

    switch (info.verb) {
      case 'get': {
        this.checkReadResourceVersion(query);
        const table = this.tableOptions(req, query);
        const obj = objects.get(type, ns, info.name!);
        return this.sendObject(req, res, type, obj, table);
      }
      case 'list':
        return this.list(req, res, type, ns, query);
      case 'watch':
        return this.watch(req, res, type, info, query, expire);
      case 'create': {
        const body = await this.readObject(req, type);
        if (type.ephemeral) return this.send(req, res, 201, reviews.review(type, body));
        const options = writeOptions(query, req, 'create');
        const result = admitted.active ? await admitted.create(type, ns, body, options) : objects.create(type, ns, body, options);
        // A new CRD is served before its create is answered, as envtest users expect (§9.2).
        if (type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions' && !options.dryRun) {
          this.parts.crds.syncNow(result.object.metadata.name!);
        }
        return this.sendWrite(req, res, result);
      }
      case 'update': {
        const options = writeOptions(query, req, 'update');
        const body = await this.readObject(req, type);
        const result = admitted.active ? await admitted.update(type, ns, info.name!, body, options) : objects.update(type, ns, info.name!, body, options);
        return this.sendWrite(req, res, result);
      }
      case 'patch': {
        const options = writeOptions(query, req, 'patch');
        const body = (await readBody(req)).toString();
        const contentType = req.headers['content-type'];
        const result = admitted.active ? await admitted.patch(type, ns, info.name!, contentType, body, options) : patcher.patch(type, ns, info.name!, contentType, body, options);
        return this.sendWrite(req, res, result);
      }
      case 'delete': {
        const options = await this.deleteOptions(req, query);
        if (admitted.active) {
          const { result, warnings } = await admitted.delete(type, ns, info.name!, options);
          this.send(req, res, 200, result.object ?? result.status, warnings.length ? { Warning: warningHeader(warnings) } : {});
          return;
        }
        const result = deleter.delete(type, ns, info.name!, options);
        this.send(req, res, 200, result.object ?? result.status);
        return;
      }
      case 'deletecollection': {
        const options = await this.deleteOptions(req, query);
        const items = deleter.deleteCollection(type, ns, this.listOptions(query), options);
        this.send(req, res, 200, { kind: type.listKind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(this.parts.state.store.currentRevision) }, items: listItems(type, items) });
        return;
      }
    }
  }

  private async subresource(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, type: ResourceType, query: URLSearchParams): Promise<void> {
    const { objects, patcher, scale, admitted } = this.parts;
    const ns = info.namespace;
    const name = info.name!;
    const sub = info.subresource!;
    if (sub === 'status' && type.status) {
      switch (info.verb) {
        case 'get': {
          const table = this.tableOptions(req, query);
          return this.sendObject(req, res, type, objects.get(type, ns, name), table);
        }
        case 'update': {
          const options = writeOptions(query, req, 'update');
          const body = await this.readObject(req, type);
          const result = admitted.active
            ? await admitted.update(type, ns, name, body, options, 'status')
            : objects.update(type, ns, name, body, options, { fromPatch: false, subresource: 'status' });
          return this.sendWrite(req, res, result);
        }
        case 'patch': {
          const options = writeOptions(query, req, 'patch');
          const body = (await readBody(req)).toString();
          const contentType = req.headers['content-type'];
          const result = admitted.active
            ? await admitted.patch(type, ns, name, contentType, body, options, 'status')
            : patcher.patch(type, ns, name, contentType, body, options, 'status');
          return this.sendWrite(req, res, result);
        }
      }
      throw methodNotAllowed();
    }
    if (sub === 'scale' && type.scale) {
      switch (info.verb) {
        case 'get':
          return this.send(req, res, 200, scale.get(type, ns, name));
        case 'update': {
          const options = writeOptions(query, req, 'update');
          return this.sendWrite(req, res, scale.update(type, ns, name, await this.readObject(req, type), options));
        }
        case 'patch': {
          const options = writeOptions(query, req, 'patch');
          return this.sendWrite(req, res, scale.patch(type, ns, name, req.headers['content-type'], (await readBody(req)).toString(), options));
        }
      }
      throw methodNotAllowed();
    }
    if (sub === 'log' && type.group === '' && type.plural === 'pods' && info.verb === 'get') {
      const answer = this.parts.podLog(objects.get(type, ns, name), query);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (!answer.follow) {
        res.end(answer.text);
        return;
      }
      res.write(answer.text);
      const cancel = answer.follow((text) => res.write(text), () => res.end());
      res.on('close', cancel);
      return;
    }
    if (sub === 'finalize' && type.group === '' && type.plural === 'namespaces' && info.verb === 'update') {
      const body = await this.readObject(req, type);
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
    if (rv && !/^\d+$/.test(rv)) {
      throw new ApiError(500, '', `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
    }
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
    const listOptionsError = (field: string, detail: string) =>
      new ApiError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${field}: ${detail}`, { group: 'meta.k8s.io', kind: 'ListOptions', causes: [{ reason: 'FieldValueForbidden', message: detail, field }] });
    if (query.has('sendInitialEvents')) throw listOptionsError('sendInitialEvents', 'Forbidden: sendInitialEvents is forbidden for list');
    if (options.resourceVersionMatch && !options.resourceVersion) throw listOptionsError('resourceVersionMatch', 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (options.continue && options.resourceVersion && options.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    if (options.resourceVersionMatch === 'Exact' && options.resourceVersion === '0') {
      throw listOptionsError('resourceVersionMatch', 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    }
    this.checkReadResourceVersion(query);
    const table = this.tableOptions(req, query);
    const result = this.parts.objects.list(type, ns, options);
    const metadata = {
      resourceVersion: result.resourceVersion,
      // Custom resource lists (unstructured upstream) always carry continue, empty on the last page.
      ...(result.continue || !type.builtin ? { continue: result.continue ?? '' } : {}),
      ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
    };
    if (table) {
      this.send(req, res, 200, toTable(type, result.items, { includeObject: table.includeObject, now: this.parts.state.now(), ...metadata }));
      return;
    }
    this.send(req, res, 200, {
      kind: type.listKind,
      apiVersion: apiVersionOf(type),
      metadata,
      items: listItems(type, result.items),
    });
  }

  /** Whether the client asked for a Table, and with which row objects; a bad `includeObject` is a 400 (§8.6). */
  private tableOptions(req: IncomingMessage, query: URLSearchParams): { includeObject: 'None' | 'Metadata' | 'Object' } | undefined {
    if (!acceptsTable(req.headers.accept ?? '')) return undefined;
    const value = query.get('includeObject') ?? '';
    if (value !== '' && !includeObjectValues.includes(value)) {
      throw badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(value)}: must be 'Metadata', 'Object', 'None', or empty`);
    }
    return { includeObject: includeObject(query) };
  }

  private sendObject(req: IncomingMessage, res: ServerResponse, type: ResourceType, obj: KubeObject, table: { includeObject: 'None' | 'Metadata' | 'Object' } | undefined): void {
    if (table) {
      this.send(req, res, 200, toTable(type, [obj], { includeObject: table.includeObject, now: this.parts.state.now(), resourceVersion: obj.metadata.resourceVersion }));
      return;
    }
    this.send(req, res, 200, obj);
  }

  private sendWrite(req: IncomingMessage, res: ServerResponse, result: WriteResult): void {
    // The object is usually the stored one its watch events just serialized.
    sendJson(res, result.code, isCurl(req) ? jsonText(result.object, req) : storedObjectJson(result.object), result.warnings.length ? { Warning: warningHeader(result.warnings) } : {});
  }

  private async deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
    const raw = (await readBody(req)).toString().trim();
    let options: DeleteOptions = {};
    if (raw) {
      try {
        options = JSON.parse(raw);
      } catch (e) {
        // Upstream fails to classify the body before it knows it is DeleteOptions: a 500 without reason.
        throw new ApiError(500, '', `couldn't get version/kind; json parse error: ${(e as Error).message}`);
      }
    } else {
      // Query parameters count only when the body is empty (§2.2).
      const grace = query.get('gracePeriodSeconds');
      if (grace !== null) options.gracePeriodSeconds = Number(grace);
      if (query.get('propagationPolicy')) options.propagationPolicy = query.get('propagationPolicy')!;
      const orphan = queryBool(query, 'orphanDependents');
      if (orphan !== undefined) options.orphanDependents = orphan;
    }
    const bodyDryRun = (options as { dryRun?: unknown }).dryRun;
    const dryRun = Array.isArray(bodyDryRun) ? bodyDryRun.map(String) : query.getAll('dryRun');
    checkDryRun(dryRun, 'DeleteOptions');
    options.dryRun = dryRun.includes('All');
    return options;
  }

  private watch(req: IncomingMessage, res: ServerResponse, type: ResourceType, info: ResourceRequest, query: URLSearchParams, expire: boolean): void {
    const params = parseWatchQuery(query);
    const fieldSelector = [query.get('fieldSelector'), info.name ? `metadata.name=${info.name}` : undefined].filter(Boolean).join(',');
    const filter = compileFilter(type, query.get('labelSelector') ?? undefined, fieldSelector || undefined);
    // Without timeoutSeconds upstream picks a random duration in [30 min, 60 min) (§7.4).
    const timeoutMs = params.timeoutMs ?? (1800 + Math.random() * 1800) * 1000;
    // Table events are not offered for the watch-list forms (§7.3).
    const table = acceptsTable(req.headers.accept ?? '') && !(params.sendInitialEvents && params.allowWatchBookmarks);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    // Events are written together until the end of the turn of the event loop, or until the oldest of them has
    // waited `batchWaitMs`: with many writes in flight each turn serves several requests, and a socket write costs
    // about as much as serving a small request, while a lone write's event still leaves at the end of its turn.
    let corkedAt = -1;
    const flush = () => {
      if (corkedAt < 0) return;
      corkedAt = -1;
      res.uncork();
    };
    const sink: WatchSink = {
      send: (line) => {
        if (corkedAt >= 0 && performance.now() - corkedAt >= batchWaitMs) flush();
        if (corkedAt < 0) {
          corkedAt = performance.now();
          res.cork();
          setImmediate(flush);
        }
        res.write(eventBytes(line));
      },
      // What the response and its socket hold that the client has not taken yet.
      get pendingBytes() {
        return res.writableLength;
      },
      end: () => res.end(),
    };
    const { faults, state } = this.parts;
    const session = new WatchSession(
      state.store,
      {
        type,
        namespace: info.namespace,
        filter,
        resourceVersion: params.resourceVersion,
        sendInitialEvents: params.sendInitialEvents,
        allowWatchBookmarks: params.allowWatchBookmarks,
        timeoutMs,
        bookmarkIntervalMs: this.options.bookmarkIntervalMs,
        cutAfterEvents: () => faults.cutWatchesAfterEvents,
        render: table ? this.tableEventRenderer(type, query) : jsonEventLine,
      },
      sink,
      (s) => {
        this.watches.delete(s);
        unregister();
      },
    );
    const unregister = faults.registerWatch(() => session.close());
    this.watches.add(session);
    req.on('close', () => session.close());
    res.on('close', () => session.close());
    if (params.alreadyTimedOut) return session.fail(new ApiError(500, 'InternalError', 'context deadline exceeded'));
    if (expire) {
      const rv = query.get('resourceVersion') || '0';
      return session.fail(new ApiError(410, 'Expired', `too old resource version: ${rv} (${state.store.currentRevision})`));
    }
    session.start();
  }

  /** kubectl's watch rendering: each object event as a one-row Table, column definitions on the first only (§7.2). */
  private tableEventRenderer(type: ResourceType, query: URLSearchParams): EventRenderer {
    let first = true;
    return (eventType, object) => {
      if (eventType === 'ERROR' || eventType === 'BOOKMARK') return jsonEventLine(eventType, object);
      const row = object as KubeObject;
      const table = toTable(type, [row], { includeObject: includeObject(query), now: this.parts.state.now(), resourceVersion: row.metadata.resourceVersion, withColumnDefinitions: first });
      first = false;
      return `${JSON.stringify({ type: eventType, object: table })}\n`;
    };
  }
}

function includeObject(query: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
