/**
 * The built-in webhook server (Kopf's `WebhookServer`): an HTTPS server in the operator's process that
 * the API server calls at `POST <url>/<handler id>`. Without certificate files it makes a throw-away CA
 * and a serving certificate for the host it is reached at, and hands the CA to the API server in the
 * client configuration it yields.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createServingCertificates } from '../core/certificates.ts';
import type { AdmissionRequestFn, WebhookClientConfig, WebhookServer as WebhookServing } from '../registry/settings.ts';
import { WebhookRequestError } from './admission.ts';

/** A webhook server or tunnel, as `settings.admission.server` takes it (see `registry/settings.ts`). */
export type WebhookServer = WebhookServing;

/** How the built-in webhook server listens and is reached. */
export interface WebhookServerOptions {
  /** The address to listen on. Default: all interfaces. */
  addr?: string;
  /** The port to listen on; 0 or undefined picks a free one. */
  port?: number;
  /** The root path of the webhooks (`/webhooks`); handler ids follow it. Default: none. */
  path?: string;
  /**
   * The host the API server reaches the server at, in the URL and the certificate. Default: the
   * accessible form of `addr` (`localhost` for all interfaces, `127.0.0.1` for `0.0.0.0`, `::1` for `::`).
   */
  host?: string;
  /** Serve plain HTTP (the API server accepts it only through tunnels or proxies that add TLS). Default false. */
  insecure?: boolean;
  /** The serving certificate (PEM file); with `pkeyfile`. Default: a generated self-signed one. */
  certfile?: string;
  /** The private key of `certfile` (PEM file, unencrypted). */
  pkeyfile?: string;
  /** The CA that signed `certfile` (PEM file), given to the API server. Default: `certfile` itself. */
  cafile?: string;
  /** Write the CA bundle (PEM) to this file, for clients that want to call the server too. */
  cadump?: string;
  /** More DNS names or IP addresses for the generated certificate. */
  extraSans?: readonly string[];
  /**
   * A CA (PEM file) to verify the callers' client certificates with: callers are asked for one, and a
   * verified one is passed to the handlers as `sslpeer`. Callers without one are still served.
   */
  verifyCafile?: string;
}

const ANY_ADDRESSES = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** Where the server can be reached when listening on `addr`. */
function accessibleHost(addr: string | undefined): string {
  if (!addr) return 'localhost';
  if (addr === '0.0.0.0') return '127.0.0.1';
  if (addr === '::' || addr === '0:0:0:0:0:0:0:0') return '::1';
  return addr;
}

/** The server's certificate, key and the CA bundle the API server must trust. */
interface ServingTls {
  cert: string;
  key: string;
  caBundle: string;
}

async function servingTls(options: WebhookServerOptions, host: string): Promise<ServingTls> {
  if (options.certfile || options.pkeyfile) {
    if (!options.certfile || !options.pkeyfile) throw new TypeError('WebhookServer needs both certfile and pkeyfile, or neither');
    const cert = await readFile(options.certfile, 'utf8');
    const key = await readFile(options.pkeyfile, 'utf8');
    return { cert, key, caBundle: options.cafile ? await readFile(options.cafile, 'utf8') : cert };
  }
  const names = [...new Set([host, options.addr, ...(options.extraSans ?? [])])].filter((name): name is string => !!name && !ANY_ADDRESSES.has(name));
  const generated = await createServingCertificates({ hosts: names.filter((name) => !isIP(name)), ips: names.filter((name) => isIP(name)) });
  return { cert: generated.cert, key: generated.key, caBundle: generated.caCert };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response: http.ServerResponse, status: number, contentType: string, text: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The verified client certificate of the caller, if it presented one. */
function peerCertificate(request: http.IncomingMessage): Record<string, unknown> {
  const socket = request.socket as Partial<TLSSocket>;
  if (!socket.authorized) return {};
  const certificate = socket.getPeerCertificate?.();
  return certificate ? { ...certificate } : {};
}

async function serveRequest(root: string, handle: AdmissionRequestFn, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const pathname = new URL(request.url ?? '/', 'http://webhook').pathname;
  if (!pathname.startsWith(`${root}/`)) return reply(response, 404, 'text/plain', 'Not Found');
  if (request.method !== 'POST') return reply(response, 405, 'text/plain', 'Method Not Allowed');
  let webhook: string;
  let review: unknown;
  try {
    webhook = decodeURIComponent(pathname.slice(root.length + 1));
  } catch {
    return reply(response, 400, 'text/plain', 'The webhook id in the path is not properly URL-encoded.');
  }
  try {
    review = JSON.parse(await readBody(request));
  } catch (error) {
    return reply(response, 400, 'text/plain', `The body is not JSON: ${(error as Error).message}`);
  }
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
  try {
    const answer = await handle(review, { webhook, headers, sslpeer: peerCertificate(request) });
    reply(response, 200, 'application/json', JSON.stringify(answer));
  } catch (error) {
    if (error instanceof WebhookRequestError) reply(response, error.code, 'text/plain', error.message);
    else reply(response, 500, 'text/plain', String(error));
  }
}

async function startServer(options: WebhookServerOptions, handle: AdmissionRequestFn): Promise<{ server: http.Server; config: WebhookClientConfig }> {
  const root = (options.path ?? '').replace(/\/+$/, '');
  const host = options.host ?? accessibleHost(options.addr);
  const tls = options.insecure ? undefined : await servingTls(options, host);
  if (tls && options.cadump) await writeFile(options.cadump, tls.caBundle);
  const listener = (request: http.IncomingMessage, response: http.ServerResponse) => void serveRequest(root, handle, request, response);
  const verification = options.verifyCafile ? { requestCert: true, rejectUnauthorized: false, ca: await readFile(options.verifyCafile, 'utf8') } : {};
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key, ...verification }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.addr, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  const url = `${tls ? 'https' : 'http'}://${urlHost}:${port}${root}`;
  return { server, config: tls ? { url, caBundle: Buffer.from(tls.caBundle).toString('base64') } : { url } };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // The API server keeps its connections alive; they must not hold the operator's exit.
    server.closeAllConnections();
  });
}

/**
 * The built-in webhook server, for `settings.admission.server`: it starts listening when the operator
 * iterates it, yields its client configuration once, and closes when the iteration is stopped
 * (`return()`, which resolves at once even while the next value is awaited).
 */
export function WebhookServer(options: WebhookServerOptions = {}): WebhookServer {
  return (handle) => ({
    [Symbol.asyncIterator](): AsyncIterator<WebhookClientConfig> {
      let server: http.Server | undefined;
      let started = false;
      let stopped = false;
      let markStopped!: () => void;
      const whenStopped = new Promise<void>((resolve) => (markStopped = resolve));
      const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
      return {
        async next() {
          if (started) {
            await whenStopped;
            return finished;
          }
          started = true;
          const running = await startServer(options, handle);
          if (stopped) {
            await closeServer(running.server);
            return finished;
          }
          server = running.server;
          return { done: false, value: running.config };
        },
        async return() {
          stopped = true;
          markStopped();
          if (server) await closeServer(server);
          server = undefined;
          return finished;
        },
      };
    },
  });
}
