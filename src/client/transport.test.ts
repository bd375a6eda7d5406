import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionInfo } from './config.ts';
import { ConnectionError, ForbiddenError, ServerError, UnauthorizedError, isTerminal } from './errors.ts';
import { createTransport, type RetryNotice, type Transport, type TransportSettings } from './transport.ts';

// These tests use tiny local HTTP servers for what a real API server cannot be made to do on demand:
// drop a connection after reading a request, refuse connections, answer exact 401/403 bodies.

const fast = { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 };
const servers: Server[] = [];
const transports: Transport[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(handler: Handler, port = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString()));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function connection(server: string, overrides: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    server,
    insecure: false,
    namespace: 'default',
    identity: 'user "tester" of context "test" (bearer token) from the test',
    source: 'kubeconfig',
    credentials: async () => ({ headers: {} }),
    reauthenticate: async () => {},
    ...overrides,
  };
}

function transportTo(info: ConnectionInfo, settings: TransportSettings = {}): { transport: Transport; retries: RetryNotice[] } {
  const retries: RetryNotice[] = [];
  const transport = createTransport(info, { backoff: fast, retries: 3, onRetry: (n) => retries.push(n), ...settings });
  transports.push(transport);
  return { transport, retries };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

async function freePort(): Promise<number> {
  const { server } = await serve(() => {});
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  servers.splice(servers.indexOf(server), 1);
  return port;
}

/** Runs `test` against an HTTPS URL whose TCP server never answers the TLS handshake: no connection is ever established. */
async function withSilentServer(test: (url: string) => Promise<void>): Promise<void> {
  const silent = createNetServer(() => {});
  const sockets: Socket[] = [];
  silent.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    await test(`https://127.0.0.1:${(silent.address() as AddressInfo).port}`);
  } finally {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  }
}

describe('requests', () => {
  it('sends JSON with the query, the credentials and a User-Agent, and parses the answer', async () => {
    let seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    const { url } = await serve((req, res, body) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      json(res, 201, { created: true });
    });
    const { transport } = transportTo(connection(url, { credentials: async () => ({ headers: { Authorization: 'Bearer t0k3n' } }) }));
    const answer = await transport.request({ method: 'POST', path: '/api/v1/namespaces/ns/configmaps', query: { dryRun: 'All', skip: undefined, n: 2, b: true }, body: { a: 1 } });
    expect(answer).toEqual({ created: true });
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/v1/namespaces/ns/configmaps?dryRun=All&n=2&b=true');
    expect(seen.headers).toMatchObject({ authorization: 'Bearer t0k3n', 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'kopf-ts' });
    expect(JSON.parse(seen.body!)).toEqual({ a: 1 });
  });

  it('sends other content types and string bodies as they are', async () => {
    let seen: { type?: string; body?: string } = {};
    const { url } = await serve((req, res, body) => {
      seen = { type: req.headers['content-type'], body };
      json(res, 200, {});
    });
    const { transport } = transportTo(connection(url));
    await transport.request({ method: 'PATCH', path: '/x', body: '[{"op":"remove","path":"/a"}]', contentType: 'application/json-patch+json' });
    expect(seen).toEqual({ type: 'application/json-patch+json', body: '[{"op":"remove","path":"/a"}]' });
  });

  it('keeps the path prefix of a server URL', async () => {
    let path = '';
    const { url } = await serve((req, res) => {
      path = req.url!;
      json(res, 200, {});
    });
    const { transport } = transportTo(connection(`${url}/k8s/clusters/c-1/`));
    await transport.request({ method: 'GET', path: '/api/v1/namespaces' });
    expect(path).toBe('/k8s/clusters/c-1/api/v1/namespaces');
  });
});

describe('retries', () => {
  it('repeats a GET whose connection dropped after it was sent', async () => {
    let calls = 0;
    const { url } = await serve((req, res) => (++calls === 1 ? req.socket.destroy() : json(res, 200, { ok: true })));
    const { transport, retries } = transportTo(connection(url));
    expect(await transport.request({ method: 'GET', path: '/api/v1/namespaces/ns/pods/p' })).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(retries).toHaveLength(1);
  });

  it('never repeats a POST that may have been applied', async () => {
    let calls = 0;
    const { url } = await serve((req) => {
      calls++;
      req.socket.destroy();
    });
    const { transport, retries } = transportTo(connection(url));
    const error = await failure(transport.request({ method: 'POST', path: '/api/v1/namespaces/ns/pods', body: {} }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(true);
    expect(error.message).toMatch(/^create pods in ns: cannot reach http:\/\/127\.0\.0\.1:\d+: /);
    expect(calls).toBe(1);
    expect(retries).toHaveLength(0);
  });

  it('repeats a POST the caller declares safe to repeat', async () => {
    let calls = 0;
    const { url } = await serve((req, res) => (++calls === 1 ? req.socket.destroy() : json(res, 201, {})));
    const { transport } = transportTo(connection(url));
    await transport.request({ method: 'POST', path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', body: {}, retry: true });
    expect(calls).toBe(2);
  });

  it('repeats a POST whose connection was refused: it was never sent', async () => {
    const port = await freePort();
    let calls = 0;
    const { transport, retries } = transportTo(connection(`http://127.0.0.1:${port}`), {
      // The server comes up while the client waits for its first retry.
      onRetry: (notice) => {
        retries.push(notice);
        if (retries.length === 1) void serve((_req, res) => (calls++, json(res, 201, { made: 1 })), port);
      },
    });
    expect(await transport.request({ method: 'POST', path: '/api/v1/namespaces/ns/pods', body: {} })).toEqual({ made: 1 });
    expect(calls).toBe(1);
    expect((retries[0].error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('gives up after the retry limit with the number of attempts', async () => {
    const port = await freePort();
    const { transport, retries } = transportTo(connection(`http://127.0.0.1:${port}`), { retries: 2 });
    const error = await failure(transport.request({ method: 'GET', path: '/api/v1/namespaces' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/^list namespaces: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.* \(after 3 attempts\)$/);
    expect(retries.map((r) => [r.attempt, r.limit, r.delayMs])).toEqual([
      [1, 2, 5],
      [2, 2, 10],
    ]);
  });

  it('repeats 503 for a GET, not for a POST', async () => {
    let calls = 0;
    const { url } = await serve((_req, res) => (calls++, json(res, 503, { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'busy' })));
    const { transport, retries } = transportTo(connection(url));
    const get = await failure(transport.request({ method: 'GET', path: '/api/v1/namespaces/ns/pods' }));
    expect(get).toBeInstanceOf(ServerError);
    expect(calls).toBe(4);
    expect(retries).toHaveLength(3);
    calls = 0;
    const post = await failure(transport.request({ method: 'POST', path: '/api/v1/namespaces/ns/pods', body: {} }));
    expect(post.message).toBe('create pods in ns: 503 ServiceUnavailable: busy');
    expect(calls).toBe(1);
  });

  it('honours a Retry-After date longer than the backoff', async () => {
    let calls = 0;
    const { url } = await serve((_req, res) => {
      if (++calls > 1) return json(res, 200, {});
      json(res, 429, { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' }, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
    });
    const { transport, retries } = transportTo(connection(url));
    await transport.request({ method: 'POST', path: '/api/v1/namespaces/ns/pods', body: {} });
    // An HTTP date has whole seconds: between 1 and 2 seconds from now, never the 5 ms backoff.
    expect(retries[0].delayMs).toBeGreaterThanOrEqual(1000);
  });

  it('does not retry at all with retry: false', async () => {
    let calls = 0;
    const { url } = await serve((_req, res) => (calls++, json(res, 429, { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'no' }, { 'retry-after': '1' })));
    const { transport } = transportTo(connection(url));
    const error = await failure(transport.request({ method: 'GET', path: '/x', retry: false }));
    expect(error.name).toBe('TooManyRequestsError');
    expect(calls).toBe(1);
  });

  it('waits the given delays, one retry each, taking them over the backoff', async () => {
    const port = await freePort();
    const { transport, retries } = transportTo(connection(`http://127.0.0.1:${port}`), { delays: [0.01, 0.02] });
    const error = await failure(transport.request({ method: 'GET', path: '/api/v1/namespaces' }));
    expect(error.message).toMatch(/\(after 3 attempts\)$/);
    expect(retries.map((r) => [r.attempt, r.limit, r.delayMs])).toEqual([
      [1, 2, 10],
      [2, 2, 20],
    ]);
  });

  it('does not retry with no delays', async () => {
    let calls = 0;
    const { url } = await serve((_req, res) => (calls++, json(res, 503, { kind: 'Status', code: 503, message: 'busy' })));
    const { transport, retries } = transportTo(connection(url), { delays: [] });
    expect(await failure(transport.request({ method: 'GET', path: '/x' }))).toBeInstanceOf(ServerError);
    expect([calls, retries.length]).toEqual([1, 0]);
  });

  it('reads delays from any iterable, afresh for each request, without a known total', async () => {
    const port = await freePort();
    const delays = { *[Symbol.iterator]() { yield 0.001; } };
    const { transport, retries } = transportTo(connection(`http://127.0.0.1:${port}`), { delays });
    await failure(transport.request({ method: 'GET', path: '/a' }));
    await failure(transport.request({ method: 'GET', path: '/b' }));
    expect(retries.map((r) => [r.attempt, r.limit, r.delayMs])).toEqual([
      [1, undefined, 1],
      [1, undefined, 1],
    ]);
  });

  it('refuses negative delays', () => {
    expect(() => createTransport(connection('http://k'), { delays: [1, -1] })).toThrow('retry delays must be non-negative numbers of seconds, not -1');
  });

  it('waits the longer of Retry-After and its own delay, or Retry-After alone when enforced', async () => {
    const { url } = await serve((_req, res) => json(res, 429, { kind: 'Status', code: 429, message: 'slow down' }, { 'retry-after': '0' }));
    for (const enforceRetryAfter of [false, true]) {
      const { transport, retries } = transportTo(connection(url), { delays: [0.03], enforceRetryAfter });
      await failure(transport.request({ method: 'GET', path: '/x' }));
      expect(retries.map((r) => r.delayMs)).toEqual([enforceRetryAfter ? 0 : 30]);
    }
  });

  it('stops waiting when the signal is aborted', async () => {
    const { url } = await serve((_req, res) => json(res, 503, { kind: 'Status', code: 503, message: 'busy' }));
    const { transport } = transportTo(connection(url), { backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 } });
    const controller = new AbortController();
    const pending = failure(transport.request({ method: 'GET', path: '/x', signal: controller.signal }));
    setImmediate(() => controller.abort(new Error('stopped by the test')));
    expect((await pending).message).toBe('stopped by the test');
  });
});

describe('timeouts', () => {
  /** Answers at once, then trickles the body: no chunk is late, the whole is. */
  function trickle(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
    let sent = 0;
    const timer = setInterval(() => {
      if (++sent < 20) return void res.write('0,');
      clearInterval(timer);
      res.end('0]');
    }, 10);
    res.on('close', () => clearInterval(timer));
  }

  it('ends an attempt that takes longer than requestTimeoutMs in all, and retries it', async () => {
    let calls = 0;
    const { url } = await serve((_req, res) => (++calls === 1 ? trickle(res) : json(res, 200, { second: true })));
    const { transport, retries } = transportTo(connection(url), { requestTimeoutMs: 80, timeoutMs: 1000 });
    expect(await transport.request({ method: 'GET', path: '/x' })).toEqual({ second: true });
    expect(retries[0].error.message).toBe('the request did not complete within 0.08 seconds');
  });

  it('reports the timeout of the last attempt', async () => {
    const { url } = await serve((_req, res) => trickle(res));
    const { transport } = transportTo(connection(url), { requestTimeoutMs: 80, delays: [] });
    const error = await failure(transport.request({ method: 'GET', path: '/x' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(`get /x: cannot reach ${url}: the request did not complete within 0.08 seconds`);
  });

  it('gives a slow body its time without requestTimeoutMs', async () => {
    const { url } = await serve((_req, res) => trickle(res));
    const { transport } = transportTo(connection(url), { timeoutMs: 1000 });
    expect(await transport.request({ method: 'GET', path: '/x' })).toHaveLength(20);
  });

  it('gives a watch stream its own connect timeout', async () => {
    await withSilentServer(async (url) => {
      const { transport } = transportTo(connection(url), { connectTimeoutMs: 60_000, streamConnectTimeoutMs: 50, delays: [] });
      const started = performance.now();
      const error = await failure(transport.stream({ path: '/api/v1/pods', query: { watch: true } }));
      expect(String((error as ConnectionError).cause)).toMatch(/Connect Timeout/i);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });

  it('gives up connecting after connectTimeoutMs', async () => {
    await withSilentServer(async (url) => {
      const { transport } = transportTo(connection(url), { connectTimeoutMs: 50, delays: [] });
      const started = performance.now();
      const error = await failure(transport.request({ method: 'GET', path: '/x' }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(String((error as ConnectionError).cause)).toMatch(/Connect Timeout/i);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });
});

describe('authentication', () => {
  it('re-authenticates once on a 401 and retries with the new credentials', async () => {
    let token = 'stale';
    let reauthentications = 0;
    const { url } = await serve((req, res) =>
      req.headers.authorization === 'Bearer fresh' ? json(res, 200, { ok: true }) : json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }),
    );
    const info = connection(url, {
      credentials: async () => ({ headers: { Authorization: `Bearer ${token}` } }),
      reauthenticate: async () => {
        reauthentications++;
        token = 'fresh';
      },
    });
    const { transport } = transportTo(info);
    expect(await transport.request({ method: 'POST', path: '/api/v1/namespaces/ns/pods', body: {} })).toEqual({ ok: true });
    expect(reauthentications).toBe(1);
  });

  it('reports a second 401 as terminal, naming the identity', async () => {
    let reauthentications = 0;
    const { url } = await serve((_req, res) => json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }));
    const { transport, retries } = transportTo(connection(url, { reauthenticate: async () => void reauthentications++ }));
    const error = await failure(transport.request({ method: 'GET', path: '/api/v1/namespaces/ns/pods' }));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(isTerminal(error)).toBe(true);
    expect(error.message).toBe(
      'list pods in ns: 401 Unauthorized: the server rejected the credentials of user "tester" of context "test" (bearer token) from the test, also after re-authenticating; this is terminal until the credentials are fixed',
    );
    expect(reauthentications).toBe(1);
    expect(retries).toHaveLength(0);
  });

  it('reports a failed re-authentication as the 401 it follows', async () => {
    const { url } = await serve((_req, res) => json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }));
    const { transport } = transportTo(connection(url, { reauthenticate: async () => Promise.reject(new Error('the exec plugin failed')) }));
    const error = await failure(transport.request({ method: 'GET', path: '/api/v1/namespaces' }));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).serverMessage).toBe('Unauthorized; re-authentication failed: the exec plugin failed');
  });

  it('reports a failure to get credentials as it is, without sending anything', async () => {
    let calls = 0;
    const { url } = await serve((_req, res) => (calls++, json(res, 200, {})));
    const { transport, retries } = transportTo(connection(url, { credentials: async () => Promise.reject(new Error('exec: aws: command not found')) }));
    const error = await failure(transport.request({ method: 'GET', path: '/api/v1/namespaces' }));
    expect(error.message).toBe('exec: aws: command not found');
    expect(calls).toBe(0);
    expect(retries).toHaveLength(0);
  });

  it('reports an RBAC denial as terminal, with the server words', async () => {
    const message = 'pods is forbidden: User "system:serviceaccount:default:op" cannot list resource "pods" in API group "" in the namespace "ns"';
    const { url } = await serve((_req, res) => json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden', message, details: { kind: 'pods' } }));
    const { transport, retries } = transportTo(connection(url));
    const error = await failure(transport.request({ method: 'GET', path: '/api/v1/namespaces/ns/pods' }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(isTerminal(error)).toBe(true);
    expect(error.message).toBe(`list pods in ns: 403 Forbidden: ${message}; a missing permission is terminal until RBAC grants it`);
    expect(retries).toHaveLength(0);
  });
});

describe('connections', () => {
  it('holds at most connectionLimit connections for requests, and streams on connections of their own', async () => {
    const { url, server } = await serve((req, res) => {
      if (req.url?.includes('watch')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"BOOKMARK"}\n');
        return;
      }
      setTimeout(() => json(res, 200, { path: req.url }), 10);
    });
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => sockets.add(socket));
    const { transport } = transportTo(connection(url), { connectionLimit: 2 });
    const stopStreams = new AbortController();
    const streams = await Promise.all([1, 2, 3].map((n) => transport.stream({ path: `/api/v1/pods`, query: { watch: true, n }, signal: stopStreams.signal })));
    expect(streams).toHaveLength(3);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => transport.request<{ path: string }>({ method: 'GET', path: `/api/v1/pods/p${n}` })));
    expect(answers.map((a) => a.path)).toEqual(Array.from({ length: 12 }, (_, n) => `/api/v1/pods/p${n}`));
    expect(sockets.size).toBe(3 + 2);
    stopStreams.abort();
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => createTransport(connection('http://127.0.0.1:1'), { connectionLimit: 0 })).toThrow('connectionLimit must be a positive integer or null, not 0');
  });
});

describe('streams', () => {
  it('hands over the body of a 200 as bytes', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
      setTimeout(() => res.end('{"type":"DELETED"}\n'), 20);
    });
    const { transport } = transportTo(connection(url));
    const body = await transport.stream({ path: '/api/v1/pods', query: { watch: true } });
    let text = '';
    for await (const chunk of body) text += Buffer.from(chunk).toString();
    expect(text).toBe('{"type":"ADDED"}\n{"type":"DELETED"}\n');
  });

  it('throws the ApiError of any other answer', async () => {
    const { url } = await serve((_req, res) => json(res, 410, { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' }));
    const { transport } = transportTo(connection(url));
    const error = await failure(transport.stream({ path: '/api/v1/namespaces/ns/pods', query: { watch: 'true', resourceVersion: '1' } }));
    expect(error.name).toBe('GoneError');
    expect(error.message).toBe('watch pods in ns: 410 Expired: too old resource version: 1 (5)');
  });
});

/** A proxy that tunnels CONNECT requests, and the targets it tunnelled to. */
async function tunnellingProxy(): Promise<{ proxyUrl: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const proxy = createServer();
  servers.push(proxy);
  proxy.on('connect', (req: IncomingMessage, client) => {
    tunnels.push(req.url!);
    const [host, port] = req.url!.split(':');
    const upstream = netConnect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels };
}

describe('proxies', () => {
  it('tunnels through an HTTP proxy (proxy-url)', async () => {
    const { url } = await serve((_req, res) => json(res, 200, { through: 'proxy' }));
    const { proxyUrl, tunnels } = await tunnellingProxy();
    const { transport } = transportTo(connection(url, { proxyUrl }));
    expect(await transport.request({ method: 'GET', path: '/version' })).toEqual({ through: 'proxy' });
    expect(tunnels).toEqual([new URL(url).host]);
  });

  describe('from the environment', () => {
    const names = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    afterEach(() => {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    async function proxiedBy(trustEnv: boolean, noProxy = ''): Promise<string[]> {
      const { url } = await serve((_req, res) => json(res, 200, {}));
      const { proxyUrl, tunnels } = await tunnellingProxy();
      for (const name of names) delete process.env[name];
      process.env.HTTP_PROXY = proxyUrl;
      process.env.NO_PROXY = noProxy;
      const { transport } = transportTo(connection(url), { trustEnv });
      await transport.request({ method: 'GET', path: '/version' });
      return tunnels;
    }

    it('uses HTTP_PROXY with trustEnv', async () => {
      expect(await proxiedBy(true)).toHaveLength(1);
    });

    it('leaves out the hosts of NO_PROXY', async () => {
      expect(await proxiedBy(true, '127.0.0.1')).toEqual([]);
    });

    it('ignores the environment without trustEnv', async () => {
      expect(await proxiedBy(false)).toEqual([]);
    });
  });

  it('refuses proxies it cannot use', () => {
    expect(() => createTransport(connection('https://k:6443', { proxyUrl: 'socks5://p:1080' }))).toThrow('only HTTP(S) proxies are supported, not proxy-url socks5://p:1080');
  });
});
