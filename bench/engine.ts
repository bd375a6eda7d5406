/**
 * The engine benchmark (issue 5): example 01's handler — one create handler returning
 * `{ message: 'hello world' }` — in `operator()`, while N KopfExample objects are created as fast as
 * the server takes them; beside it, in the same run, a raw-client floor that does exactly the writes
 * the result needs (bench/floor-operator.ts). Both with the status subresource (the examples' CRD) and
 * without it.
 *
 *   npm run bench:engine                  # embedded cluster, N = 1000
 *   npm run bench:engine -- --quick       # N = 200, a smoke run
 *   npm run bench:engine -- --objects N   # N objects instead
 *   npm run bench:engine -- --heap-snapshot-dir DIR   # kopf-ts's V8 heap once all is handled, there
 *   npm run bench:engine -- --real        # the real control plane (scripts/control-plane/build)
 *   npm run bench:engine -- --rounds 3    # each measurement 3 times, in turns; the medians
 *   npm run bench:engine -- --cpu-prof-dir /tmp/prof   # kopf-ts's CPU profiles (node --cpu-prof) there
 *
 * The API server, the operator and the floor are child processes of this one (the load generator):
 * CPU and memory are read from /proc per process. Measured for each contender:
 *   - objects/s: from the first create sent until every object carries `status.createFn` (beside the
 *     rate of the creates themselves, the load);
 *   - PATCHes per object, counted by the operator's transport (and by kube-apiserver's
 *     `apiserver_request_total` on the real backend);
 *   - creation → handler start, p50/p99: from the create's response arriving to the handler starting
 *     (the handler records the system's monotonic clock, which this process reads too);
 *   - CPU seconds while handling, peak RSS, and startup (spawn → watching) apart from both.
 */
import { countBetween, parseRequestTotals, type RequestSeries } from './apiserver-requests.ts';
import { startBenchCluster } from './bench-cluster.ts';
import { startContender, type Contender } from './contender.ts';
import { collectionPath, createAtOnce, deleteAll, ensureNamespace, installResource, kopfExamples, objectNames, plainExamples, watchResults, type BenchResource, type ResultWatch } from './example-objects.ts';
import { connectRaw, type RawApi } from './raw-api.ts';
import { plainJavaScript } from './plain-javascript.ts';
import { mebibytes, medianOf, millisBetween, millisPerName, percentile } from './stats.ts';

const quick = process.argv.includes('--quick');
const roundsArgument = process.argv.indexOf('--rounds');
const rounds = roundsArgument > 0 ? Number(process.argv[roundsArgument + 1]) : 1;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
const real = process.argv.includes('--real');
const profileArgument = process.argv.indexOf('--cpu-prof-dir');
const heapSnapshotArgument = process.argv.indexOf('--heap-snapshot-dir');
const heapSnapshotDir = heapSnapshotArgument > 0 ? process.argv[heapSnapshotArgument + 1] : undefined;
const profiling = profileArgument > 0 ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[profileArgument + 1]}`] : [];
const objectsArgument = process.argv.indexOf('--objects');
const count = objectsArgument > 0 ? Number(process.argv[objectsArgument + 1]) : quick ? 200 : 1000;
if (!Number.isInteger(count) || count < 1) throw new Error('--objects takes a positive integer');
const createsInFlight = 16;
const namespace = 'bench';

/** What one contender did in one round. */
interface RoundResult {
  /** The load: how fast the creates went through while the contender worked. */
  createsPerSecond: number;
  objectsPerSecond: number;
  /** PATCHes per object as the contender counted them: the object, and its status subresource. */
  patches: number;
  statusPatches: number;
  /** PATCHes per object as kube-apiserver counted them (real backend only). */
  serverPatches?: number;
  /** Handler calls per object. */
  handlerCalls: number;
  latencyP50: number;
  latencyP99: number;
  cpuSeconds: number;
  peakRssMiB: number;
  peakComposition: string;
  readyRssMiB: number;
  startupSeconds: number;
}

interface ContenderSpec {
  name: string;
  command(resource: BenchResource): string[];
}

// Both run on bare Node, without tsx: see plain-javascript.ts. kopf-ts is its compiled package, as users run it.
const kopfTsScript = plainJavaScript(['engine-operator.ts']);
const kopfTs: ContenderSpec = { name: 'kopf-ts', command: (resource) => [process.execPath, ...profiling, kopfTsScript, resource.plural] };
const floorScript = plainJavaScript(['floor-operator.ts', 'raw-api.ts']);
const floor: ContenderSpec = {
  name: 'floor',
  command: (resource) => [process.execPath, floorScript, `${resource.group}/${resource.version}`, resource.plural, ...(resource === plainExamples ? ['--one-patch'] : [])],
};

async function requestTotals(api: RawApi): Promise<RequestSeries[] | undefined> {
  return real ? parseRequestTotals(await api.text('/metrics')) : undefined;
}

async function round(api: RawApi, kubeconfigPath: string, resource: BenchResource, spec: ContenderSpec, prefix: string): Promise<RoundResult> {
  const contender: Contender = startContender(spec.name, spec.command(resource), { KUBECONFIG: kubeconfigPath });
  let results: ResultWatch | undefined;
  try {
    const handlerStarts = new Map<string, bigint>();
    let handlerCalls = 0;
    contender.onLine(({ text }) => {
      const started = /^started (\S+) (\d+)$/.exec(text);
      if (!started) return;
      handlerCalls++;
      if (!handlerStarts.has(started[1])) handlerStarts.set(started[1], BigInt(started[2]));
    });
    const ready = await contender.waitForLine(/^ready$/);
    const atReady = contender.monitor.sample();
    const totalsBefore = await requestTotals(api);
    results = await watchResults(api, resource, namespace, count, (object) => object.status?.createFn !== undefined);
    const startedAt = process.hrtime.bigint();
    const creates = await createAtOnce(api, resource, namespace, objectNames(prefix, count), createsInFlight);
    const createdAt = process.hrtime.bigint();
    const finishedAt = await Promise.race([results.all, contender.failed]);
    const atEnd = contender.monitor.sample();
    contender.send('report');
    const report = JSON.parse((await contender.waitForLine(/^report /)).text.slice('report '.length)) as { patches: number; statusPatches: number };
    if (heapSnapshotDir && spec === kopfTs) {
      contender.send(`heap-snapshot ${heapSnapshotDir}`);
      console.log(`kopf-ts's heap: ${(await contender.waitForLine(/^heap-snapshot /, 600_000)).text.slice('heap-snapshot '.length)}`);
    }
    const totalsAfter = await requestTotals(api);
    const latencies = millisPerName(creates.keys(), new Map([...creates].map(([name, times]) => [name, times.respondedAt])), handlerStarts);
    const serverPatches =
      totalsBefore && totalsAfter
        ? countBetween(totalsBefore, totalsAfter, (labels) => labels.verb === 'PATCH' && labels.group === resource.group && labels.resource === resource.plural) / count
        : undefined;
    return {
      createsPerSecond: count / (millisBetween(startedAt, createdAt) / 1000),
      objectsPerSecond: count / (millisBetween(startedAt, finishedAt) / 1000),
      patches: report.patches / count,
      statusPatches: report.statusPatches / count,
      serverPatches,
      handlerCalls: handlerCalls / count,
      latencyP50: percentile(latencies, 50),
      latencyP99: percentile(latencies, 99),
      cpuSeconds: atEnd.cpuSeconds - atReady.cpuSeconds,
      peakRssMiB: mebibytes(contender.monitor.peakRssBytes),
      peakComposition: contender.monitor.peakComposition,
      readyRssMiB: mebibytes(atReady.rssBytes),
      startupSeconds: millisBetween(contender.spawnedAt, ready.at) / 1000,
    };
  } finally {
    results?.stop();
    await contender.stop();
    await deleteAll(api, resource, namespace);
  }
}

/** kopf-ts against the floor: a ratio, or for latencies (which can be negative) the difference. */
function printComparison(title: string, ours: RoundResult, base: RoundResult): void {
  console.log(`\n${title}`);
  console.log(`${''.padEnd(40)}${'kopf-ts'.padStart(10)}${'floor'.padStart(10)}${'vs floor'.padStart(12)}`);
  const row = (label: string, pick: (r: RoundResult) => number | undefined, digits: number, compare: 'ratio' | 'difference' = 'ratio') => {
    const a = pick(ours);
    const b = pick(base);
    if (a === undefined || b === undefined) return;
    const comparison = compare === 'difference' ? `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(digits)}` : b === 0 ? (a === 0 ? '×1.00' : '—') : `×${(a / b).toFixed(2)}`;
    console.log(`${label.padEnd(40)}${a.toFixed(digits).padStart(10)}${b.toFixed(digits).padStart(10)}${comparison.padStart(12)}`);
  };
  row('creates/s (the load)', (r) => r.createsPerSecond, 0);
  row('objects/s (until all carry the result)', (r) => r.objectsPerSecond, 0);
  row('PATCHes/object (client-side)', (r) => r.patches + r.statusPatches, 2);
  row('  of them on /status', (r) => r.statusPatches, 2);
  row('PATCHes/object (kube-apiserver)', (r) => r.serverPatches, 2);
  row('handler calls/object', (r) => r.handlerCalls, 2);
  row('creation→handler p50 (ms)', (r) => r.latencyP50, 1, 'difference');
  row('creation→handler p99 (ms)', (r) => r.latencyP99, 1, 'difference');
  row('CPU while handling (s)', (r) => r.cpuSeconds, 2);
  row('CPU per object (ms)', (r) => (r.cpuSeconds * 1000) / count, 2);
  row('peak RSS (MiB)', (r) => r.peakRssMiB, 1);
  row('RSS when ready (MiB)', (r) => r.readyRssMiB, 1);
  row('startup: spawn→watching (s)', (r) => r.startupSeconds, 2);
  console.log(`process trees at their peak RSS: kopf-ts ${ours.peakComposition}; floor ${base.peakComposition}`);
}

const cluster = await startBenchCluster(real);
const api = connectRaw(cluster.kubeconfigPath);
try {
  const medians = rounds > 1 ? `, medians of ${rounds} rounds` : '';
  console.log(`kopf-ts engine benchmark: ${count} objects, ${createsInFlight} creates in flight, ${cluster.backend} API server${medians}`);
  await ensureNamespace(api, namespace);
  for (const resource of [kopfExamples, plainExamples]) await installResource(api, resource);
  // An untimed round of creates and deletes first, so that no contender pays for the server's warm-up.
  await createAtOnce(api, kopfExamples, namespace, objectNames('warmup', count), createsInFlight);
  await deleteAll(api, kopfExamples, namespace);

  const variants = [
    { resource: kopfExamples, title: `with a status subresource (${collectionPath(kopfExamples)}): Kopf needs 2 PATCHes/object` },
    { resource: plainExamples, title: `without a status subresource (${collectionPath(plainExamples)}): the goal is 1 PATCH/object` },
  ];
  for (const [index, { resource, title }] of variants.entries()) {
    // Rounds alternate which contender goes first: the server's pace drifts with the machine's other work.
    const measured: Record<string, RoundResult[]> = { floor: [], 'kopf-ts': [] };
    for (let turn = 0; turn < rounds; turn++) {
      for (const spec of turn % 2 === 0 ? [floor, kopfTs] : [kopfTs, floor]) {
        measured[spec.name].push(await round(api, cluster.kubeconfigPath, resource, spec, `${spec.name}-${index}-${turn}`));
      }
    }
    printComparison(title, medianOf(measured['kopf-ts']), medianOf(measured.floor));
  }
} finally {
  await api.close();
  await cluster.stop();
}
