/**
 * The floor the cluster benchmark compares against: the least an HTTP server
 * can do for the same requests — keep JSON objects in a Map, merge patches
 * shallowly, stream changes to watchers as newline-delimited JSON. No
 * validation, no metadata, no history. Run: `tsx bench/floor-server.ts PORT`.
 */
import { createServer, type ServerResponse } from 'node:http';

const objects = new Map<string, Record<string, unknown>>();
const watchers = new Set<ServerResponse>();
let revision = 1;

function broadcast(type: string, object: unknown): void {
  const line = JSON.stringify({ type, object }) + '\n';
  for (const w of watchers) w.write(line);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  if (url.searchParams.get('watch') === 'true') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    watchers.add(res);
    req.on('close', () => watchers.delete(res));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    if (req.method === 'POST') {
      const meta = body.metadata;
      meta.resourceVersion = String(++revision);
      objects.set(meta.name, body);
      broadcast('ADDED', body);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    const name = url.pathname.split('/').pop()!;
    if (req.method === 'GET' && name === 'configmaps') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'ConfigMapList', metadata: { resourceVersion: String(revision) }, items: [] }));
      return;
    }
    const current = objects.get(name);
    if (!current) {
      res.writeHead(404);
      res.end('{}');
      return;
    }
    if (req.method === 'PATCH') {
      const next = { ...current, ...body, metadata: { ...(current.metadata as object), resourceVersion: String(++revision) } };
      objects.set(name, next);
      broadcast('MODIFIED', next);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(next));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(current));
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as { port: number }).port}`);
});
