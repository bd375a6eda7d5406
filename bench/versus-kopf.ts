/**
 * The benchmark against Kopf (issue 9 §4): one run, one real kube-apiserver, three contenders serving
 * the examples' KopfExample objects with example 01 (one create handler returning a message):
 *   - Kopf 1.45.2 on bench/kopf-example-01.py (its port of example 01), `kopf run -A --standalone`;
 *   - kopf-ts on examples/01-minimal/example.ts, `node bin/kopf.js run -A --standalone`, as users run it;
 *   - the raw-client floor (bench/floor-operator.ts): a list, a watch and the same two merge PATCHes.
 *
 *   npm run bench:versus-kopf                # backlog of 1000, burst of 1000 (≈ 5 min)
 *   npm run bench:versus-kopf -- --full      # adds the backlog of 10 000 (≈ 15 min more)
 *   npm run bench:versus-kopf -- --quick     # 200 objects each, a smoke run
 *   npm run bench:versus-kopf -- --rounds 3  # each measurement 3 times, in turns; the medians
 *
 * Backlog: N objects exist before the operator starts; from its spawn until every object carries the
 * result. Burst: with the operator running, N objects are created one every 50 ms; from sending each
 * create until the handler starts (the moment its line reaches this process, for every contender alike).
 * For each: wall time, the CPU seconds and peak RSS of the operator's whole process tree (from /proc),
 * and the writes per object that kube-apiserver counted (`apiserver_request_total`, before and after).
 * Startup (spawn → first handler) is shown apart from the handling, so neither hides the other.
 *
 * Needs the control-plane binaries (scripts/control-plane/build) and, for Kopf, scripts/kopf/install
 * (or KOPF_TS_KOPF naming a kopf executable); a missing Kopf is reported and the rest is measured.
 */
import { countBetween, parseRequestTotals, writeVerbs, type RequestSeries } from './apiserver-requests.ts';
import { startBenchCluster } from './bench-cluster.ts';
import { startContender, type Contender } from './contender.ts';
import { createAtOnce, createPaced, deleteAll, ensureNamespace, installResource, kopfExamples, objectNames, watchResults } from './example-objects.ts';
import { connectRaw, type RawApi } from './raw-api.ts';
import { plainJavaScript } from './plain-javascript.ts';
import { mebibytes, medianOf, millisBetween, millisPerName, percentile } from './stats.ts';
import { findKopf, installKopfCommand, kopfVersion } from '../src/kits/testing/real-kopf.ts';

const quick = process.argv.includes('--quick');
const full = process.argv.includes('--full');
const roundsArgument = process.argv.indexOf('--rounds');
const rounds = roundsArgument > 0 ? Number(process.argv[roundsArgument + 1]) : 1;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
const backlogSizes = quick ? [200] : full ? [1000, 10_000] : [1000];
const burstSize = quick ? 200 : 1000;
const burstIntervalMs = 50;
const createsInFlight = 32;
const namespace = 'bench';
// After the last result, writes that follow it (a framework's second look at the object) still count.
const trailingWritesMs = 2000;

interface ContenderSpec {
  name: string;
  command: string[];
}

// The floor runs on bare Node, without tsx: see plain-javascript.ts.
const floor: ContenderSpec = { name: 'floor', command: [process.execPath, plainJavaScript(['floor-operator.ts', 'raw-api.ts']), 'kopf.dev/v1', 'kopfexamples'] };
const kopfTs: ContenderSpec = { name: 'kopf-ts', command: [process.execPath, 'bin/kopf.js', 'run', '-A', '--standalone', 'examples/01-minimal/example.ts'] };
const kopfExecutable = findKopf();
const kopf: ContenderSpec | undefined = kopfExecutable ? { name: 'Kopf', command: [kopfExecutable, 'run', '-A', '--standalone', 'bench/kopf-example-01.py'] } : undefined;

/** The object whose handling a contender's stdout line announces: the floor's `started`, example 01's print. */
function handlerStartOf(line: string): string | undefined {
  return /^started (\S+) \d+$/.exec(line)?.[1] ?? /^And here we are! Creating: .*"field": ?"([^"]+)"/.exec(line)?.[1];
}

/** Example 01's result: `status.createFn` from kopf-ts and the floor, `status.create_fn` from Kopf. */
function hasResult(object: any): boolean {
  return object.status?.createFn !== undefined || object.status?.create_fn !== undefined;
}

/** The writes an operator made, as kube-apiserver counted them. */
interface Writes {
  total: number;
  objectPatches: number;
  statusPatches: number;
}

function operatorWrites(before: RequestSeries[], after: RequestSeries[]): Writes {
  const ofOperator = (labels: Record<string, string>) =>
    // The benchmark's own creates are not the operator's; nor are the control plane's lease renewals.
    writeVerbs.has(labels.verb) && !(labels.verb === 'POST' && labels.resource === kopfExamples.plural) && labels.resource !== 'leases';
  const patchesOf = (subresource: string) => (labels: Record<string, string>) =>
    labels.verb === 'PATCH' && labels.resource === kopfExamples.plural && (labels.subresource ?? '') === subresource;
  return { total: countBetween(before, after, ofOperator), objectPatches: countBetween(before, after, patchesOf('')), statusPatches: countBetween(before, after, patchesOf('status')) };
}

async function requestTotals(api: RawApi): Promise<RequestSeries[]> {
  return parseRequestTotals(await api.text('/metrics'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts a contender whose handler starts are recorded by object name, at the arrival of their lines. */
function startRecorded(spec: ContenderSpec, kubeconfigPath: string): { contender: Contender; handlerStarts: Map<string, bigint>; firstStart: Promise<{ at: bigint; cpuSeconds: number }> } {
  const contender = startContender(spec.name, spec.command, { KUBECONFIG: kubeconfigPath });
  const handlerStarts = new Map<string, bigint>();
  let first!: (value: { at: bigint; cpuSeconds: number }) => void;
  const firstStart = new Promise<{ at: bigint; cpuSeconds: number }>((resolve) => (first = resolve));
  contender.onLine(({ text, at }) => {
    const name = handlerStartOf(text);
    if (name === undefined || handlerStarts.has(name)) return;
    if (handlerStarts.size === 0) first({ at, cpuSeconds: contender.monitor.sample().cpuSeconds });
    handlerStarts.set(name, at);
  });
  return { contender, handlerStarts, firstStart };
}

interface BacklogResult {
  wallSeconds: number;
  startupSeconds: number;
  cpuSeconds: number;
  startupCpuSeconds: number;
  peakRssMiB: number;
  /** The processes of the tree at its peak. */
  peakComposition: string;
  writes: Writes;
}

async function backlog(api: RawApi, kubeconfigPath: string, spec: ContenderSpec, size: number): Promise<BacklogResult> {
  await createAtOnce(api, kopfExamples, namespace, objectNames(`backlog-${spec.name.toLowerCase()}`, size), createsInFlight);
  const results = await watchResults(api, kopfExamples, namespace, size, hasResult);
  const before = await requestTotals(api);
  const { contender, firstStart } = startRecorded(spec, kubeconfigPath);
  try {
    const doneAt = await withTimeout(Promise.race([results.all, contender.failed]), 900_000, `${spec.name} to handle ${size} objects`);
    const atEnd = contender.monitor.sample();
    const first = await withTimeout(firstStart, 5000, `${spec.name} to print the line of a handler start`);
    await sleep(trailingWritesMs);
    const after = await requestTotals(api);
    return {
      wallSeconds: millisBetween(contender.spawnedAt, doneAt) / 1000,
      startupSeconds: millisBetween(contender.spawnedAt, first.at) / 1000,
      cpuSeconds: atEnd.cpuSeconds,
      startupCpuSeconds: first.cpuSeconds,
      peakRssMiB: mebibytes(contender.monitor.peakRssBytes),
      peakComposition: contender.monitor.peakComposition,
      writes: operatorWrites(before, after),
    };
  } finally {
    results.stop();
    await contender.stop();
    await deleteAll(api, kopfExamples, namespace);
  }
}

interface BurstResult {
  startupSeconds: number;
  latencyP50: number;
  latencyP99: number;
  /** The same creates as seen by a bare watch in this process (the ADDED event), during this contender's round. */
  bareWatchP50: number;
  bareWatchP99: number;
  /**
   * Per object, the handler start after that ADDED event in this process: the contender's own delay,
   * free of the server's, which moves between rounds on a shared machine.
   */
  overBareP50: number;
  overBareP99: number;
  /** From the first create sent to the last result seen. */
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  writes: Writes;
}

async function burst(api: RawApi, kubeconfigPath: string, spec: ContenderSpec, size: number): Promise<BurstResult> {
  const prefix = `burst-${spec.name.toLowerCase()}`;
  const names = objectNames(prefix, size);
  const warmup = `${prefix}-warmup`;
  const results = await watchResults(api, kopfExamples, namespace, size + 1, hasResult);
  const { contender, handlerStarts, firstStart } = startRecorded(spec, kubeconfigPath);
  try {
    // One object created as the operator starts: its handling marks the end of the startup.
    await createAtOnce(api, kopfExamples, namespace, [warmup], 1);
    const first = await withTimeout(Promise.race([firstStart, contender.failed]), 120_000, `${spec.name} to handle its first object`);
    while (!results.seenAt.has(warmup)) await Promise.race([sleep(20), contender.failed]);
    await sleep(1000);
    const before = await requestTotals(api);
    const cpuBefore = contender.monitor.sample().cpuSeconds;
    const creates = await createPaced(api, kopfExamples, namespace, names, burstIntervalMs);
    const doneAt = await withTimeout(Promise.race([results.all, contender.failed]), 300_000, `${spec.name} to handle the burst`);
    const cpuAfter = contender.monitor.sample().cpuSeconds;
    await sleep(trailingWritesMs);
    const after = await requestTotals(api);
    const sentAt = new Map([...creates].map(([name, times]) => [name, times.sentAt]));
    const latencies = millisPerName(names, sentAt, handlerStarts);
    const bare = millisPerName(names, sentAt, results.addedAt);
    const overBare = millisPerName(names, results.addedAt, handlerStarts);
    // A resumed results watch misses the ADDED events of its gap (the objects come as MODIFIED or listed).
    if (bare.length < size) console.error(`note: ${spec.name}'s round: this process's watch saw ${bare.length} of ${size} ADDED events`);
    return {
      startupSeconds: millisBetween(contender.spawnedAt, first.at) / 1000,
      latencyP50: percentile(latencies, 50),
      latencyP99: percentile(latencies, 99),
      bareWatchP50: percentile(bare, 50),
      bareWatchP99: percentile(bare, 99),
      overBareP50: percentile(overBare, 50),
      overBareP99: percentile(overBare, 99),
      wallSeconds: millisBetween(creates.get(names[0])!.sentAt, doneAt) / 1000,
      cpuSeconds: cpuAfter - cpuBefore,
      peakRssMiB: mebibytes(contender.monitor.peakRssBytes),
      writes: operatorWrites(before, after),
    };
  } finally {
    results.stop();
    await contender.stop();
    await deleteAll(api, kopfExamples, namespace);
  }
}

// ----- printing -----

type Row<R> = [label: string, pick: (result: R) => number, digits: number];

/** A table of the contenders' numbers, then kopf-ts's ratios against the floor and against Kopf. */
function printTable<R>(title: string, results: Map<string, R>, rows: Array<Row<R>>): void {
  const names = [...results.keys()];
  const ours = results.get(kopfTs.name);
  const ratios = ['floor', 'Kopf'].filter((name) => results.has(name) && ours);
  console.log(`\n${title}`);
  console.log(''.padEnd(44) + names.map((name) => name.padStart(10)).join('') + ratios.map((name) => `vs ${name}`.padStart(10)).join(''));
  for (const [label, pick, digits] of rows) {
    const values = names.map((name) => pick(results.get(name)!).toFixed(digits).padStart(10)).join('');
    const ratioText = ratios
      .map((name) => {
        const base = pick(results.get(name)!);
        return (base === 0 ? '—' : `×${(pick(ours!) / base).toFixed(2)}`).padStart(10);
      })
      .join('');
    console.log(label.padEnd(44) + values + ratioText);
  }
}

function verdict(label: string, value: number, limit: number, shown: string): void {
  console.log(`  ${value <= limit ? 'met    ' : 'NOT MET'}  ${label}: ${shown}`);
}

function printBacklog(size: number, results: Map<string, BacklogResult>): void {
  printTable(`Backlog: ${size} objects exist before the operator starts`, results, [
    ['wall: spawn → all handled (s)', (r) => r.wallSeconds, 2],
    ['  startup: spawn → first handler (s)', (r) => r.startupSeconds, 2],
    ['  handling: first handler → all handled (s)', (r) => r.wallSeconds - r.startupSeconds, 2],
    ['CPU of the process tree (s)', (r) => r.cpuSeconds, 2],
    ['  until the first handler (s)', (r) => r.startupCpuSeconds, 2],
    ['  while handling (s)', (r) => r.cpuSeconds - r.startupCpuSeconds, 2],
    ['handling CPU per object (ms)', (r) => ((r.cpuSeconds - r.startupCpuSeconds) * 1000) / size, 3],
    ['handling wall per object (ms)', (r) => ((r.wallSeconds - r.startupSeconds) * 1000) / size, 3],
    ['peak RSS of the process tree (MiB)', (r) => r.peakRssMiB, 1],
    ['API writes per object (kube-apiserver)', (r) => r.writes.total / size, 2],
    ['  PATCH of the object', (r) => r.writes.objectPatches / size, 2],
    ['  PATCH of /status', (r) => r.writes.statusPatches / size, 2],
  ]);
  console.log('process trees at their peak RSS:');
  for (const [name, result] of results) console.log(`  ${name}: ${result.peakComposition}`);
}

function printBurst(size: number, results: Map<string, BurstResult>): void {
  printTable(`Burst: ${size} objects created while the operator runs, one every ${burstIntervalMs} ms`, results, [
    ['create sent → handler start p50 (ms)', (r) => r.latencyP50, 2],
    ['create sent → handler start p99 (ms)', (r) => r.latencyP99, 2],
    ['  bare watch in this process p50 (ms)', (r) => r.bareWatchP50, 2],
    ['  bare watch in this process p99 (ms)', (r) => r.bareWatchP99, 2],
    ['handler start after that bare watch p50 (ms)', (r) => r.overBareP50, 2],
    ['handler start after that bare watch p99 (ms)', (r) => r.overBareP99, 2],
    ['wall: first create → last result (s)', (r) => r.wallSeconds, 2],
    ['CPU of the process tree during the burst (s)', (r) => r.cpuSeconds, 2],
    ['peak RSS of the process tree (MiB)', (r) => r.peakRssMiB, 1],
    ['startup: spawn → first handler (s)', (r) => r.startupSeconds, 2],
    ['API writes per object (kube-apiserver)', (r) => r.writes.total / size, 2],
  ]);
}

function printTargets(backlogs: Map<number, Map<string, BacklogResult>>, bursts: Map<string, BurstResult>): void {
  console.log('\nTargets of issue 9 §4 for kopf-ts:');
  for (const [size, results] of backlogs) {
    const ours = results.get(kopfTs.name)!;
    const base = results.get(floor.name)!;
    const theirs = results.get('Kopf');
    const handling = (r: BacklogResult) => r.wallSeconds - r.startupSeconds;
    const handlingCpu = (r: BacklogResult) => r.cpuSeconds - r.startupCpuSeconds;
    verdict(`backlog ${size}: wall ≤ 1.25 × the floor`, ours.wallSeconds / base.wallSeconds, 1.25, `×${(ours.wallSeconds / base.wallSeconds).toFixed(2)} (handling alone ×${(handling(ours) / handling(base)).toFixed(2)})`);
    if (!theirs) continue;
    verdict(`backlog ${size}: CPU ≤ ⅓ of Kopf's`, ours.cpuSeconds / theirs.cpuSeconds, 1 / 3, `×${(ours.cpuSeconds / theirs.cpuSeconds).toFixed(2)} (handling alone ×${(handlingCpu(ours) / handlingCpu(theirs)).toFixed(2)})`);
    const rssLimit = size >= 10_000 ? 0.1 : 0.4;
    verdict(`backlog ${size}: peak RSS ≤ ${rssLimit * 100} % of Kopf's`, ours.peakRssMiB / theirs.peakRssMiB, rssLimit, `${((ours.peakRssMiB / theirs.peakRssMiB) * 100).toFixed(0)} %`);
    verdict(`backlog ${size}: writes per object ≤ Kopf's`, ours.writes.total - theirs.writes.total, 0, `${(ours.writes.total / size).toFixed(2)} vs ${(theirs.writes.total / size).toFixed(2)}`);
  }
  const sizes = [...backlogs.keys()];
  if (sizes.length > 1) {
    const [small, large] = [sizes[0], sizes[sizes.length - 1]];
    const perObject = (size: number, pick: (r: BacklogResult) => number) => pick(backlogs.get(size)!.get(kopfTs.name)!) / size;
    const cpuGrowth = perObject(large, (r) => r.cpuSeconds - r.startupCpuSeconds) / perObject(small, (r) => r.cpuSeconds - r.startupCpuSeconds);
    const wallGrowth = perObject(large, (r) => r.wallSeconds - r.startupSeconds) / perObject(small, (r) => r.wallSeconds - r.startupSeconds);
    // "Flat" with the scatter of single runs on a shared machine allowed for: within 15 %.
    verdict(`cost per object flat from ${small} to ${large} (within 15 %)`, Math.max(cpuGrowth, wallGrowth), 1.15, `handling CPU/object ×${cpuGrowth.toFixed(2)}, handling wall/object ×${wallGrowth.toFixed(2)}`);
  }
  const ours = bursts.get(kopfTs.name);
  const base = bursts.get(floor.name);
  if (ours && base) {
    // The floor is a bare watch in a process of its own, its events timed the same way as the operators'
    // handler starts; each is taken relative to this process's watch in the same round (see BurstResult).
    verdict(
      `burst: latency p50 within 1 ms of a bare watch's (the floor's)`,
      ours.overBareP50 - base.overBareP50,
      1,
      `+${ours.overBareP50.toFixed(2)} ms vs +${base.overBareP50.toFixed(2)} ms after this process's watch (from the create: ${ours.latencyP50.toFixed(2)} vs ${base.latencyP50.toFixed(2)} ms)`,
    );
  }
  const theirs = bursts.get('Kopf');
  if (ours && theirs) verdict('burst: writes per object ≤ Kopf\'s', ours.writes.total - theirs.writes.total, 0, `${(ours.writes.total / burstSize).toFixed(2)} vs ${(theirs.writes.total / burstSize).toFixed(2)}`);
}

// ----- the run -----

const contenders = [floor, kopfTs, ...(kopf ? [kopf] : [])];

/**
 * Measures every contender `rounds` times, each round in another order (the server's pace drifts with
 * the machine's other work, so no contender always goes first), and keeps the median of each figure.
 */
async function measureRounds<R>(measure: (spec: ContenderSpec) => Promise<R>): Promise<Map<string, R>> {
  const measured = new Map<string, R[]>(contenders.map((spec) => [spec.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = [...contenders.slice(round % contenders.length), ...contenders.slice(0, round % contenders.length)];
    for (const spec of order) measured.get(spec.name)!.push(await measure(spec));
  }
  return new Map([...measured].map(([name, results]) => [name, medianOf(results)]));
}

if (!kopf) console.log(`Kopf ${kopfVersion} is not installed (run \`${installKopfCommand}\`, or set KOPF_TS_KOPF): measuring kopf-ts and the floor only.`);
const cluster = await startBenchCluster(true);
const api = connectRaw(cluster.kubeconfigPath, createsInFlight);
try {
  const medians = rounds > 1 ? `, medians of ${rounds} rounds` : '';
  console.log(`kopf-ts against Kopf ${kopfVersion} and the raw-client floor, on one real kube-apiserver (${quick ? 'quick' : full ? 'full' : 'default'} run${medians})`);
  await ensureNamespace(api, namespace);
  await installResource(api, kopfExamples);
  // An untimed round of creates and deletes, so that the first contender does not pay for the server's warm-up.
  await createAtOnce(api, kopfExamples, namespace, objectNames('warmup', backlogSizes[0]), createsInFlight);
  await deleteAll(api, kopfExamples, namespace);

  const backlogs = new Map<number, Map<string, BacklogResult>>();
  for (const size of backlogSizes) {
    const results = await measureRounds((spec) => backlog(api, cluster.kubeconfigPath, spec, size));
    backlogs.set(size, results);
    printBacklog(size, results);
  }
  const bursts = await measureRounds((spec) => burst(api, cluster.kubeconfigPath, spec, burstSize));
  printBurst(burstSize, bursts);
  printTargets(backlogs, bursts);
} finally {
  await api.close();
  await cluster.stop();
}
