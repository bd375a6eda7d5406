/**
 * kopf-ts's side of `bench/engine.ts`, in a process of its own so that its CPU and memory are the
 * operator's: `operator()` with example 01's handler (one create handler returning
 * `{ message: 'hello world' }`), cluster-wide and standalone as `kopf run -A --standalone` runs it, its
 * requests counted by a transport that wraps the real one.
 *
 *   node <engine-operator.ts transpiled by plain-javascript.ts> <plural>
 *
 * Connects with `KUBECONFIG`. Prints `ready` once the operator serves its resources, `started <name>
 * <ns>` as the handler starts (`<ns>` is `process.hrtime`, the system's monotonic clock), and on a
 * `report` line on stdin `report <json>` with the requests it sent, on `heap-snapshot <dir>` writes a
 * V8 heap snapshot there and prints `heap-snapshot <path>`; SIGTERM stops it gracefully.
 */
import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { Api } from '../src/client/api.ts';
import { loadConnection } from '../src/client/config.ts';
import { createTransport, type Transport } from '../src/client/transport.ts';
import { createLogger } from '../src/engine/logging.ts';
import { operator } from '../src/engine/operator.ts';
import { Registry } from '../src/registry/registry.ts';

const plural = process.argv[2];
if (!plural) throw new Error('usage: engine-operator.ts <plural>');

/** Requests by method, and the PATCHes of the status subresource apart (watch streams are not requests). */
const sent = { patches: 0, statusPatches: 0, byMethod: {} as Record<string, number> };

const connection = await loadConnection({ kubeconfig: process.env.KUBECONFIG });
const inner = createTransport(connection);
const counting: Transport = {
  request(request) {
    const method = request.method ?? 'GET';
    sent.byMethod[method] = (sent.byMethod[method] ?? 0) + 1;
    if (method === 'PATCH') {
      if (request.path.endsWith('/status')) sent.statusPatches++;
      else sent.patches++;
    }
    return inner.request(request);
  },
  stream: (request) => inner.stream(request),
  close: () => inner.close(),
};

const registry = new Registry();
registry.on.create(plural, function createFn({ name }) {
  process.stdout.write(`started ${name} ${process.hrtime.bigint()}\n`);
  return { message: 'hello world' };
});

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'report') process.stdout.write(`report ${JSON.stringify(sent)}\n`);
  if (line.startsWith('heap-snapshot ')) {
    const path = writeHeapSnapshot(join(line.slice('heap-snapshot '.length), `kopf-ts-${process.pid}.heapsnapshot`));
    process.stdout.write(`heap-snapshot ${path}\n`);
  }
});
const api = new Api(connection, counting);
try {
  await operator({
    registry,
    api,
    clusterwide: true,
    standalone: true,
    logger: createLogger({ level: 'info', format: 'full' }),
    signal: stop.signal,
    onReady: () => process.stdout.write('ready\n'),
  });
} finally {
  await api.close();
}
process.exit(0);
