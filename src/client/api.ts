/**
 * The `api` object: a small typed client for any kind, built-in or custom,
 * namespaced or not. Handlers get one ready; any program can make one with
 * `connect()`:
 *
 *     const api = await connect();                      // KUBECONFIG, in-cluster, ~/.kube/config
 *     const pod = await api.get({ apiVersion: 'v1', kind: 'Pod' }, 'web-0', { namespace: 'prod' });  // a Pod
 *     const ex = await api.get<KopfExample>({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample' }, 'ex1');
 *
 * Kinds are named by `{ apiVersion, kind }` (resolved through discovery) or
 * by a discovered `Resource`. Built-in kinds come back as their
 * `kubernetes-types` interfaces; other kinds as `KubeObject`, or as the type
 * given as the first type argument.
 */
import { apiVersionOf, type Resource } from '../core/resource-selector.ts';
import type { BuiltinKindReference, KubeObject, ObjectHead, ObjectOfKind } from './builtin-kinds.ts';
import { loadConnection, type ConnectionInfo, type ConnectionOptions } from './config.ts';
import { Discovery } from './discovery.ts';
import { GoneError, type Status } from './errors.ts';
import { postEvent, type EventOptions } from './events.ts';
import { resourcePath } from '../core/resource-path.ts';
import { createTransport, type RequestOptions, type Transport, type TransportSettings } from './transport.ts';
import { watchResource, type WatchOptions } from './watch.ts';

/**
 * A kind: a built-in `{ apiVersion, kind }` (completed by editors), any other
 * `{ apiVersion, kind }`, or a `Resource` from discovery.
 */
export type KindArgument = BuiltinKindReference | { apiVersion: string & {}; kind: string & {} } | Resource;

/** The object type for a call: the type argument if one is given, else the kind's own type. */
export type Resolved<T, R> = [T] extends [never] ? (R extends Resource ? KubeObject : ObjectOfKind<R>) : T;

/** An object to write: it must name its kind (`apiVersion`, `kind`), which is checked when it is sent. */
export type KindedObject = ObjectHead;

/** With a type argument, the object must be of that type; without one, anything kinded. */
type Given<T> = [T] extends [never] ? unknown : T;

/** What a write resolves with: the type argument, else a built-in's own type, else the given object's type plus what the server adds. */
export type Stored<T, O> = [T] extends [never] ? ObjectOfKind<O, O & KubeObject> : T;

/** A list of objects, all pages joined. */
export interface ObjectList<T> {
  apiVersion: string;
  kind: string;
  /** `resourceVersion`: where a watch can start to see every later change. */
  metadata: { resourceVersion?: string };
  items: T[];
}

/** What the `api` yields from `watch()`: object changes, and `SYNCED` after the initial listing. */
export type ApiWatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T; initial?: boolean; synthesized?: boolean }
  | { type: 'SYNCED' };

interface Common {
  signal?: AbortSignal;
}

export interface GetOptions extends Common {
  /** The namespace of a namespaced object; the connection's default namespace when unset (ignored for cluster-scoped kinds). */
  namespace?: string;
  /** e.g. `status`, `scale`. */
  subresource?: string;
}

export interface ListOptions extends Common {
  /** One namespace; all namespaces when unset. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per request (default 500); the pages are joined. */
  pageSize?: number;
}

export interface WriteOptions extends Common {
  /** The namespace of a namespaced object; else the object's own, else the connection's default. */
  namespace?: string;
  /** Validate and answer without storing. */
  dryRun?: boolean;
  /** The field manager recorded in `managedFields`. */
  fieldManager?: string;
  /** What the server does with unknown or duplicate fields. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface ReplaceOptions extends WriteOptions {
  /** e.g. `status`: replace only the status. */
  subresource?: string;
}

/** `merge`: JSON merge patch (RFC 7386); `json`: JSON patch (RFC 6902); `strategic`: strategic merge patch (built-ins); `apply`: server-side apply. */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Default `merge`. */
  type?: PatchType;
  subresource?: string;
  /** Server-side apply only: take over fields other managers own. */
  force?: boolean;
}

export interface ApplyOptions extends WriteOptions {
  /** Server-side apply needs a field manager. */
  fieldManager: string;
  force?: boolean;
  subresource?: string;
}

export interface DeleteOptions extends Common {
  namespace?: string;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  /** Delete only if the object still has this uid / resourceVersion (409 otherwise). */
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type ApiWatchOptions = Omit<WatchOptions, 'signal'> & Common;

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

type Query = RequestOptions['query'];

function writeQuery(options: WriteOptions): Query {
  return {
    dryRun: options.dryRun ? 'All' : undefined,
    fieldManager: options.fieldManager,
    fieldValidation: options.fieldValidation,
  };
}

function isResource(kind: KindArgument | ObjectHead): kind is Resource {
  return 'plural' in kind && 'namespaced' in kind && !('apiVersion' in kind);
}

/** A typed client of one API server. Make one with `connect()`. */
export class Api {
  /** The resources the server serves; refreshed when a kind is not found. */
  readonly discovery: Discovery;

  constructor(
    readonly connection: ConnectionInfo,
    /** The HTTP layer, for requests the facade does not cover. */
    readonly transport: Transport,
  ) {
    this.discovery = new Discovery(transport);
  }

  /** The connection's default namespace (the context's, else `default`). */
  get namespace(): string {
    return this.connection.namespace;
  }

  /** Reads one object. Throws `NotFoundError` when it does not exist. */
  async get<T extends ObjectHead = never, const R extends KindArgument = KindArgument>(kind: R, name: string, options: GetOptions = {}): Promise<Resolved<T, R>> {
    const resource = await this.resourceOf(kind);
    const path = resourcePath(resource, { namespace: this.namespaceFor(resource, options.namespace), name, subresource: options.subresource });
    return this.transport.request({ method: 'GET', path, signal: options.signal });
  }

  /**
   * Lists objects — one namespace, or all — joining every page. Items carry
   * `apiVersion` and `kind` (the server leaves them out of built-in lists).
   */
  async list<T extends ObjectHead = never, const R extends KindArgument = KindArgument>(kind: R, options: ListOptions = {}): Promise<ObjectList<Resolved<T, R>>> {
    const resource = await this.resourceOf(kind);
    const path = resourcePath(resource, { namespace: resource.namespaced ? options.namespace : undefined });
    const query = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    const items: Array<Resolved<T, R>> = [];
    let resourceVersion: string | undefined;
    let token: string | undefined;
    do {
      let page: ObjectList<Resolved<T, R>> & { metadata: { continue?: string } };
      try {
        page = await this.transport.request({ method: 'GET', path, query: { ...query, limit: options.pageSize ?? 500, continue: token }, signal: options.signal });
      } catch (error) {
        // The continue token outlived the server's history: read everything in one go, as client-go's pager does.
        if (!(error instanceof GoneError) || token === undefined) throw error;
        items.length = 0;
        page = await this.transport.request({ method: 'GET', path, query, signal: options.signal });
      }
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata?.resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token);
    const apiVersion = apiVersionOf(resource);
    for (const item of items as ObjectHead[]) {
      item.apiVersion ??= apiVersion;
      item.kind ??= resource.kind;
    }
    return { apiVersion, kind: `${resource.kind}List`, metadata: { resourceVersion }, items };
  }

  /**
   * Creates an object of the kind its `apiVersion` and `kind` name; resolves
   * with what the server stored (typed like `get`: a built-in's own type, or
   * the type argument).
   */
  async create<T extends ObjectHead = never, const O extends KindedObject = KindedObject>(object: O & Given<NoInfer<T>>, options: WriteOptions = {}): Promise<Stored<T, O>> {
    const resource = await this.resourceOf(object);
    const path = resourcePath(resource, { namespace: this.namespaceFor(resource, options.namespace ?? object.metadata?.namespace) });
    return this.transport.request({ method: 'POST', path, query: writeQuery(options), body: object, signal: options.signal });
  }

  /**
   * Replaces an object (PUT). With `metadata.resourceVersion` set, the server
   * refuses with `ConflictError` if the object changed since it was read.
   */
  async replace<T extends ObjectHead = never, const O extends KindedObject = KindedObject>(object: O & Given<NoInfer<T>>, options: ReplaceOptions = {}): Promise<Stored<T, O>> {
    const resource = await this.resourceOf(object);
    const name = object.metadata?.name;
    if (!name) throw new Error(`replace needs metadata.name (${object.kind})`);
    const namespace = this.namespaceFor(resource, options.namespace ?? object.metadata?.namespace);
    const path = resourcePath(resource, { namespace, name, subresource: options.subresource });
    return this.transport.request({ method: 'PUT', path, query: writeQuery(options), body: object, signal: options.signal });
  }

  /** Patches an object: a merge patch unless `type` says `json`, `strategic` or `apply`. */
  async patch<T extends ObjectHead = never, const R extends KindArgument = KindArgument>(
    kind: R,
    name: string,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<Resolved<T, R>> {
    const resource = await this.resourceOf(kind);
    const type = options.type ?? 'merge';
    if (type === 'apply' && !options.fieldManager) throw new Error('a server-side apply patch needs options.fieldManager');
    const path = resourcePath(resource, { namespace: this.namespaceFor(resource, options.namespace), name, subresource: options.subresource });
    return this.transport.request({
      method: 'PATCH',
      path,
      query: { ...writeQuery(options), force: type === 'apply' && options.force ? true : undefined },
      body: patch,
      contentType: patchContentTypes[type],
      signal: options.signal,
    });
  }

  /** Server-side apply of a whole object (created if absent): the fields it names become the manager's. */
  async apply<T extends ObjectHead = never, const O extends KindedObject = KindedObject>(object: O & Given<NoInfer<T>>, options: ApplyOptions): Promise<Stored<T, O>> {
    const name = object.metadata?.name;
    if (!name) throw new Error(`apply needs metadata.name (${object.kind})`);
    const resource = await this.resourceOf(object);
    const namespace = resource.namespaced ? (options.namespace ?? object.metadata?.namespace) : undefined;
    return this.transport.request({
      method: 'PATCH',
      path: resourcePath(resource, { namespace, name, subresource: options.subresource }),
      query: { ...writeQuery(options), force: options.force ? true : undefined },
      body: object,
      contentType: patchContentTypes.apply,
      signal: options.signal,
    });
  }

  /**
   * Deletes an object. Resolves with what the server answers: the object
   * (still there while finalizers run) or a Status. Throws `NotFoundError`
   * when it is already gone.
   */
  async delete<T extends ObjectHead = never, const R extends KindArgument = KindArgument>(kind: R, name: string, options: DeleteOptions = {}): Promise<Resolved<T, R> | Status> {
    const resource = await this.resourceOf(kind);
    const path = resourcePath(resource, { namespace: this.namespaceFor(resource, options.namespace), name });
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagationPolicy,
      gracePeriodSeconds: options.gracePeriodSeconds,
      preconditions: options.preconditions,
      dryRun: options.dryRun ? ['All'] : undefined,
    };
    return this.transport.request({ method: 'DELETE', path, body, signal: options.signal });
  }

  /**
   * Watches a kind (one namespace, or all): the current objects (`initial`),
   * `SYNCED`, then every change, surviving every fault the server and the
   * network can throw at it (see `watch.ts`). Throws only for bad
   * credentials or missing permissions. Stop it with `signal` or `break`.
   */
  async *watch<T extends ObjectHead = never, const R extends KindArgument = KindArgument>(kind: R, options: ApiWatchOptions = {}): AsyncGenerator<ApiWatchEvent<Resolved<T, R>>, void, undefined> {
    const resource = await this.resourceOf(kind);
    const namespace = resource.namespaced ? options.namespace : undefined;
    yield* watchResource(this.transport, resource, { ...options, namespace }) as AsyncGenerator<ApiWatchEvent<Resolved<T, R>>, void, undefined>;
  }

  /**
   * Posts an Event about an object (see `events.ts`); Events about Events are skipped. Events about
   * cluster-scoped objects go to the connection's namespace unless `options.defaultNamespace` says otherwise.
   */
  event(object: ObjectHead, options: EventOptions): ReturnType<typeof postEvent> {
    return postEvent(this.transport, object, { ...options, defaultNamespace: options.defaultNamespace ?? this.connection.namespace });
  }

  /** Closes the connections; the api is unusable afterwards. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private async resourceOf(kind: KindArgument | ObjectHead): Promise<Resource> {
    if (isResource(kind)) return kind;
    const { apiVersion, kind: name } = kind as ObjectHead;
    if (!apiVersion || !name) throw new Error('name the kind with apiVersion and kind, e.g. { apiVersion: "v1", kind: "Pod" }');
    return this.discovery.forKind(apiVersion, name);
  }

  private namespaceFor(resource: Resource, namespace: string | undefined): string | undefined {
    return resource.namespaced ? (namespace ?? this.connection.namespace) : undefined;
  }
}

/** How `connect()` finds the cluster, plus the transport's settings. */
export interface ConnectOptions extends ConnectionOptions {
  /** A connection made elsewhere (e.g. by a login handler) instead of loading one. */
  connection?: ConnectionInfo;
  /** Retries, backoff, timeouts of the requests. */
  transport?: TransportSettings;
}

/**
 * Connects to a cluster: the options' kubeconfig or context, else
 * `KUBECONFIG`, else the in-cluster service account, else `~/.kube/config`.
 * Nothing is requested until the first call.
 */
export async function connect(options: ConnectOptions = {}): Promise<Api> {
  const connection = options.connection ?? (await loadConnection(options));
  return new Api(connection, createTransport(connection, options.transport));
}
