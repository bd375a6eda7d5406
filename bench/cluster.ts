/**
 * The embedded cluster's benchmark: write throughput (create, merge patch)
 * with one watcher open, write → watch latency with 1, 10 and 100 watchers
 * under a saturating load and with one watcher at a fixed rate, and memory
 * for 10 000 small objects — each measured against a
 * floor server (bench/floor-server.ts) in the same run, so the ratios hold on
 * any machine.
 *
 *   npm run bench:cluster            # full run (≈1–2 min)
 *   npm run bench:cluster -- --quick # fewer operations, one round
 *   npm run bench:cluster -- --cpu-prof-dir DIR   # the cluster's CPU profile (node --cpu-prof) there
 *
 * Both servers run as child processes over plain HTTP on loopback, on bare
 * Node: the cluster as users run it (`kopf cluster`, from the compiled dist/;
 * rebuild it with `npm run build` after changing src/), the floor transpiled
 * (bench/plain-javascript.ts). This process is only the load generator; it
 * uses a lean client (bench/http-connection.ts) so it takes little CPU from them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { HttpConnection } from './http-connection.ts';
import { plainJavaScript } from './plain-javascript.ts';

const quick = process.argv.includes('--quick');
const profileArgument = process.argv.indexOf('--cpu-prof-dir');
const profiling = profileArgument > 0 ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[profileArgument + 1]}`] : [];
const writes = quick ? 1000 : 5000;
const latencyWrites = quick ? 200 : 1000;
const rounds = quick ? 1 : 3;
const memoryObjects = 10_000;
const pacedRate = 1000;
/** The latency phases: creates kept in flight with 1, 10 and 100 watchers, then one watcher at a fixed rate. */
const latencyPhases: Array<{ label: string; watchers: number; load: LatencyLoad }> = [
  ...[1, 10, 100].map((watchers) => ({ label: `${watchers} watcher(s)`, watchers, load: { inFlight: 8 } })),
  { label: `1 watcher, ${pacedRate}/s`, watchers: 1, load: { perSecond: pacedRate } },
];
const concurrency = 32;
const collection = '/api/v1/namespaces/default/configmaps';

interface Server {
  name: string;
  url: string;
  process: ChildProcess;
}

/** Starts a server and resolves once it printed the line `urlFrom` finds its URL in. */
async function startServer(name: string, args: string[], urlFrom: (line: string) => string | undefined): Promise<Server> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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
  return { name, url, process: child };
}

const floorUrl = (line: string) => {
  const port = /^listening (\d+)/.exec(line)?.[1];
  return port && `http://127.0.0.1:${port}`;
};
const clusterUrl = (line: string) => /at (http:\/\/[^,]+),/.exec(line)?.[1];

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** CPU time (user + system) a process has used so far, in microseconds. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime, in clock ticks of 10 ms (Linux's USER_HZ of 100).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function configMap(name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { key: 'value' } });
}

async function check(response: Promise<{ status: number; body: string }>, what: string): Promise<void> {
  const { status, body } = await response;
  if (status >= 300) throw new Error(`${what}: ${status} ${body.slice(0, 200)}`);
}

/** Runs `count` tasks with `connections.length` in flight, each worker on its own connection; answers the milliseconds taken. */
async function runConcurrently(connections: HttpConnection[], count: number, task: (connection: HttpConnection, i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    connections.map(async (connection) => {
      while (next < count) await task(connection, next++);
    }),
  );
  return performance.now() - started;
}

/** The collection's current resourceVersion: watches start there (an old one may be past the retained history and get 410). */
async function currentRevision(connection: HttpConnection): Promise<string> {
  const list = await connection.request('GET', `${collection}?limit=1`);
  return (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

/** Opens `count` watches from now; each records when it first saw each object name starting with `prefix`. */
async function openWatchers(server: Server, count: number, prefix: string) {
  const probe = HttpConnection.to(server.url);
  const from = await currentRevision(probe);
  probe.close();
  const seen: Array<Map<string, number>> = [];
  const connections: HttpConnection[] = [];
  for (let i = 0; i < count; i++) {
    const times = new Map<string, number>();
    seen.push(times);
    const connection = HttpConnection.to(server.url);
    connections.push(connection);
    await connection.watch(`${collection}?watch=true&resourceVersion=${from}`, (line) => {
      const name = /"name":"([^"]+)"/.exec(line)?.[1];
      if (name?.startsWith(prefix) && !times.has(name)) times.set(name, performance.now());
    });
  }
  return { seen, close: () => connections.forEach((c) => c.close()) };
}

/** Waits until every watcher saw `expected` names (or 10 s passed); answers whether they all did. */
async function allSeen(seen: Array<Map<string, number>>, expected: number): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (seen.some((s) => s.size < expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return seen.every((s) => s.size >= expected);
}

/** A server under test and the client connections that load it (one per request in flight). */
interface Target {
  server: Server;
  connections: HttpConnection[];
}

/** RSS of a fresh server, idle and then holding 10 000 small objects. */
async function measureMemory({ server, connections }: Target) {
  const idle = rssMiB(server.process.pid!);
  await runConcurrently(connections, memoryObjects, (c, i) => check(c.request('POST', collection, configMap(`m-${i}`)), 'create'));
  return { idleMiB: idle, holdingMiB: rssMiB(server.process.pid!) };
}

/**
 * One round of creates, then merge patches of the created objects, with one
 * watcher open, as the target is stated: every write is also an event to
 * deliver. Answers the rates and the server's CPU time per write.
 */
async function measureThroughput({ server, connections }: Target, round: number) {
  const prefix = `w${round}-`;
  const watcher = await openWatchers(server, 1, prefix);
  const pid = server.process.pid!;
  const cpuBeforeCreates = cpuMicros(pid);
  const createMs = await runConcurrently(connections, writes, (c, i) => check(c.request('POST', collection, configMap(`${prefix}${i}`)), 'create'));
  const cpuBeforePatches = cpuMicros(pid);
  const patchMs = await runConcurrently(connections, writes, (c, i) =>
    check(c.request('PATCH', `${collection}/${prefix}${i}`, JSON.stringify({ data: { key: `v${i}` } }), 'application/merge-patch+json'), 'patch'),
  );
  const cpuAfterPatches = cpuMicros(pid);
  if (!(await allSeen(watcher.seen, writes))) throw new Error(`${server.name}: the watcher missed events`);
  watcher.close();
  return {
    createPerSecond: (writes / createMs) * 1000,
    patchPerSecond: (writes / patchMs) * 1000,
    createCpuMicros: (cpuBeforePatches - cpuBeforeCreates) / writes,
    patchCpuMicros: (cpuAfterPatches - cpuBeforePatches) / writes,
  };
}

/**
 * How the latency phases load the server: a number of creates kept in flight (8 saturate it, so what is
 * measured is mostly the wait in its queue), or a fixed rate under its capacity (what is measured is delivery).
 */
type LatencyLoad = { inFlight: number } | { perSecond: number };

/** Sends `count` creates as `load` says, calling `create` with a free connection and the create's number. */
async function loadCreates(connections: HttpConnection[], count: number, load: LatencyLoad, create: (connection: HttpConnection, i: number) => Promise<void>): Promise<void> {
  if ('inFlight' in load) {
    await runConcurrently(connections.slice(0, load.inFlight), count, create);
    return;
  }
  const free = [...connections];
  const waiting: Array<(connection: HttpConnection) => void> = [];
  const release = (connection: HttpConnection) => {
    const next = waiting.shift();
    if (next) next(connection);
    else free.push(connection);
  };
  const started = performance.now();
  const creates: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    // A timer is good to about a millisecond: a create due sooner goes now.
    const wait = started + (i * 1000) / load.perSecond - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const connection = free.pop() ?? (await new Promise<HttpConnection>((resolve) => waiting.push(resolve)));
    creates.push(create(connection, i).finally(() => release(connection)));
  }
  await Promise.all(creates);
}

/** Write → watch delivery of creates with `watcherCount` watchers open, under `load`. */
async function measureLatency({ server, connections }: Target, watcherCount: number, load: LatencyLoad) {
  const prefix = `l${watcherCount}-${'inFlight' in load ? 'f' : 'r'}-`;
  const watchers = await openWatchers(server, watcherCount, prefix);
  const sent = new Map<string, number>();
  await loadCreates(connections, latencyWrites, load, async (connection, i) => {
    const name = `${prefix}${i}`;
    sent.set(name, performance.now());
    await check(connection.request('POST', collection, configMap(name)), 'create');
  });
  if (!(await allSeen(watchers.seen, latencyWrites))) console.warn(`${server.name}: some of ${watcherCount} watchers missed events`);
  watchers.close();
  const samples: number[] = [];
  for (const times of watchers.seen) for (const [name, at] of times) samples.push(at - sent.get(name)!);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** The newest modification time of the files under `dir` with a name ending in `suffix` (tests aside), in milliseconds (0 for none). */
function newestModification(dir: string, suffix: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    // Tests are not built into dist/: a test changed after the build does not make dist/ old.
    if (entry.endsWith(suffix) && !entry.endsWith(`.test${suffix}`)) newest = Math.max(newest, statSync(join(dir, entry)).mtimeMs);
  }
  return newest;
}

const row = (label: string, ours: number, base: number, unit: string, digits = 0) =>
  console.log(`${label.padEnd(40)} ${ours.toFixed(digits).padStart(9)} ${unit.padEnd(7)} floor ${base.toFixed(digits).padStart(9)}   ratio ${(ours / base).toFixed(2)}`);

console.log(
  `kopf-ts embedded cluster benchmark (${quick ? 'quick' : 'full'}: ${rounds} round(s) of ${writes} writes, ${latencyWrites} latency writes, ` +
    `${memoryObjects} objects for memory); load average ${loadavg()[0].toFixed(1)}\n`,
);
// `kopf cluster` runs dist/ unless the source condition is set (bin/kopf.js): a dist/ older than src/ measures old code.
if (process.env.NODE_OPTIONS?.includes('kopf-ts-source')) console.warn('NODE_OPTIONS sets the kopf-ts-source condition: the cluster runs src/ through tsx, not as users run it\n');
else if (newestModification('src', '.ts') > newestModification('dist', '.js')) console.warn('dist/ is older than src/: run `npm run build` first, or this measures old code\n');
const floor = await startServer('floor', [plainJavaScript(['floor-server.ts']), '0'], floorUrl);
const cluster = await startServer('embedded cluster', [...profiling, 'bin/kopf.js', 'cluster', '--http', '--port', '0'], clusterUrl);
const targets = [floor, cluster].map((server): Target => ({ server, connections: Array.from({ length: concurrency }, () => HttpConnection.to(server.url)) }));
// The servers are measured phase by phase in turn, so a change in the machine's load affects both alike.
const results = targets.map(() => ({ memory: { idleMiB: 0, holdingMiB: 0 }, throughput: [] as Array<Awaited<ReturnType<typeof measureThroughput>>>, latency: {} as Record<string, { p50: number; p99: number }> }));
try {
  // Memory first, on fresh servers.
  for (const [i, target] of targets.entries()) results[i].memory = await measureMemory(target);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) results[i].throughput.push(await measureThroughput(target, round));
  }
  for (const phase of latencyPhases) {
    for (const [i, target] of targets.entries()) results[i].latency[phase.label] = await measureLatency(target, phase.watchers, phase.load);
  }
} finally {
  for (const target of targets) {
    target.connections.forEach((c) => c.close());
    target.server.process.kill();
  }
}
const [floorResult, clusterResult] = results;
// Of several rounds, the best: on a shared machine the slower rounds measure the neighbours.
const best = (result: (typeof results)[number], pick: (round: (typeof results)[number]['throughput'][number]) => number, better: (a: number, b: number) => number) =>
  result.throughput.map(pick).reduce((a, b) => better(a, b));
row('creates/s (1 watcher)', best(clusterResult, (r) => r.createPerSecond, Math.max), best(floorResult, (r) => r.createPerSecond, Math.max), '/s');
row('merge patches/s (1 watcher)', best(clusterResult, (r) => r.patchPerSecond, Math.max), best(floorResult, (r) => r.patchPerSecond, Math.max), '/s');
row('server CPU per create', best(clusterResult, (r) => r.createCpuMicros, Math.min), best(floorResult, (r) => r.createCpuMicros, Math.min), 'µs');
row('server CPU per merge patch', best(clusterResult, (r) => r.patchCpuMicros, Math.min), best(floorResult, (r) => r.patchCpuMicros, Math.min), 'µs');
for (const { label } of latencyPhases) {
  row(`write→watch p50, ${label}`, clusterResult.latency[label].p50, floorResult.latency[label].p50, 'ms', 2);
  row(`write→watch p99, ${label}`, clusterResult.latency[label].p99, floorResult.latency[label].p99, 'ms', 2);
}
row('RSS idle', clusterResult.memory.idleMiB, floorResult.memory.idleMiB, 'MiB', 1);
row(`RSS holding ${memoryObjects} objects`, clusterResult.memory.holdingMiB, floorResult.memory.holdingMiB, 'MiB', 1);
