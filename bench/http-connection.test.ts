import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpConnection } from './http-connection.ts';

let server: Server | undefined;
let connection: HttpConnection | undefined;

afterEach(async () => {
  connection?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A local server answering every request with `respond`; answers its URL. */
async function serve(respond: (body: string, method: string, res: ServerResponse) => void, keepAliveMs = 5000): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => respond(body, req.method ?? '', res));
  });
  server.keepAliveTimeout = keepAliveMs;
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('HttpConnection', () => {
  it('reads responses framed by Content-Length and by chunks, one after another on one connection', async () => {
    const url = await serve((body, method, res) => {
      if (method === 'POST') {
        res.writeHead(201, { 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        // No length given: node sends it chunked, here in two chunks.
        res.writeHead(200);
        res.write('{"first":');
        res.end('"ünïcode"}');
      }
    });
    connection = HttpConnection.to(url);
    expect(await connection.request('POST', '/things', '{"name":"a"}')).toEqual({ status: 201, body: '{"name":"a"}' });
    expect(await connection.request('GET', '/things/a')).toEqual({ status: 200, body: '{"first":"ünïcode"}' });
  });

  it('opens a new socket when the server closed an idle one', async () => {
    const url = await serve((_body, _method, res) => res.end('ok'), 50);
    connection = HttpConnection.to(url);
    expect((await connection.request('GET', '/')).body).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await connection.request('GET', '/')).body).toBe('ok');
  });

  it('hands over the lines of a streamed response as they arrive', async () => {
    const streams: ServerResponse[] = [];
    const url = await serve((_body, _method, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      streams.push(res);
    });
    connection = HttpConnection.to(url);
    const lines: string[] = [];
    await connection.watch('/things?watch=true', (line) => lines.push(line));
    // The promise resolved on the response head: the server holds the stream now.
    expect(streams).toHaveLength(1);
    streams[0].write('{"type":"ADDED"}\n{"type":');
    streams[0].write('"MODIFIED"}\n');
    await expect.poll(() => lines).toEqual(['{"type":"ADDED"}', '{"type":"MODIFIED"}']);
    streams[0].end();
  });

  it('fails a watch the server refuses', async () => {
    const url = await serve((_body, _method, res) => {
      res.writeHead(410);
      res.end();
    });
    connection = HttpConnection.to(url);
    await expect(connection.watch('/things?watch=true', () => {})).rejects.toThrow('410');
  });
});
