/**
 * The raw-client floor of the operator benchmarks: the least a client can do to give every KopfExample
 * what example 01's handler gives it — list and watch the resource, and for each object not handled yet
 * the same merge PATCHes the framework sends: the last-handled-configuration annotation, then
 * `status.createFn` through the status subresource (or both in one PATCH where the resource has none).
 * No framework, no retries, no state but the uids it has handled; a watch the server ends is resumed.
 *
 *   node --import tsx bench/floor-operator.ts <group/version> <plural> [--one-patch]
 *
 * Connects with `KUBECONFIG` (see raw-api.ts). Prints `ready` once it watches, `started <name> <ns>` when
 * it takes an object up (the moment a handler would start; `<ns>` is `process.hrtime`, the system's
 * monotonic clock), and on a `report` line on stdin `report <json>` with the writes it sent.
 */
import { createInterface } from 'node:readline';
import { connectRaw, listAndWatch } from './raw-api.ts';

const [groupVersion, plural] = process.argv.slice(2);
const onePatch = process.argv.includes('--one-patch');
if (!groupVersion || !plural) throw new Error('usage: floor-operator.ts <group/version> <plural> [--one-patch]');

// 32 requests in flight, as the minimal client of the control-plane recipe's measurements.
const api = connectRaw(process.env.KUBECONFIG!, 32);
const collection = `/apis/${groupVersion}/${plural}`;
const handled = new Set<string>();
const sent = { patches: 0, statusPatches: 0 };
const merge = 'application/merge-patch+json';

async function patch(path: string, body: unknown): Promise<void> {
  const response = await api.request('PATCH', path, body, merge);
  if (response.status !== 200) throw new Error(`PATCH ${path}: ${response.status} ${JSON.stringify(response.body)}`);
}

async function handle(object: any): Promise<void> {
  const { name, namespace } = object.metadata;
  const path = `/apis/${groupVersion}/namespaces/${namespace}/${plural}/${name}`;
  const annotations = { 'kopf.zalando.org/last-handled-configuration': `${JSON.stringify({ spec: object.spec })}\n` };
  const status = { createFn: { message: 'hello world' } };
  if (onePatch) {
    sent.patches++;
    await patch(path, { metadata: { annotations }, status });
  } else {
    sent.patches++;
    await patch(path, { metadata: { annotations } });
    sent.statusPatches++;
    await patch(`${path}/status`, { status });
  }
}

function consider(object: any): void {
  if (object.status?.createFn || handled.has(object.metadata.uid)) return;
  handled.add(object.metadata.uid);
  process.stdout.write(`started ${object.metadata.name} ${process.hrtime.bigint()}\n`);
  handle(object).catch(fail);
}

function fail(error: unknown): never {
  console.error(error);
  process.exit(1);
}

const informer = await listAndWatch(
  api,
  collection,
  (event) => event.type !== 'DELETED' && consider(event.object),
  (reason) => console.error(`watch resumed: ${reason}`),
);
informer.failed.catch(fail);
process.stdout.write('ready\n');

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'report') process.stdout.write(`report ${JSON.stringify(sent)}\n`);
});
process.once('SIGTERM', () => {
  informer.stop();
  void api.close().finally(() => process.exit(0));
});
