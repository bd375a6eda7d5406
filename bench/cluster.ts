/**
 * The embedded cluster's benchmark: write throughput (create, merge patch),
 * write → watch delivery latency with 1, 10 and 100 watchers, and memory for
 * 10 000 small objects — each measured against a floor server (bench/floor-server.ts)
 * in the same run, so the ratios hold on any machine.
 *
 *   npm run bench:cluster            # full run (≈1 min)
 *   npm run bench:cluster -- --quick # fewer operations, for a smoke check
 *
 * Both servers run as child processes over plain HTTP on loopback; this
 * process is only the load generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

const quick = process.argv.includes('--quick');
const writes = quick ? 1000 : 5000;
const latencyWrites = quick ? 200 : 1000;
const memoryObjects = 10_000;
const concurrency = 32;

interface Server {
  name: string;
  url: string;
  process: ChildProcess;
  /** Path prefix of the configmaps collection. */
  collection: string;
}

async function startServer(name: string, command: string[], urlFrom: (line: string) => string | undefined, collection: string): Promise<Server> {
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk) => {
      text += chunk;
      for (const line of text.split('\n')) {
        const found = urlFrom(line);
        if (found) resolve(found);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
  return { name, url, process: child, collection };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runConcurrently(count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - started;
}

function configMap(name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { key: 'value' } });
}

async function request(pool: Pool, method: string, path: string, body?: string, contentType = 'application/json'): Promise<void> {
  const response = await pool.request({ method: method as 'POST', path, body, headers: body ? { 'content-type': contentType } : {} });
  await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode}`);
}

/** Opens `count` watches and resolves with a function reporting when each watcher saw a given object name. */
async function openWatchers(server: Server, count: number, prefix: string) {
  const seen: Array<Map<string, number>> = [];
  const controllers: AbortController[] = [];
  // Watch from now: a list's resourceVersion (an old one may be past the retained history and get 410).
  const list = (await (await fetch(`${server.url}${server.collection}?limit=1`)).json()) as { metadata: { resourceVersion: string } };
  const from = list.metadata.resourceVersion;
  for (let i = 0; i < count; i++) {
    const times = new Map<string, number>();
    seen.push(times);
    const controller = new AbortController();
    controllers.push(controller);
    const response = await fetch(`${server.url}${server.collection}?watch=true&resourceVersion=${from}`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffered += decoder.decode(value, { stream: true });
          let newline;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            const name = /"name":"([^"]+)"/.exec(line)?.[1];
            if (name?.startsWith(prefix) && !times.has(name)) times.set(name, performance.now());
          }
        }
      } catch {
        // aborted at the end of the measurement
      }
    })();
  }
  return { seen, close: () => controllers.forEach((c) => c.abort()) };
}

async function measure(server: Server) {
  const pool = new Pool(server.url, { connections: concurrency, pipelining: 1 });
  // Memory first, on a fresh server: RSS when idle, then holding 10 000 small objects.
  const idle = rssMiB(server.process.pid!);
  await runConcurrently(memoryObjects, (i) => request(pool, 'POST', server.collection, configMap(`m-${i}`)));
  const holding = rssMiB(server.process.pid!);
  const createMs = await runConcurrently(writes, (i) => request(pool, 'POST', server.collection, configMap(`w-${i}`)));
  const patchMs = await runConcurrently(writes, (i) =>
    request(pool, 'PATCH', `${server.collection}/w-${i % writes}`, JSON.stringify({ data: { key: `v${i}` } }), 'application/merge-patch+json'),
  );
  const latency: Record<number, { p50: number; p99: number }> = {};
  for (const watcherCount of [1, 10, 100]) {
    const prefix = `l${watcherCount}-`;
    const watchers = await openWatchers(server, watcherCount, prefix);
    const sent = new Map<string, number>();
    // A steady trickle (8 in flight), so latency is not queueing behind a burst.
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < latencyWrites) {
          const name = `${prefix}${next++}`;
          sent.set(name, performance.now());
          await request(pool, 'POST', server.collection, configMap(name));
        }
      }),
    );
    const deadline = Date.now() + 10_000;
    while (watchers.seen.some((s) => s.size < latencyWrites) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const samples: number[] = [];
    for (const times of watchers.seen) for (const [name, at] of times) samples.push(at - sent.get(name)!);
    samples.sort((a, b) => a - b);
    latency[watcherCount] = { p50: percentile(samples, 50), p99: percentile(samples, 99) };
    watchers.close();
  }
  await pool.close();
  return { createPerSecond: (writes / createMs) * 1000, patchPerSecond: (writes / patchMs) * 1000, latency, idleMiB: idle, memoryMiB: holding };
}

const floor = await startServer('floor', ['npx', 'tsx', 'bench/floor-server.ts', '0'], (line) => /^listening (\d+)/.exec(line)?.[1] && `http://127.0.0.1:${/^listening (\d+)/.exec(line)![1]}`, '/api/v1/namespaces/default/configmaps');
const cluster = await startServer('embedded cluster', ['node', 'bin/kopf.js', 'cluster', '--http', '--port', '0'], (line) => /at (http:\/\/[^,]+),/.exec(line)?.[1], '/api/v1/namespaces/default/configmaps');
try {
  console.log(`kopf-ts embedded cluster benchmark (${quick ? 'quick' : 'full'}: ${writes} writes, ${latencyWrites} latency writes, ${memoryObjects} objects for memory)\n`);
  const floorResult = await measure(floor);
  const clusterResult = await measure(cluster);
  const row = (label: string, ours: number, base: number, unit: string, digits = 0) =>
    console.log(`${label.padEnd(34)} ${ours.toFixed(digits).padStart(9)} ${unit.padEnd(7)} floor ${base.toFixed(digits).padStart(9)}   ratio ${(ours / base).toFixed(2)}`);
  row('creates/s', clusterResult.createPerSecond, floorResult.createPerSecond, '/s');
  row('merge patches/s', clusterResult.patchPerSecond, floorResult.patchPerSecond, '/s');
  for (const n of [1, 10, 100]) {
    row(`write→watch p50, ${n} watcher(s)`, clusterResult.latency[n].p50, floorResult.latency[n].p50, 'ms', 2);
    row(`write→watch p99, ${n} watcher(s)`, clusterResult.latency[n].p99, floorResult.latency[n].p99, 'ms', 2);
  }
  row('RSS idle', clusterResult.idleMiB, floorResult.idleMiB, 'MiB', 1);
  row(`RSS holding ${memoryObjects} objects`, clusterResult.memoryMiB, floorResult.memoryMiB, 'MiB', 1);
} finally {
  floor.process.kill();
  cluster.process.kill();
}
