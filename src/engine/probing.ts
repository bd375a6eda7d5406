/**
 * The liveness endpoint (`kopf run --liveness http://0.0.0.0:8080/healthz`): a GET answers 200 with the
 * JSON results of the `on.probe` handlers (`{}` without probes), or 500 when a probe fails for good.
 * Results are reused for 10 seconds and concurrent requests share one run, so a busy prober does not
 * multiply the probes' work.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';

/** How long probe results are reused, as in Kopf. */
const resultsLifetimeMs = 10_000;

/** A running liveness endpoint. */
export interface LivenessEndpoint {
  /** The URL it serves, with the port it actually got (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

/** Where to listen, from the `--liveness` URL: only `http`, host default `localhost`, port default 80. */
export function parseLivenessUrl(text: string): { host: string; port: number; path: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`Unsupported liveness endpoint: ${text} (expected e.g. http://0.0.0.0:8080/healthz)`);
  }
  if (url.protocol !== 'http:') throw new TypeError(`Unsupported scheme: ${text}`);
  return { host: url.hostname || 'localhost', port: url.port ? Number(url.port) : 80, path: url.pathname || '/' };
}

/** Starts serving probe results at `url` until closed. */
export async function serveLiveness(url: string, probe: () => Promise<Record<string, unknown>>, logger: Logger): Promise<LivenessEndpoint> {
  const { host, port, path } = parseLivenessUrl(url);
  let cached: { atMs: number; results: Promise<Record<string, unknown>> } | undefined;
  const results = () => {
    if (!cached || Date.now() - cached.atMs > resultsLifetimeMs) {
      const running = { atMs: Date.now(), results: probe() };
      // A failed run is not reused: the next request probes again.
      running.results.catch(() => {
        if (cached === running) cached = undefined;
      });
      cached = running;
    }
    return cached.results;
  };
  const server: Server = createServer((request, response) => {
    const requested = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' || requested !== path) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found.\n');
      return;
    }
    results().then(
      (values) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(values)),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const served = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}${path}`;
  logger.debug(`Serving health status at ${served}`);
  return {
    url: served,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
