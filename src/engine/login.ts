/**
 * Credentials from `on.login` handlers (Kopf's authentication activity). Each handler returns what to
 * connect with — a `ConnectionInfo` (e.g. from `kopf.loginWithKubeconfig()`), or plain credentials
 * (`server`, `token`/`scheme`, `username`+`password`, `clientCertificate`, CA …) with a `priority` —
 * and the operator uses the highest-priority one. A 401 drops it for the next one; once none is left,
 * the login handlers run again, and credentials already refused are not taken again.
 *
 * The server's address and TLS settings come from the first login: the connection pool is built for
 * them; later logins change the identity only.
 */
import { loadConnection, type ConnectionInfo, type Credentials } from '../client/config.ts';
import type { Logger } from 'pino';
import { runActivity, type ActivityRuntime } from './activities.ts';

/** Plain credentials an `on.login` handler may return. */
export interface LoginCredentials {
  /** The API server's URL. */
  server: string;
  /** PEM certificates to trust for the server. */
  caPem?: string;
  insecure?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** A bearer token (or the token of `scheme`). */
  token?: string;
  /** The Authorization scheme of `token`; `Bearer` by default. */
  scheme?: string;
  /** Basic authentication: both or none; takes precedence over a token. */
  username?: string;
  password?: string;
  clientCertificate?: { cert: string; key: string };
  /** The namespace requests default to; `default` when not given. */
  namespace?: string;
  /** Higher wins; equal priorities are used in turn. Default 0. */
  priority?: number;
  /** When the credentials stop being valid (they are dropped then, and the handlers run again). */
  expiration?: Date | string;
}

/** Nothing usable came from the login handlers. */
export class LoginError extends Error {
  override name = 'LoginError';
}

interface VaultItem {
  readonly connection: ConnectionInfo;
  readonly priority: number;
  readonly key: string;
  readonly expiresMs?: number;
}

/** The Authorization header of plain credentials, by Kopf's rules. */
export function authorizationHeader(credentials: LoginCredentials): string | undefined {
  const { username, password, scheme, token } = credentials;
  if (username !== undefined && password !== undefined) return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  if (scheme && token) return `${scheme} ${token}`;
  if (scheme) return scheme;
  if (token) return `Bearer ${token}`;
  return undefined;
}

function isConnectionInfo(value: unknown): value is ConnectionInfo {
  return typeof value === 'object' && value !== null && typeof (value as ConnectionInfo).credentials === 'function';
}

async function toItem(id: string, value: unknown): Promise<VaultItem> {
  if (isConnectionInfo(value)) {
    // Keyed by what it authenticates with, so that a rotated token from the same source counts as new.
    const { headers, clientCertificate } = await value.credentials();
    return { connection: value, priority: 0, key: JSON.stringify([value.server, headers, clientCertificate?.cert]) };
  }
  const given = value as LoginCredentials;
  if (typeof given !== 'object' || given === null || typeof given.server !== 'string') {
    throw new LoginError(`the login handler '${id}' returned neither a ConnectionInfo nor credentials with a server URL`);
  }
  const header = authorizationHeader(given);
  const credentials: Credentials = { headers: header ? { Authorization: header } : {}, clientCertificate: given.clientCertificate };
  const connection: ConnectionInfo = {
    server: given.server.replace(/\/+$/, ''),
    caPem: given.caPem,
    insecure: given.insecure ?? false,
    tlsServerName: given.tlsServerName,
    proxyUrl: given.proxyUrl,
    namespace: given.namespace ?? 'default',
    identity: `credentials of the login handler '${id}'`,
    source: 'login',
    credentials: async () => credentials,
    reauthenticate: async () => undefined,
  };
  const expiresMs = given.expiration === undefined ? undefined : new Date(given.expiration).getTime();
  return { connection, priority: given.priority ?? 0, key: JSON.stringify([given.server, header, given.clientCertificate?.cert]), expiresMs };
}

/** The credentials of the login handlers, and a connection that always uses the best valid one. */
export class CredentialsVault {
  #items: VaultItem[] = [];
  readonly #refused = new Set<string>();
  #logins = 0;
  #pending?: Promise<void>;
  /** Which item gave out which credentials, to drop the right one after a 401. */
  readonly #served = new WeakMap<Credentials, VaultItem>();

  constructor(
    private readonly runtime: ActivityRuntime,
    private readonly logger: Logger,
  ) {}

  /** Runs the login handlers for the first time and resolves with the connection to build the client on. */
  async connection(): Promise<ConnectionInfo> {
    await this.#login();
    const first = this.#current().connection;
    return {
      server: first.server,
      caPem: first.caPem,
      insecure: first.insecure,
      tlsServerName: first.tlsServerName,
      proxyUrl: first.proxyUrl,
      namespace: first.namespace,
      get identity() {
        return first.identity;
      },
      source: 'login',
      credentials: async () => {
        await this.#pending;
        // Expired credentials are dropped; when none is left, the login handlers run again.
        if (!this.#usable()) await this.#login();
        const item = this.#current();
        const credentials = await item.connection.credentials();
        this.#served.set(credentials, item);
        return credentials;
      },
      reauthenticate: (rejected) => this.#invalidate(rejected),
    };
  }

  #usable(): boolean {
    const now = Date.now();
    this.#items = this.#items.filter((item) => item.expiresMs === undefined || item.expiresMs > now);
    return this.#items.length > 0;
  }

  #current(): VaultItem {
    this.#usable();
    const best = this.#items[0];
    if (!best) throw new LoginError('Ran out of valid credentials. Consider installing an API client library or adding a login handler.');
    return best;
  }

  async #invalidate(rejected: Credentials | undefined): Promise<void> {
    await this.#pending;
    // Concurrent requests refused with the same credentials drop them once; a later 401 of an item no longer held changes nothing.
    const item = rejected === undefined ? this.#items[0] : this.#served.get(rejected);
    if (item && this.#items.includes(item)) {
      this.#items = this.#items.filter((kept) => kept !== item);
      this.#refused.add(item.key);
    }
    if (!this.#items.length) await this.#login();
  }

  #login(): Promise<void> {
    this.#pending ??= this.#runHandlers().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #runHandlers(): Promise<void> {
    const title = this.#logins++ === 0 ? 'Initial authentication' : 'Re-authentication';
    this.logger.info(`${title} has been initiated.`);
    const results = await runActivity(this.runtime, 'authentication');
    const items = (await Promise.all(Object.entries(results).map(([id, value]) => toItem(id, value)))).filter((item) => !this.#refused.has(item.key));
    if (!items.length) {
      this.logger.warn(`${title} has failed: no credentials were retrieved from the login handlers.`);
      throw new LoginError('Ran out of valid credentials. The login handlers gave none that the server has not refused.');
    }
    this.#items = items.sort((a, b) => b.priority - a.priority);
    this.logger.info(`${title} has finished.`);
  }
}

/** For `on.login` handlers: the credentials of a kubeconfig (files, `KUBECONFIG`, or the default one). */
export function loginWithKubeconfig(options: { kubeconfig?: string | string[]; context?: string } = {}): Promise<ConnectionInfo> {
  return loadConnection(options);
}

/** For `on.login` handlers: the pod's service account. */
export function loginWithServiceAccount(): Promise<ConnectionInfo> {
  return loadConnection({ inCluster: true });
}
