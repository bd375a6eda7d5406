/**
 * The watch benchmark: kopf-ts's watch (`watchResource`, and the `WatchHub`
 * for memory) against @kubernetes/client-node's `Watch` and its informer
 * (`makeInformer`), on the same embedded API server in the same run, so the
 * ratios hold on any machine.
 *
 *   npx tsx bench/watch.ts            # full run (≈1 min)
 *   npx tsx bench/watch.ts --quick    # fewer objects and writes, for a smoke check
 *
 * Measured, each client alone:
 *   - initial sync: receiving every object of a namespace (10 000 ConfigMaps)
 *     from a fresh start — events/s and this process's CPU per event;
 *   - live burst: a separate writer process patches the objects as fast as
 *     the server takes it — events/s and CPU per event while they arrive,
 *     each client in a fresh process of its own (its CPU is then its own,
 *     garbage and JIT threads included, not shared with the other clients');
 *   - latency: one patch at a time, from sending the patch to the client
 *     handing the event over (p50, p99);
 *   - memory: a fresh process per client, heap and RSS growth once it holds
 *     a synced watch of the 10 000 objects (after a full GC).
 * The server runs in a child process (`kopf cluster --http`), so this process
 * spends its CPU on the client alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Pool } from 'undici';

const namespace = 'bench';
const collection = `/api/v1/namespaces/${namespace}/configmaps`;
const configmaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };

/** One watching client under test: `start` resolves once it is started, with its `stop`. */
interface Client {
  name: string;
  start(url: string, onEvent: (type: string, object: any) => void): Promise<() => Promise<void>>;
}

async function clientNodeConfig(url: string) {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'bench', server: url, skipTLSVerify: true }],
    users: [{ name: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  return { k8s, config };
}

async function ourTransport(url: string) {
  const { createTransport } = await import('../src/client/transport.ts');
  return createTransport({ server: url, insecure: false, namespace: 'default', identity: 'bench', source: 'kubeconfig', credentials: async () => ({ headers: {} }), reauthenticate: async () => {} });
}

function ourWatch(name: string, useWatchList: boolean): Client {
  return {
    name,
    async start(url, onEvent) {
      const { watchResource } = await import('../src/client/watch.ts');
      const transport = await ourTransport(url);
      const stop = new AbortController();
      const reading = (async () => {
        for await (const event of watchResource(transport, configmaps, { namespace, useWatchList, signal: stop.signal })) {
          if (event.type !== 'SYNCED') onEvent(event.type, event.object);
        }
      })();
      return async () => {
        stop.abort();
        await reading;
        await transport.close();
      };
    },
  };
}

const ourHub: Client = {
  name: 'kopf-ts WatchHub',
  async start(url, onEvent) {
    const { WatchHub } = await import('../src/client/watch-hub.ts');
    const transport = await ourTransport(url);
    const hub = new WatchHub(transport);
    const subscription = hub.subscribe(configmaps, { namespace });
    const reading = (async () => {
      for await (const event of subscription) if (event.type !== 'SYNCED') onEvent(event.type, event.object);
    })();
    return async () => {
      hub.close();
      await reading;
      await transport.close();
    };
  },
};

const clientNodeWatch: Client = {
  name: 'client-node Watch',
  async start(url, onEvent) {
    const { k8s, config } = await clientNodeConfig(url);
    // No resourceVersion: a 1.32 server sends every current object as ADDED first, then live events.
    const controller = await new k8s.Watch(config).watch(collection, {}, (type, object) => onEvent(type, object), () => {});
    return async () => controller.abort();
  },
};

const clientNodeInformer: Client = {
  name: 'client-node informer',
  async start(url, onEvent) {
    const { k8s, config } = await clientNodeConfig(url);
    const core = config.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(config, collection, () => core.listNamespacedConfigMap({ namespace }));
    informer.on('add', (object) => onEvent('ADDED', object));
    informer.on('update', (object) => onEvent('MODIFIED', object));
    await informer.start();
    return async () => informer.stop();
  },
};

const compared: Client[] = [ourWatch('kopf-ts watch (watch-list)', true), ourWatch('kopf-ts watch (paged list)', false), clientNodeWatch, clientNodeInformer];

// ----- child processes: the writer and the memory probes -----

async function writePatches(url: string, count: number, objects: number, round: string): Promise<void> {
  const pool = new Pool(url, { connections: 32 });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const i = next++;
        const response = await pool.request({
          method: 'PATCH',
          path: `${collection}/obj-${i % objects}`,
          body: JSON.stringify({ data: { round, i: String(i) } }),
          headers: { 'content-type': 'application/merge-patch+json' },
        });
        await response.body.text();
        if (response.statusCode >= 300) throw new Error(`patch: ${response.statusCode}`);
      }
    }),
  );
  await pool.close();
}

const MiB = 1024 * 1024;

/** Settles the heap as far as a full GC can, several times, for a stable reading. */
async function collected(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc!();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

/**
 * The live burst, in a process of its own: syncs, says so on stdout, then measures `count` events of the
 * round, from the first to the last, and prints the rate as JSON.
 */
async function measureLive(kind: string, url: string, objects: number, count: number, round: string): Promise<void> {
  const client = compared.find((c) => c.name === kind)!;
  let synced = 0;
  let seen = 0;
  let started = 0;
  let cpu = process.cpuUsage();
  const all = signal(`${kind} to see ${count} live events`);
  const stop = await client.start(url, (type, object) => {
    if (type === 'ADDED') {
      if (++synced === objects) process.stdout.write('synced\n');
      return;
    }
    if (type !== 'MODIFIED' || object.data?.round !== round) return;
    if (seen === 0) {
      started = performance.now();
      cpu = process.cpuUsage();
    }
    if (++seen === count) all.fire();
  });
  await all.promise;
  const used = process.cpuUsage(cpu);
  const result: Rate = { perSecond: (count / (performance.now() - started)) * 1000, cpuMicrosPerEvent: (used.user + used.system) / count };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await stop();
  process.exit(0);
}

async function probeMemory(kind: string, url: string, objects: number): Promise<void> {
  const client = [...compared, ourHub].find((c) => c.name === kind)!;
  // Load the client's modules before the baseline, so only what the watch holds is counted.
  await import('../src/client/watch.ts');
  await import('../src/client/watch-hub.ts');
  await import('../src/client/transport.ts');
  await clientNodeConfig(url);
  const before = await collected();
  let seen = 0;
  let synced!: () => void;
  const done = new Promise<void>((resolve) => (synced = resolve));
  const stop = await client.start(url, () => ++seen === objects && synced());
  await done;
  const after = await collected();
  process.stdout.write(`${JSON.stringify({ heapMiB: (after.heap - before.heap) / MiB, rssMiB: (after.rss - before.rss) / MiB })}\n`);
  await stop();
  process.exit(0);
}

// ----- the run -----

function runChild(args: string[], options: { nodeArgs?: string[] } = {}): { process: ChildProcess; output: Promise<string>; printed: (line: string) => Promise<void> } {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'bench/watch.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  const output = new Promise<string>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${args.join(' ')} exited with ${code}`)))));
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!text.split('\n').includes(line)) return;
        child.stdout!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
      output.then(() => reject(new Error(`${args.join(' ')} exited before printing ${line}`)), reject);
      check();
    });
  return { process: child, output, printed };
}

async function startServer(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/kopf.js', 'cluster', '--http', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk) => {
      text += chunk;
      const found = /at (http:\/\/[^,]+),/.exec(text)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the embedded cluster exited with ${code} before it was ready`)));
  });
  return { url, process: child };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/**
 * A promise the client's event callback settles: waiting on it costs no CPU,
 * so the CPU measured while it is pending is the client's (a polling wait
 * would add its own, more for slower clients).
 */
function signal(what: string, timeoutMs = 120_000): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  let timer: NodeJS.Timeout;
  const promise = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    fire = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { promise, fire };
}

interface Rate {
  perSecond: number;
  cpuMicrosPerEvent: number;
}

/** Events/s and this process's CPU per event from the start of the client until it has synced `count` objects. */
async function syncRate(client: Client, url: string, count: number): Promise<Rate> {
  let seen = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const all = signal(`${client.name} to see ${count} events`);
  const stop = await client.start(url, (type) => type === 'ADDED' && ++seen === count && all.fire());
  try {
    await all.promise;
  } finally {
    await stop();
  }
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { perSecond: (count / elapsedMs) * 1000, cpuMicrosPerEvent: (used.user + used.system) / count };
}

/** The live burst of one round: the client in a fresh process, the writer started once it has synced. */
async function liveRate(client: Client, url: string, objects: number, count: number, round: string): Promise<Rate> {
  const live = runChild(['--live', client.name, url, String(objects), String(count), round]);
  await live.printed('synced');
  await runChild(['--writer', url, String(count), String(objects), round]).output;
  const lines = (await live.output).trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Rate;
}

/** Write → event latency: one patch at a time, each awaited by the client before the next. */
async function measureLatency(
  client: Client,
  url: string,
  objects: number,
  writes: number,
  send: (method: string, path: string, body: unknown, contentType?: string) => Promise<void>,
): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  const sentAt = new Map<string, number>();
  let synced = 0;
  const sync = signal(`${client.name} to sync`);
  let seen = { promise: Promise.resolve(), fire: () => {} };
  const stop = await client.start(url, (type, object) => {
    if (type === 'ADDED' && ++synced === objects) sync.fire();
    const marker = object.data?.latency as string | undefined;
    if (type === 'MODIFIED' && marker && sentAt.has(marker)) {
      samples.push(performance.now() - sentAt.get(marker)!);
      sentAt.delete(marker);
      seen.fire();
    }
  });
  try {
    await sync.promise;
    for (let i = 0; i < writes; i++) {
      const marker = `${client.name}-${i}`;
      seen = signal(`${client.name} to see patch ${i}`);
      sentAt.set(marker, performance.now());
      await send('PATCH', `${collection}/obj-${i % objects}`, { data: { latency: marker } }, 'application/merge-patch+json');
      await seen.promise;
    }
  } finally {
    await stop();
  }
  samples.sort((a, b) => a - b);
  return { p50: median(samples), p99: percentile(samples, 99) };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const objects = quick ? 2000 : 10_000;
  // Long enough for the JIT and the heap of the client's process to settle (shorter bursts favour the smaller code path).
  const burst = quick ? 3000 : 15_000;
  const latencyWrites = quick ? 100 : 300;
  const repeats = quick ? 1 : 3;
  const server = await startServer();
  const pool = new Pool(server.url, { connections: 32 });
  const send = async (method: string, path: string, body: unknown, contentType = 'application/json') => {
    const response = await pool.request({ method: method as 'POST', path, body: JSON.stringify(body), headers: { 'content-type': contentType } });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
  };
  try {
    await send('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < objects) {
          const i = next++;
          await send('POST', collection, { metadata: { name: `obj-${i}`, labels: { app: 'bench', shard: String(i % 16) } }, data: { key: `value-${i}`, round: 'initial' } });
        }
      }),
    );
    console.log(`kopf-ts watch benchmark (${quick ? 'quick' : 'full'}): ${objects} ConfigMaps, bursts of ${burst} patches, ${latencyWrites} latency writes, best of ${repeats}\n`);

    // Warm-up: every client syncs once untimed, so module loading and JIT are not measured.
    for (const client of compared) await syncRate(client, server.url, objects);
    // Rounds go through the clients in turn, so a noisy moment on the machine hits them all alike.
    const syncs = new Map<string, Rate[]>(compared.map((c) => [c.name, []]));
    const lives = new Map<string, Rate[]>(compared.map((c) => [c.name, []]));
    for (let r = 0; r < repeats; r++) {
      for (const client of compared) syncs.get(client.name)!.push(await syncRate(client, server.url, objects));
      for (const client of compared) lives.get(client.name)!.push(await liveRate(client, server.url, objects, burst, `${client.name}-${r}`));
    }
    const results = new Map<string, { sync: Rate; live: Rate; p50: number; p99: number; heapMiB: number; rssMiB: number }>();
    for (const client of compared) {
      const latency = await measureLatency(client, server.url, objects, latencyWrites, send);
      const memory = JSON.parse(await runChild(['--memory', client.name, server.url, String(objects)], { nodeArgs: ['--expose-gc'] }).output);
      const best = (rates: Rate[]) => rates.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      results.set(client.name, { sync: best(syncs.get(client.name)!), live: best(lives.get(client.name)!), ...latency, ...memory });
    }
    const hubMemory = JSON.parse(await runChild(['--memory', ourHub.name, server.url, String(objects)], { nodeArgs: ['--expose-gc'] }).output);

    const header = `${'client'.padEnd(28)} ${'sync ev/s'.padStart(10)} ${'µs CPU/ev'.padStart(10)} ${'live ev/s'.padStart(10)} ${'µs CPU/ev'.padStart(10)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'heap MiB'.padStart(9)} ${'RSS MiB'.padStart(8)}`;
    console.log(header);
    for (const [name, r] of results) {
      console.log(
        `${name.padEnd(28)} ${r.sync.perSecond.toFixed(0).padStart(10)} ${r.sync.cpuMicrosPerEvent.toFixed(1).padStart(10)} ${r.live.perSecond.toFixed(0).padStart(10)} ${r.live.cpuMicrosPerEvent.toFixed(1).padStart(10)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${r.heapMiB.toFixed(1).padStart(9)} ${r.rssMiB.toFixed(1).padStart(8)}`,
      );
    }
    console.log(`${ourHub.name.padEnd(28)} ${''.padStart(10)} ${''.padStart(10)} ${''.padStart(10)} ${''.padStart(10)} ${''.padStart(7)} ${''.padStart(7)} ${hubMemory.heapMiB.toFixed(1).padStart(9)} ${hubMemory.rssMiB.toFixed(1).padStart(8)}`);

    const ours = results.get(compared[0].name)!;
    console.log('\nkopf-ts watch (watch-list) compared (higher is better for kopf-ts):');
    for (const other of [clientNodeWatch, clientNodeInformer]) {
      const them = results.get(other.name)!;
      console.log(`  vs ${other.name}:`);
      console.log(`    initial sync throughput ×${(ours.sync.perSecond / them.sync.perSecond).toFixed(2)}, CPU per event ×${(them.sync.cpuMicrosPerEvent / ours.sync.cpuMicrosPerEvent).toFixed(2)} less`);
      console.log(`    live burst throughput   ×${(ours.live.perSecond / them.live.perSecond).toFixed(2)}, CPU per event ×${(them.live.cpuMicrosPerEvent / ours.live.cpuMicrosPerEvent).toFixed(2)} less`);
      console.log(`    latency p50 ×${(them.p50 / ours.p50).toFixed(2)} lower, p99 ×${(them.p99 / ours.p99).toFixed(2)} lower`);
      console.log(`    heap per ${objects} objects ×${(them.heapMiB / ours.heapMiB).toFixed(2)} less (WatchHub, which keeps every object: ×${(them.heapMiB / hubMemory.heapMiB).toFixed(2)})`);
    }
  } finally {
    await pool.close();
    server.process.kill();
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--writer') await writePatches(args[0], Number(args[1]), Number(args[2]), args[3]);
else if (mode === '--live') await measureLive(args[0], args[1], Number(args[2]), Number(args[3]), args[4]);
else if (mode === '--memory') await probeMemory(args[0], args[1], Number(args[2]));
else await main();
