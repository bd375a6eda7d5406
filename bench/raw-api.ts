/**
 * The smallest client of a Kubernetes API server the benchmarks need: a kubeconfig's server, CA and
 * token read by hand, JSON requests and a newline-JSON watch over one undici pool. It shares no code
 * with the framework, so the raw-client floor (`floor-operator.ts`) and the load generators measure the
 * server and the operator under test, not our client.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { parse } from 'yaml';

/** A response: its status code and its body, parsed when it is JSON. */
export interface RawResponse {
  status: number;
  body: any;
}

/** One event of a watch stream. */
export interface RawWatchEvent {
  type: string;
  object: any;
}

/** A running watch: `ended` settles when the stream closes (rejects when it fails before `stop()`). */
export interface RawWatch {
  ended: Promise<void>;
  stop(): void;
}

/** A connection to one API server. */
export interface RawApi {
  url: string;
  /** Sends a request; a body given as an object goes as JSON (`application/json` unless `contentType` says otherwise). */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<RawResponse>;
  /** The response body as text (for `/metrics`). */
  text(path: string): Promise<string>;
  /** Watches a collection from a resourceVersion and calls `onEvent` for every event, in order. */
  watch(path: string, resourceVersion: string, onEvent: (event: RawWatchEvent) => void): Promise<RawWatch>;
  close(): Promise<void>;
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  clusters?: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }>;
  users?: Array<{ name: string; user: { token?: string } }>;
}

/** JSON bodies parsed; others (`404 page not found` before a CRD is served) kept as text. */
function parseBody(text: string): any {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Connects to the server of a kubeconfig's current context. Only what the test clusters write is
 * understood: a server URL, a CA (inline or a file) and a bearer token, or nothing over plain HTTP.
 */
export function connectRaw(kubeconfigPath: string, connections = 32): RawApi {
  const config = parse(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const context = config.contexts?.find((c) => c.name === config['current-context'])?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  if (!context || !cluster) throw new Error(`${kubeconfigPath}: no cluster for the current context`);
  const token = config.users?.find((u) => u.name === context.user)?.user.token;
  const caData = cluster['certificate-authority-data'];
  const caFile = cluster['certificate-authority'];
  const ca = caData ? Buffer.from(caData, 'base64').toString() : caFile ? readFileSync(caFile, 'utf8') : undefined;
  const pool = new Pool(cluster.server, { connections, connect: ca ? { ca } : undefined, keepAliveTimeout: 30_000 });
  const headers: Record<string, string> = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };

  async function request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
    const response = await pool.request({
      method: method as 'GET',
      path,
      headers: body === undefined ? headers : { ...headers, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: parseBody(text) };
  }

  async function text(path: string): Promise<string> {
    const response = await pool.request({ method: 'GET', path, headers: { ...headers, accept: 'text/plain' } });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`GET ${path}: ${response.statusCode} ${body.slice(0, 200)}`);
    return body;
  }

  async function watch(path: string, resourceVersion: string, onEvent: (event: RawWatchEvent) => void): Promise<RawWatch> {
    const abort = new AbortController();
    const query = `?watch=true&allowWatchBookmarks=true&resourceVersion=${resourceVersion}`;
    const response = await pool.request({ method: 'GET', path: path + query, headers, signal: abort.signal, headersTimeout: 30_000, bodyTimeout: 0 });
    if (response.statusCode !== 200) throw new Error(`watch ${path}: ${response.statusCode} ${await response.body.text()}`);
    response.body.setEncoding('utf8');
    const ended = (async () => {
      let buffered = '';
      try {
        for await (const chunk of response.body) {
          buffered += chunk as string;
          let newline;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            if (line) onEvent(JSON.parse(line) as RawWatchEvent);
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      }
    })();
    return { ended, stop: () => abort.abort() };
  }

  return { url: cluster.server, request, text, watch, close: () => pool.close() };
}

/** A running list-and-watch: `failed` rejects when a request fails, and never settles otherwise. */
export interface RawInformer {
  failed: Promise<never>;
  stop(): void;
}

/**
 * Lists a collection (in pages), then watches it from the list's resourceVersion until stopped: every
 * listed object comes as a `LISTED` event, then the watch events but bookmarks. The server may end a
 * watch at any time (its timeout, or a watcher that fell behind under load): the watch is then resumed
 * from the last resourceVersion seen, after a new list if that version has expired (410 Gone), and
 * `onResume` is told. Resolves once the first watch is open.
 */
export async function listAndWatch(api: RawApi, path: string, onEvent: (event: RawWatchEvent) => void, onResume?: (reason: string) => void): Promise<RawInformer> {
  let stopped = false;
  let current: RawWatch | undefined;

  async function list(): Promise<string> {
    let resourceVersion = '';
    let next: string | undefined;
    do {
      const page = await api.request('GET', `${path}?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
      if (page.status !== 200) throw new Error(`list ${path}: ${page.status} ${JSON.stringify(page.body)}`);
      for (const object of page.body.items) onEvent({ type: 'LISTED', object });
      resourceVersion = page.body.metadata.resourceVersion;
      next = page.body.metadata.continue || undefined;
    } while (next);
    return resourceVersion;
  }

  let resourceVersion = await list();
  let expired = false;
  const open = () =>
    api.watch(path, resourceVersion, (event) => {
      if (event.type === 'ERROR') {
        // 410 Gone: the version is older than the server keeps; any other error also calls for a new list.
        expired = true;
        return;
      }
      resourceVersion = event.object.metadata.resourceVersion;
      if (event.type !== 'BOOKMARK') onEvent(event);
    });
  current = await open();
  const failed = (async (): Promise<never> => {
    for (;;) {
      await current.ended;
      if (stopped) return new Promise<never>(() => {});
      onResume?.(expired ? 'its resourceVersion expired: listed again' : 'the server ended the watch');
      if (expired) resourceVersion = await list();
      expired = false;
      current = await open();
      if (stopped) current.stop();
    }
  })();
  return {
    failed,
    stop() {
      stopped = true;
      current?.stop();
    },
  };
}
