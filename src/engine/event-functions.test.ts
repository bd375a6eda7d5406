import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../core/field-path.ts';
import { Settings, type PostingSettings } from '../registry/settings.ts';
import { event, exception, info, warn } from './event-functions.ts';
import { runInScope, type EventRequest, type HandlingScope } from './handling-scope.ts';
import { createLogger } from './logging.ts';
import { kopfExamples } from '../../test/support/resources.ts';

const handled = {
  apiVersion: 'kopf.dev/v1',
  kind: 'KopfExample',
  metadata: { name: 'kopf-example-1', namespace: 'default', uid: 'u-1', labels: { a: 'b' } },
  spec: { field: 'value' },
};
const handledHead = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'kopf-example-1', namespace: 'default', uid: 'u-1' } };
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1', uid: 'u-2' } };
const podHead = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1', uid: 'u-2' } };
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
const nodeHead = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
const resource = kopfExamples;

interface Posted {
  object: JsonObject;
  event: EventRequest;
}

/** Runs `fn` as a handler of an operator with these posting settings would; returns what it posted. */
function inHandler(fn: () => void, posting: Partial<PostingSettings> = {}, withObject = true): Posted[] {
  const posted: Posted[] = [];
  const settings = Settings({ posting });
  const logger = createLogger({ output: { write: () => undefined } });
  const scope: HandlingScope = {
    settings,
    events: { post: (object, event) => posted.push({ object, event }) },
    ...(withObject ? { object: { body: handled, resource, logger } } : {}),
  };
  runInScope(scope, fn);
  return posted;
}

describe('event', () => {
  it('posts about the handled object when no objects are given', () => {
    expect(inHandler(() => event({ type: 'Normal', reason: 'Created', message: 'Done.' }))).toEqual([
      { object: handledHead, event: { type: 'Normal', reason: 'Created', message: 'Done.', backoffs: undefined } },
    ]);
    expect(inHandler(() => event(undefined, { type: 'Custom', reason: 'R' }))).toEqual([{ object: handledHead, event: { type: 'Custom', reason: 'R', message: '', backoffs: undefined } }]);
  });

  it('posts about each object of a nested array, copying only the reference fields', () => {
    const posted = inHandler(() => event([pod, [node, [handled]]], { type: 'Normal', reason: 'Seen', backoffs: [1, 2] }));
    expect(posted.map((p) => p.object)).toEqual([podHead, nodeHead, handledHead]);
    expect(posted[0].event).toEqual({ type: 'Normal', reason: 'Seen', message: '', backoffs: [1, 2] });
  });

  it('posts about one given body', () => {
    expect(inHandler(() => event(pod, { type: 'Normal', reason: 'R' })).map((p) => p.object)).toEqual([podHead]);
  });

  it('skips Events about Events', () => {
    const kubeEvent = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'ns1' } };
    expect(inHandler(() => event([kubeEvent, pod], { type: 'Normal', reason: 'R' })).map((p) => p.object)).toEqual([podHead]);
  });

  it('posts nothing when posting is disabled', () => {
    expect(inHandler(() => event({ type: 'Normal', reason: 'R' }), { enabled: false })).toEqual([]);
  });

  it('ignores posting.level', () => {
    expect(inHandler(() => event({ type: 'Normal', reason: 'R' }), { level: 'fatal' })).toHaveLength(1);
  });

  it('refuses to run outside a handler, naming the function', () => {
    expect(() => event(pod, { type: 'Normal', reason: 'R' })).toThrow(/kopf\.event\(\) must be called inside a handler of a running operator/);
    expect(() => info({ reason: 'R' })).toThrow(/kopf\.info\(\) must be called inside a handler/);
  });

  it('needs objects in a handler that has no object of its own', () => {
    expect(() => inHandler(() => event({ type: 'Normal', reason: 'R' }), {}, false)).toThrow(/kopf\.event\(\) without objects .* pass the objects/);
    expect(inHandler(() => event(pod, { type: 'Normal', reason: 'R' }), {}, false)).toHaveLength(1);
  });
});

describe('info and warn', () => {
  it.each([
    ['debug', true, true],
    ['info', true, true],
    ['warn', false, true],
    ['error', false, false],
  ] as const)('at posting.level %s: info posts %s, warn posts %s', (level, infoPosts, warnPosts) => {
    expect(inHandler(() => info({ reason: 'R' }), { level })).toHaveLength(infoPosts ? 1 : 0);
    expect(inHandler(() => warn({ reason: 'R' }), { level })).toHaveLength(warnPosts ? 1 : 0);
  });

  it('post Normal and Warning Events', () => {
    expect(inHandler(() => info(pod, { reason: 'Created', message: 'ok', backoffs: 3 }))).toEqual([
      { object: podHead, event: { type: 'Normal', reason: 'Created', message: 'ok', backoffs: 3 } },
    ]);
    expect(inHandler(() => warn({ reason: 'Odd' }))).toEqual([{ object: handledHead, event: { type: 'Warning', reason: 'Odd', message: '', backoffs: undefined } }]);
  });

  it('info obeys posting.enabled; warn posts even when disabled, as Kopf does', () => {
    expect(inHandler(() => info({ reason: 'R' }), { enabled: false })).toEqual([]);
    expect(inHandler(() => warn({ reason: 'R' }), { enabled: false })).toHaveLength(1);
  });
});

describe('exception', () => {
  it('posts an Error Event named after the error, its message after the given one', () => {
    const exc = new TypeError('bad value');
    expect(inHandler(() => exception({ message: 'Could not do it:', exc }))).toEqual([
      { object: handledHead, event: { type: 'Error', reason: 'TypeError', message: 'Could not do it: bad value', backoffs: undefined } },
    ]);
  });

  it('takes an explicit reason, and trims the message when one part is empty', () => {
    expect(inHandler(() => exception(pod, { reason: 'Failed', exc: new Error('boom') }))).toEqual([
      { object: podHead, event: { type: 'Error', reason: 'Failed', message: 'boom', backoffs: undefined } },
    ]);
    expect(inHandler(() => exception({ message: 'Oops.', exc: new Error('') }))[0].event.message).toBe('Oops.');
  });

  it('reports anything thrown, not only errors', () => {
    expect(inHandler(() => exception({ exc: 'a string' }))[0].event).toMatchObject({ reason: 'Error', message: 'a string' });
    expect(inHandler(() => exception({ exc: { name: 'RemoteError', message: 'far away' } }))[0].event).toMatchObject({ reason: 'RemoteError', message: 'far away' });
  });

  it.each([
    ['error', true, true],
    ['debug', true, true],
    ['fatal', true, false],
    ['error', false, false],
  ] as const)('at posting.level %s (enabled %s): posts %s', (level, enabled, posts) => {
    expect(inHandler(() => exception({ exc: new Error('x') }), { level, enabled })).toHaveLength(posts ? 1 : 0);
  });
});
