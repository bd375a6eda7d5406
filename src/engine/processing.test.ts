/**
 * One cycle against a recording patcher (no server): which requests a cycle sends, what it remembers
 * for the next one, and what it tells its worker — for the cases a live server rarely produces on
 * demand: the consistency wait, a conflict on the finalizer patch, a framework error.
 */
import { describe, expect, it } from 'vitest';
import { apiErrorFor } from '../client/errors.ts';
import type { JsonObject } from '../core/field-path.ts';
import { asap } from '../core/lifecycles.ts';
import type { PatchRequest } from '../core/object-patch.ts';
import type { ObjectEvent } from '../core/watch-event.ts';
import { Registry } from '../registry/registry.ts';
import { Settings } from '../registry/settings.ts';
import { IndexReadiness } from './indexes.ts';
import { createLogger } from './logging.ts';
import { newObjectMemory } from './object-memory.ts';
import { ObjectQueue } from './object-queue.ts';
import { processBatch } from './processing.ts';
import type { OperatorRuntime, Patcher } from './runtime.ts';
import { kopfExamples } from '../../test/support/resources.ts';

const resource = kopfExamples;

function apiError(code: number, reason: string, message: string): Error {
  const request = { verb: 'patch', resource: 'kopfexamples.kopf.dev', namespace: 'default', name: 'one', path: '/apis/kopf.dev/v1/namespaces/default/kopfexamples/one' };
  return apiErrorFor(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message }, { request });
}

function body(version: string, extra: Record<string, unknown> = {}): JsonObject {
  return { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'one', namespace: 'default', uid: 'u-1', resourceVersion: version, ...extra }, spec: { field: 'x' } } as JsonObject;
}

function setup(registry: Registry, respond: (request: PatchRequest) => JsonObject | Error) {
  const sent: PatchRequest[] = [];
  const lines: string[] = [];
  let now = 1_000_000;
  const patcher: Patcher = async (_resource, _namespace, _name, request) => {
    sent.push(request);
    const response = respond(request);
    if (response instanceof Error) throw response;
    return response;
  };
  const runtime = {
    settings: Settings(),
    registry,
    patcher,
    events: { post: () => {} },
    logger: createLogger({ level: 'debug', format: 'plain', output: { write: (text: string) => lines.push(text.trimEnd()) } }),
    memo: {},
    indexes: { view: {}, readiness: new IndexReadiness() },
    lifecycle: asap,
    now: () => now,
    signal: new AbortController().signal,
  } as unknown as OperatorRuntime;
  return { runtime, sent, lines, advance: (ms: number) => (now += ms) };
}

function batchOf(...events: ObjectEvent[]) {
  const queue = new ObjectQueue(false);
  for (const event of events) queue.push(event);
  return queue.take()!;
}

describe('a handling cycle', () => {
  it('sends the diff-base and the result, and then waits for its own version', async () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', function createFn() {
      return { message: 'hi' };
    });
    const { runtime, sent, advance } = setup(registry, () => body('11'));
    const memory = newObjectMemory({}, false);
    const end = await processBatch({ runtime, resource, batch: batchOf({ type: 'ADDED', object: body('10') }), memory });
    expect(end).toEqual({ kind: 'idle' });
    expect(sent.map((request) => request.subresource ?? 'object')).toEqual(['object', 'status']);
    expect(memory.expected).toEqual({ version: '11', deadlineMs: 1_000_000 + 5000 });

    // An older state arrives before the write comes back: the cycle waits for version 11.
    const stale = await processBatch({ runtime, resource, batch: batchOf({ type: 'MODIFIED', object: body('10', { labels: { a: 'b' } }) }), memory });
    expect(stale).toEqual({ kind: 'consistency', untilMs: 1_005_000 });
    expect(sent).toHaveLength(2);

    // After the deadline the object is handled anyway (here: created again, as its state still has no diff-base).
    advance(5001);
    await processBatch({ runtime, resource, batch: batchOf({ type: 'MODIFIED', object: body('10') }), memory });
    expect(sent).toHaveLength(4);
  });

  it('is consistent when any event of the batch carries the expected version', async () => {
    const registry = new Registry();
    registry.on.update('kopfexamples', function updateFn() {});
    const { runtime } = setup(registry, () => body('13'));
    const memory = newObjectMemory({}, false);
    memory.expected = { version: '12', deadlineMs: Number.MAX_SAFE_INTEGER };
    const end = await processBatch({ runtime, resource, batch: batchOf({ type: 'MODIFIED', object: body('12') }, { type: 'MODIFIED', object: body('13') }), memory });
    expect(end.kind).toBe('idle');
    expect(memory.expected?.version).not.toBe('12');
  });

  it('keeps a finalizer change that met a newer object for the next cycle', async () => {
    const registry = new Registry();
    registry.on.delete('kopfexamples', function deleteFn() {});
    const { runtime, sent, lines } = setup(registry, () => apiError(422, 'Invalid', 'the test operation failed'));
    const memory = newObjectMemory({}, false);
    await processBatch({ runtime, resource, batch: batchOf({ type: 'ADDED', object: body('10') }), memory });
    expect(sent.map((request) => request.contentType)).toEqual(['application/json-patch+json']);
    expect(memory.leftoverFinalizerChanges).toEqual([{ action: 'add', finalizer: 'kopf.zalando.org/KopfFinalizerMarker' }]);
    expect(lines.some((line) => line.includes('Could not apply the patch in full due to conflicts with newer changes.'))).toBe(true);
  });

  it('throttles the object after a framework error, longer after each', async () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', function createFn() {});
    const failure = apiError(500, 'InternalError', 'etcd is down');
    const { runtime, lines } = setup(registry, () => failure);
    const memory = newObjectMemory({}, false);
    const batch = batchOf({ type: 'ADDED', object: body('10') });
    expect(await processBatch({ runtime, resource, batch, memory })).toEqual({ kind: 'throttled', seconds: 1 });
    expect(await processBatch({ runtime, resource, batch, memory })).toEqual({ kind: 'throttled', seconds: 1 });
    expect(await processBatch({ runtime, resource, batch, memory })).toEqual({ kind: 'throttled', seconds: 2 });
    expect(lines.filter((line) => line.startsWith('[default/one] Throttling for 1 seconds due to an unexpected error: '))).toHaveLength(2);
  });
});
