import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../core/field-path.ts';
import { Settings, type PostingSettings } from '../registry/settings.ts';
import type { EventRequest } from './handling-scope.ts';
import { logsToEvents } from './log-events.ts';
import { createLogger, objectLogger, type ObjectRecord } from './logging.ts';

const ref = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'kopf-example-1', namespace: 'default', uid: 'u-1' };
const head = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'kopf-example-1', namespace: 'default', uid: 'u-1' } };

function hookWith(overrides: Partial<PostingSettings>) {
  const posting = { ...Settings().posting, ...overrides };
  const posted: Array<{ object: JsonObject; event: EventRequest }> = [];
  const hook = logsToEvents({ post: (object, event) => posted.push({ object, event }) }, () => posting);
  return { hook, posted, posting };
}

const record = (level: ObjectRecord['level'], extra: Partial<ObjectRecord> = {}): ObjectRecord => ({ level, message: `${level} line`, object: ref, ...extra });

describe('logsToEvents', () => {
  it.each([
    ['debug', 'Debug'],
    ['info', 'Normal'],
    ['warn', 'Warning'],
    ['error', 'Error'],
    ['fatal', 'Fatal'],
  ] as const)('posts a %s record as a %s Event with reason Logging', (level, type) => {
    const { hook, posted } = hookWith({ loggers: true, level: 'debug', loggingBackoffs: [1, 2] });
    hook(record(level));
    expect(posted).toEqual([{ object: head, event: { type, reason: 'Logging', message: `${level} line`, backoffs: [1, 2] } }]);
  });

  it('appends the stack of a logged error to the message', () => {
    const { hook, posted } = hookWith({ loggers: true });
    hook(record('error', { message: 'Handler failed.', stack: 'Error: boom\n    at f (a.ts:1:1)' }));
    expect(posted[0].event.message).toBe('Handler failed.\nError: boom\n    at f (a.ts:1:1)');
  });

  it('posts nothing below posting.level', () => {
    const { hook, posted } = hookWith({ loggers: true, level: 'warn' });
    hook(record('debug'));
    hook(record('info'));
    hook(record('warn'));
    expect(posted.map((p) => p.event.type)).toEqual(['Warning']);
  });

  it('posts nothing unless both posting.enabled and posting.loggers are on, read for each record', () => {
    const { hook, posted, posting } = hookWith({});
    hook(record('info'));
    posting.loggers = true;
    posting.enabled = false;
    hook(record('info'));
    posting.enabled = true;
    hook(record('info'));
    expect(posted).toHaveLength(1);
  });

  it('builds a cluster-scoped object’s body without namespace and uid when it has none', () => {
    const { hook, posted } = hookWith({ loggers: true });
    hook({ level: 'info', message: 'Hi.', object: { apiVersion: 'v1', kind: 'Namespace', name: 'ns1' } });
    expect(posted[0].object).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
  });

  it('as a root logger’s hook, posts the object lines but not the local ones', () => {
    const { hook, posted } = hookWith({ loggers: true });
    const logger = createLogger({ output: { write: () => undefined }, onObjectRecord: hook });
    objectLogger(logger, ref).info("Handler 'createFn' succeeded.");
    objectLogger(logger, ref, { local: true }).info('Patching with: {}');
    logger.info('Not about an object.');
    expect(posted).toEqual([{ object: head, event: { type: 'Normal', reason: 'Logging', message: "Handler 'createFn' succeeded.", backoffs: [1, 1, 2, 3, 5] } }]);
  });
});
