/**
 * The only code of kopf-ts that speaks HTTP to an API server: one keep-alive
 * undici pool per server, JSON in and out, retries with jittered exponential
 * backoff, one re-authentication on a 401, and every failure turned into the
 * typed errors of `errors.ts`.
 *
 * Retries: connection failures, timeouts, 429 (honouring `Retry-After`) and
 * 500/502/503/504. A request that may already have been applied is repeated only if
 * repeating it is harmless — every method but POST, unless the caller says
 * otherwise — so a create is never duplicated by a lost response.
 */
import { EnvHttpProxyAgent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { backoffDelay, checkBackoffSettings, defaultBackoff, delayHonouring, type BackoffSettings } from '../core/backoff.ts';
import type { ConnectionInfo, Credentials } from './config.ts';
import { apiErrorFromBody, ConnectionError, UnauthorizedError, type ApiError } from './errors.ts';
import { describeRequest, type RequestSubject } from './request-subject.ts';
import { classifyConnectionFailure, mayRetryStatus, parseRetryAfter } from './retry-policy.ts';

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The API path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON-serializable value, or a string sent as it is. */
  body?: unknown;
  /** Content-Type of the body; `application/json` by default. */
  contentType?: string;
  signal?: AbortSignal;
  /**
   * idempotent requests are retried; POST is not retried once sent.
   * `true` declares a POST safe to repeat; `false` disables every retry.
   */
  retry?: boolean;
}

export interface Transport {
  /** JSON in, JSON out; throws the ApiError family (errors.ts) built from the Status body. */
  request<T = unknown>(options: RequestOptions): Promise<T>;
  /** Opens a streaming GET (watch): resolves once headers arrive with status 200, else throws the ApiError; the body is a byte stream. */
  stream(options: { path: string; query?: RequestOptions['query']; signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array>>;
  close(): Promise<void>;
}

/** One retry about to happen, for logs and metrics. */
export interface RetryNotice {
  request: RequestSubject;
  /** 1 for the first retry. */
  attempt: number;
  /** How many retries are allowed in all; undefined when the delays come from an iterable of unknown length. */
  limit: number | undefined;
  delayMs: number;
  error: Error;
}

/** Settings of a transport. */
export interface TransportSettings {
  /** How many times a failed request is retried (default 8). */
  retries?: number;
  /** The backoff between retries (default: 0.5 s doubling to 30 s, half jittered). */
  backoff?: BackoffSettings;
  /**
   * The delays before the retries of a request, in seconds and in order: one retry per delay, none for an
   * empty list. Each request iterates it afresh (a generator is used up by the first request that needs
   * it). Takes precedence over `retries` and `backoff`.
   */
  delays?: Iterable<number>;
  /** `Retry-After` alone decides the delay of a retry it comes with; by default the longer of it and our own delay counts. */
  enforceRetryAfter?: boolean;
  /**
   * Milliseconds to wait for response headers, and for each body chunk of a non-streaming request
   * (default 60 s; 0 for no limit). Streams wait for their headers this long too.
   */
  timeoutMs?: number;
  /** Milliseconds each attempt of a non-streaming request may take in total, from sending it to its last byte (default: no limit). */
  requestTimeoutMs?: number;
  /** Milliseconds to establish a connection, TLS included (default: undici's 10 s). */
  connectTimeoutMs?: number;
  /** Milliseconds to establish the connection of a watch stream (default: `connectTimeoutMs`). */
  streamConnectTimeoutMs?: number;
  /**
   * Send requests through the proxies of the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, also in
   * lower case); ignored when the connection names its own proxy. Default false: the environment is ignored.
   */
  trustEnv?: boolean;
  /**
   * The most connections requests hold open to the server at once (default 32; `null` for no limit). More
   * requests in flight wait for a free connection: a burst of work then costs the server a queue, not a
   * TLS handshake per request. Watch streams hold a connection each for minutes and are not counted.
   */
  connectionLimit?: number | null;
  /** The User-Agent header (default `kopf-ts`). */
  userAgent?: string;
  /** Called before every retry. */
  onRetry?: (notice: RetryNotice) => void;
}

type Query = RequestOptions['query'];

interface Sent {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.append(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function bodyText(body: unknown): string | Uint8Array | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  return JSON.stringify(body);
}

/** JSON bodies parsed; anything else (a proxy's error page, `404 page not found`) kept as text. */
function parseBody(text: string, headers: Sent['headers']): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (String(headers['content-type'] ?? '').includes('json')) throw new Error(`the server sent malformed JSON: ${(error as Error).message}`);
    return text;
  }
}

/** Waits, or rejects with the signal's reason when it is aborted first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Milliseconds of one retry delay given in seconds, checked. */
function delayMsOf(seconds: number): number {
  if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)) {
    throw new RangeError(`retry delays must be non-negative numbers of seconds, not ${String(seconds)}`);
  }
  return seconds * 1000;
}

/** The retries still allowed to one request, and the delay before each. */
class RetryPlan {
  /** Retries made so far. */
  attempt = 0;

  constructor(
    private readonly delaysMs: Iterator<number>,
    readonly limit: number | undefined,
  ) {}

  /** The delay before the next retry, counting it; undefined when no retry is left. */
  next(): number | undefined {
    const step = this.delaysMs.next();
    if (step.done) return undefined;
    this.attempt++;
    return step.value;
  }
}

function* backoffDelays(retries: number, backoff: BackoffSettings): Generator<number> {
  for (let attempt = 0; attempt < retries; attempt++) yield backoffDelay(attempt, backoff);
}

function* millisecondsOf(delays: Iterable<number>): Generator<number> {
  for (const seconds of delays) yield delayMsOf(seconds);
}

/** An error that ends an attempt that took longer than `requestTimeoutMs`. */
function requestTimeoutError(ms: number): Error {
  return Object.assign(new Error(`the request did not complete within ${ms / 1000} seconds`), { name: 'TimeoutError' });
}

/** Requests and watch streams use pools of their own, so that long streams never wait for or hold up requests. */
interface Dispatchers {
  requests: Dispatcher;
  streams: Dispatcher;
}

class HttpTransport implements Transport {
  private readonly origin: string;
  /** A path prefix of the server URL (API servers behind a proxy path). */
  private readonly basePath: string;
  private readonly retries: number;
  private readonly backoff: BackoffSettings;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly connectionLimit: number | undefined;
  private dispatchers?: Dispatchers;
  /** The client certificate the current dispatchers present: a new one needs new pools. */
  private dispatcherCertificate = '';
  private readonly retired = new Set<Dispatcher>();
  private closed = false;

  constructor(
    private readonly connection: ConnectionInfo,
    private readonly settings: TransportSettings,
  ) {
    const url = new URL(connection.server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the server URL must be http(s): ${connection.server}`);
    if (connection.proxyUrl && !/^https?:/.test(connection.proxyUrl)) {
      throw new Error(`only HTTP(S) proxies are supported, not proxy-url ${connection.proxyUrl}`);
    }
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.retries = settings.retries ?? 8;
    if (!(Number.isInteger(this.retries) && this.retries >= 0)) throw new RangeError(`retries must be a non-negative integer, not ${settings.retries}`);
    this.backoff = checkBackoffSettings(settings.backoff ?? defaultBackoff);
    if (Array.isArray(settings.delays)) settings.delays.forEach(delayMsOf);
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    for (const name of ['timeoutMs', 'requestTimeoutMs', 'connectTimeoutMs', 'streamConnectTimeoutMs'] as const) {
      const value = settings[name];
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a non-negative number of milliseconds, not ${value}`);
    }
    this.userAgent = settings.userAgent ?? 'kopf-ts';
    const limit = settings.connectionLimit === undefined ? 32 : settings.connectionLimit;
    if (limit !== null && !(Number.isInteger(limit) && limit > 0)) throw new RangeError(`connectionLimit must be a positive integer or null, not ${limit}`);
    this.connectionLimit = limit ?? undefined;
  }

  private dispatcherFor(credentials: Credentials, streaming: boolean): Dispatcher {
    const certificate = credentials.clientCertificate;
    const identity = certificate ? certificate.cert + certificate.key : '';
    if (!this.dispatchers || identity !== this.dispatcherCertificate) {
      if (this.dispatchers) {
        // Requests and streams already on the old pools finish there; new ones use the new identity.
        for (const old of [this.dispatchers.requests, this.dispatchers.streams]) {
          this.retired.add(old);
          void old.close().finally(() => this.retired.delete(old));
        }
      }
      const { connectTimeoutMs, streamConnectTimeoutMs = connectTimeoutMs } = this.settings;
      this.dispatchers = {
        requests: this.newDispatcher(certificate, this.connectionLimit, connectTimeoutMs),
        streams: this.newDispatcher(certificate, undefined, streamConnectTimeoutMs),
      };
      this.dispatcherCertificate = identity;
    }
    return streaming ? this.dispatchers.streams : this.dispatchers.requests;
  }

  private newDispatcher(certificate: Credentials['clientCertificate'], connections: number | undefined, connectTimeoutMs: number | undefined): Dispatcher {
    const timeout = { timeout: connectTimeoutMs };
    const tls = {
      ca: this.connection.caPem,
      rejectUnauthorized: !this.connection.insecure,
      servername: this.connection.tlsServerName,
      cert: certificate?.cert,
      key: certificate?.key,
      ...timeout,
    };
    if (this.connection.proxyUrl) return new ProxyAgent({ uri: this.connection.proxyUrl, requestTls: tls, proxyTls: timeout, connections });
    // The environment is read when the agent is made, so a pool made after a change of identity sees its current proxies.
    if (this.settings.trustEnv) return new EnvHttpProxyAgent({ connect: tls, requestTls: tls, proxyTls: timeout, keepAliveTimeout: 30_000, connections });
    return new Pool(this.origin, { connect: tls, keepAliveTimeout: 30_000, connections });
  }

  private async send(
    credentials: Credentials,
    method: RequestOptions['method'],
    path: string,
    query: Query,
    extra: { body?: unknown; contentType?: string; signal?: AbortSignal; streaming?: boolean },
  ): Promise<Sent> {
    const body = bodyText(extra.body);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent, ...credentials.headers };
    if (body !== undefined) headers['content-type'] = extra.contentType ?? 'application/json';
    const response = await this.dispatcherFor(credentials, extra.streaming === true).request({
      origin: this.origin,
      path: `${this.basePath}${path}${queryString(query)}`,
      method,
      headers,
      body,
      signal: extra.signal,
      headersTimeout: this.timeoutMs,
      // A watch stays silent for minutes; its own inactivity deadline judges it, not ours.
      bodyTimeout: extra.streaming ? 0 : this.timeoutMs,
    });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  }

  private errorOf(sent: Sent, body: unknown, subject: RequestSubject): ApiError {
    return apiErrorFromBody(sent.statusCode, body, {
      request: subject,
      identity: this.connection.identity,
      retryAfterSeconds: sent.statusCode === 429 || sent.statusCode >= 500 ? secondsOf(parseRetryAfter(sent.headers['retry-after'])) : undefined,
    });
  }

  private credentials(): Promise<Credentials> {
    if (this.closed) throw new Error('the transport is closed');
    return this.connection.credentials();
  }

  /** Re-authenticates once; a failure to do so is reported as the 401 it follows. */
  private async reauthenticate(subject: RequestSubject, rejected: Credentials): Promise<void> {
    try {
      await this.connection.reauthenticate(rejected);
    } catch (error) {
      const status = { kind: 'Status' as const, code: 401, reason: 'Unauthorized', message: `Unauthorized; re-authentication failed: ${(error as Error).message}` };
      throw new UnauthorizedError(401, status, { request: subject, identity: this.connection.identity });
    }
  }

  async request<T = unknown>(options: RequestOptions): Promise<T> {
    const subject = describeRequest(options.method, options.path, options.query);
    const repeatable = options.retry ?? options.method !== 'POST';
    const plan = this.retryPlan(options.retry === false);
    let reauthenticated = false;
    for (;;) {
      // Failing to get credentials (a broken exec plugin, an unreadable token file) is reported as it is.
      const credentials = await this.credentials();
      let sent: Sent;
      let text: string;
      const deadline = this.attemptDeadline(options.signal);
      try {
        sent = await this.send(credentials, options.method, options.path, options.query, { ...options, signal: deadline.signal });
        text = await sent.body.text();
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (this.closed) throw error;
        const failure = classifyConnectionFailure(error);
        const delayMs = failure.certificate || (failure.sent && !repeatable) ? undefined : plan.next();
        if (delayMs === undefined) {
          throw new ConnectionError(subject, this.connection.server, failure.sent, error, plan.attempt + 1, failure.certificate);
        }
        await this.pause({ request: subject, attempt: plan.attempt, limit: plan.limit, error: error as Error }, delayMs, undefined, options.signal);
        continue;
      } finally {
        deadline.clear();
      }
      const body = parseBody(text, sent.headers);
      if (sent.statusCode < 300) return body as T;
      if (sent.statusCode === 401 && !reauthenticated) {
        reauthenticated = true;
        await this.reauthenticate(subject, credentials);
        continue;
      }
      const error = this.errorOf(sent, body, subject);
      const delayMs = mayRetryStatus(sent.statusCode, repeatable) ? plan.next() : undefined;
      if (delayMs === undefined) throw error;
      const serverDelayMs = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : undefined;
      await this.pause({ request: subject, attempt: plan.attempt, limit: plan.limit, error }, delayMs, serverDelayMs, options.signal);
    }
  }

  /** The retries of one request: the configured delays, else the backoff curve; none when retrying is off. */
  private retryPlan(disabled: boolean): RetryPlan {
    const { delays } = this.settings;
    if (disabled) return new RetryPlan([][Symbol.iterator](), 0);
    if (delays === undefined) return new RetryPlan(backoffDelays(this.retries, this.backoff), this.retries);
    const known = Array.isArray(delays) ? delays.length : delays instanceof Set ? delays.size : undefined;
    return new RetryPlan(millisecondsOf(delays), known);
  }

  /**
   * The signal of one attempt: the caller's, and a timer of `requestTimeoutMs` that aborts the attempt
   * with a timeout error — a connection failure that is retried like any other.
   */
  private attemptDeadline(signal: AbortSignal | undefined): { signal: AbortSignal | undefined; clear: () => void } {
    const limitMs = this.settings.requestTimeoutMs;
    if (!limitMs) return { signal, clear: () => {} };
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(requestTimeoutError(limitMs)), limitMs);
    return { signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal, clear: () => clearTimeout(timer) };
  }

  /** Waits before a retry: our delay, or the server's (`Retry-After`) if longer — or in any case, when it is enforced. */
  private async pause(notice: Omit<RetryNotice, 'delayMs'>, ownDelayMs: number, serverDelayMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    const delayMs = this.settings.enforceRetryAfter && serverDelayMs !== undefined ? serverDelayMs : delayHonouring(ownDelayMs, serverDelayMs);
    this.settings.onRetry?.({ ...notice, delayMs });
    await sleep(delayMs, signal);
  }

  async stream(options: { path: string; query?: Query; signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array>> {
    const subject = describeRequest('GET', options.path, { watch: true, ...options.query });
    let reauthenticated = false;
    for (;;) {
      const credentials = await this.credentials();
      let sent: Sent;
      let text: string;
      try {
        sent = await this.send(credentials, 'GET', options.path, options.query, { signal: options.signal, streaming: true });
        if (sent.statusCode === 200) return sent.body;
        text = await sent.body.text();
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (this.closed) throw error;
        const failure = classifyConnectionFailure(error);
        throw new ConnectionError(subject, this.connection.server, failure.sent, error, 1, failure.certificate);
      }
      const body = parseBody(text, sent.headers);
      if (sent.statusCode === 401 && !reauthenticated) {
        reauthenticated = true;
        await this.reauthenticate(subject, credentials);
        continue;
      }
      throw this.errorOf(sent, body, subject);
    }
  }

  /** Ends every request and stream still open and releases the connections. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.retired, ...(this.dispatchers ? [this.dispatchers.requests, this.dispatchers.streams] : [])];
    await Promise.all(all.map((d) => d.destroy()));
  }
}

function secondsOf(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/**
 * Creates the transport of one API server. It opens connections lazily;
 * `close()` ends everything still open.
 */
export function createTransport(connection: ConnectionInfo, settings: TransportSettings = {}): Transport {
  return new HttpTransport(connection, settings);
}
