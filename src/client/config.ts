/**
 * Where the API server is and who we are to it: a `ConnectionInfo` built from
 * a kubeconfig (files, the `KUBECONFIG` list, a chosen context) or the
 * in-cluster service account. Loading, merging and every auth provider (token,
 * token file, client certificate, basic auth, exec plugins, OIDC …) are
 * `@kubernetes/client-node`'s `KubeConfig`; this module only asks it for the
 * TLS material and headers and hands them to our own request layer.
 *
 * Credentials can change under a running operator (rotated token files,
 * expiring exec or OIDC tokens). `credentials()` gives the current ones, and
 * `reauthenticate()` — called by the transport on a 401 — loads everything
 * again from the source, so a rotated file or a re-run plugin is picked up.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';

/** The identity part of a connection, as of now. */
export interface Credentials {
  /** Headers for every request: `Authorization`, `Impersonate-User`. */
  headers: Record<string, string>;
  /** A client certificate and its key (PEM), when the identity is (or includes) a certificate. */
  clientCertificate?: { cert: string; key: string };
}

/** What a connection's configuration was loaded from (see {@link ConnectionInfo.source}). */
export type ConnectionSource = 'kubeconfig' | 'in-cluster' | 'text' | 'login';

/** How to reach one API server and as whom. */
export interface ConnectionInfo {
  /** The server URL without a trailing slash, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** PEM certificates to trust for the server; undefined means the system's trust store. */
  caPem?: string;
  /** Skip verifying the server's certificate (`insecure-skip-tls-verify`). */
  insecure: boolean;
  /** The name to verify the server's certificate against, when it differs from the URL's host. */
  tlsServerName?: string;
  /** An HTTP(S) proxy to tunnel through (`proxy-url`). */
  proxyUrl?: string;
  /** The context's namespace, else `default`. */
  namespace: string;
  /** Who we are, for messages: e.g. `user "admin" of context "prod" (bearer token)`. */
  identity: string;
  /**
   * What the configuration was loaded from: kubeconfig files (or a given `KubeConfig`), the pod's service
   * account, or kubeconfig text passed as `kubeconfigText`.
   */
  source: ConnectionSource;
  /** The current credentials; cheap to call per request (providers cache their tokens). */
  credentials(): Promise<Credentials>;
  /**
   * Drops every cached credential and loads them again from their source (after a 401). `rejected` are the
   * credentials the server refused, so that a source with several (login handlers) drops only those.
   */
  reauthenticate(rejected?: Credentials): Promise<void>;
}

/** Where to load the configuration from. Without options: `KUBECONFIG`, else in-cluster, else `~/.kube/config`. */
export interface ConnectionOptions {
  /** Kubeconfig file(s); several are merged like `KUBECONFIG`: the first file that names something wins. */
  kubeconfig?: string | string[];
  /** Kubeconfig YAML text instead of files. */
  kubeconfigText?: string;
  /** The context to use instead of the `current-context`. */
  context?: string;
  /** Use the pod's service account (`/var/run/secrets/kubernetes.io/serviceaccount`) even if a kubeconfig exists. */
  inCluster?: boolean;
  /** Prefix of the service account's files (tests, chroots); empty by default. */
  inClusterPathPrefix?: string;
  /** A `KubeConfig` the caller loaded; re-authentication then re-runs its auth providers only. */
  kubeConfig?: KubeConfig;
}

// Credentials from providers (exec, OIDC, token files) are asked for again after this long;
// the providers keep their own caches, this one only spares rebuilding TLS options per request.
const dynamicCredentialsTtlMs = 10_000;

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

type ClientNode = typeof import('./client-node.ts');

// client-node is costly to import (a bundle in the compiled package, a second in source form): load it
// when a connection is made, not when kopf-ts is.
let clientNode: Promise<ClientNode> | undefined;
function loadClientNode(): Promise<ClientNode> {
  clientNode ??= import('./client-node.ts');
  return clientNode;
}

/** How a configuration is (re)loaded, and how to describe where it came from. */
interface Source {
  load(lib: ClientNode): KubeConfig;
  origin: string;
  kind: ConnectionSource;
}

function kubeconfigPaths(option: string | string[]): string[] {
  return (Array.isArray(option) ? option : option.split(delimiter)).filter(Boolean);
}

/**
 * Loads several kubeconfig files the way kubectl merges `KUBECONFIG`: the
 * first file that defines a cluster, user or context name wins, and the first
 * `current-context` wins. (client-node's own merge throws on duplicate names.)
 */
function loadMerged(lib: ClientNode, paths: string[]): KubeConfig {
  const merged = new lib.KubeConfig();
  merged.loadFromFile(paths[0]);
  for (const path of paths.slice(1)) {
    const next = new lib.KubeConfig();
    next.loadFromFile(path);
    const has = (list: Array<{ name: string }>, name: string) => list.some((item) => item.name === name);
    for (const cluster of next.clusters) if (!has(merged.clusters, cluster.name)) merged.addCluster(cluster);
    for (const user of next.users) if (!has(merged.users, user.name)) merged.addUser(user);
    for (const context of next.contexts) if (!has(merged.contexts, context.name)) merged.addContext(context);
    if (!merged.currentContext && next.currentContext) merged.currentContext = next.currentContext;
  }
  return merged;
}

function chooseSource(options: ConnectionOptions): Source {
  if (options.kubeConfig) {
    const given = options.kubeConfig;
    return { load: () => given, origin: 'the given KubeConfig', kind: 'kubeconfig' };
  }
  if (options.kubeconfigText !== undefined) {
    const text = options.kubeconfigText;
    return {
      load: (lib) => {
        const config = new lib.KubeConfig();
        config.loadFromString(text);
        return config;
      },
      origin: 'the given kubeconfig text',
      kind: 'text',
    };
  }
  const inCluster = (lib: ClientNode) => {
    const config = new lib.KubeConfig();
    config.loadFromCluster(options.inClusterPathPrefix);
    return config;
  };
  if (options.inCluster) return { load: inCluster, origin: 'the in-cluster service account', kind: 'in-cluster' };
  const explicit = options.kubeconfig !== undefined ? kubeconfigPaths(options.kubeconfig) : [];
  if (explicit.length) return { load: (lib) => loadMerged(lib, explicit), origin: `kubeconfig ${explicit.join(delimiter)}`, kind: 'kubeconfig' };
  const fromEnv = kubeconfigPaths(process.env.KUBECONFIG ?? '');
  if (fromEnv.length) return { load: (lib) => loadMerged(lib, fromEnv), origin: `KUBECONFIG=${fromEnv.join(delimiter)}`, kind: 'kubeconfig' };
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(`${options.inClusterPathPrefix ?? ''}${serviceAccountDir}/token`)) {
    return { load: inCluster, origin: 'the in-cluster service account', kind: 'in-cluster' };
  }
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return { load: (lib) => loadMerged(lib, [home]), origin: `kubeconfig ${home}`, kind: 'kubeconfig' };
  throw new Error('no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account');
}

function describeIdentity(config: KubeConfig, origin: string): string {
  const user = config.getCurrentUser();
  const context = config.getCurrentContext();
  if (!user) return `no user (context "${context}" of ${origin})`;
  const provider = user.authProvider as { name?: string; config?: { tokenFile?: string } } | undefined;
  const method = user.exec
    ? `exec plugin ${JSON.stringify((user.exec as { command?: string }).command ?? '')}`
    : provider?.config?.tokenFile
      ? `token file ${provider.config.tokenFile}`
      : provider?.name
        ? `auth provider ${JSON.stringify(provider.name)}`
        : user.token
          ? 'bearer token'
          : user.certData || user.certFile
            ? 'client certificate'
            : user.username
              ? 'basic auth'
              : 'no credentials';
  return `user "${user.name}" of context "${context}" (${method}) from ${origin}`;
}

function pemText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** Asks client-node for everything it would put on an HTTPS request: TLS material and headers. */
async function httpsOptionsOf(config: KubeConfig): Promise<HttpsRequestOptions> {
  const options: HttpsRequestOptions = { headers: {} };
  await config.applyToHTTPSOptions(options);
  return options;
}

function credentialsOf(options: HttpsRequestOptions): Credentials {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  const cert = pemText(options.cert);
  const key = pemText(options.key);
  return { headers, clientCertificate: cert && key ? { cert, key } : undefined };
}

/**
 * Prepares a loaded KubeConfig for our use: checks the context, and lets
 * plain-HTTP servers through. (client-node refuses to build an agent for an
 * `http://` server unless TLS verification is off, which means nothing over
 * HTTP; we never use its agents, only the options it fills in.)
 */
function prepare(config: KubeConfig, context: string | undefined, origin: string): KubeConfig {
  if (context !== undefined) {
    if (!config.getContextObject(context)) {
      const known = config.contexts.map((c) => c.name).join(', ') || 'none';
      throw new Error(`context "${context}" is not in ${origin} (contexts: ${known})`);
    }
    config.setCurrentContext(context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error(`${origin} has no cluster for context "${config.getCurrentContext()}"`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    config.clusters = config.clusters.map((c) => (c === cluster ? { ...c, skipTLSVerify: true } : c));
  }
  return config;
}

/**
 * Loads a connection: from the options, else `KUBECONFIG`, else the
 * in-cluster service account, else `~/.kube/config`. Throws a clear error
 * when there is none, or the context is unknown.
 */
export async function loadConnection(options: ConnectionOptions = {}): Promise<ConnectionInfo> {
  const lib = await loadClientNode();
  const source = chooseSource(options);
  const load = () => prepare(source.load(lib), options.context, source.origin);

  let config = load();
  const cluster = config.getCurrentCluster()!;
  const verifies = !cluster.server.startsWith('http:');
  const context = config.getContextObject(config.getCurrentContext());
  const initial = await httpsOptionsOf(config);
  // The CA comes with the user's options; a context without a user still needs it.
  const caPem = pemText(initial.ca) ?? pemText(lib.bufferFromFileOrString(cluster.caFile, cluster.caData) ?? undefined);

  const isDynamic = (c: KubeConfig) => {
    const user = c.getCurrentUser();
    return Boolean(user?.exec || user?.authProvider);
  };
  let cached: { credentials: Credentials; until: number } = { credentials: credentialsOf(initial), until: isDynamic(config) ? Date.now() + dynamicCredentialsTtlMs : Infinity };
  let reloading: Promise<void> | undefined;
  let renewing: Promise<void> | undefined;

  return {
    server: cluster.server,
    caPem: verifies ? caPem : undefined,
    insecure: verifies && cluster.skipTLSVerify,
    tlsServerName: cluster.tlsServerName,
    proxyUrl: cluster.proxyUrl,
    namespace: context?.namespace ?? 'default',
    identity: describeIdentity(config, source.origin),
    source: source.kind,
    async credentials() {
      if (Date.now() < cached.until) return cached.credentials;
      // Requests that find the credentials stale together wait for one renewal (one plugin run).
      renewing ??= httpsOptionsOf(config)
        .then((options) => {
          cached = { credentials: credentialsOf(options), until: Date.now() + dynamicCredentialsTtlMs };
        })
        .finally(() => (renewing = undefined));
      await renewing;
      return cached.credentials;
    },
    reauthenticate() {
      // Concurrent 401s share one reload.
      reloading ??= (async () => {
        try {
          config = load();
          const fresh = credentialsOf(await httpsOptionsOf(config));
          cached = { credentials: fresh, until: isDynamic(config) ? Date.now() + dynamicCredentialsTtlMs : Infinity };
        } finally {
          reloading = undefined;
        }
      })();
      return reloading;
    },
  };
}
