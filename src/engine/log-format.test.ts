import { describe, expect, it } from 'vitest';
import { formatRecord, isAtLeast, severityOf, type LogRecord } from './log-format.ts';

// Built from local components, so the `full` format's local time reads the same in every time zone.
const localTime = new Date(2026, 11, 1, 10, 0, 0, 123).getTime();
const namespaced = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'kopf-example-1', namespace: 'default', uid: 'u-1' };
const clusterScoped = { apiVersion: 'v1', kind: 'Namespace', name: 'ns1', uid: 'u-2' };

function record(fields: Partial<LogRecord>): LogRecord {
  return { level: 30, time: localTime, name: 'kopf.objects', msg: "Handler 'createFn' succeeded.", ...fields };
}

describe('formatRecord: plain', () => {
  it.each([
    ['a namespaced object', record({ object: namespaced }), {}, "[default/kopf-example-1] Handler 'createFn' succeeded."],
    ['a cluster-scoped object', record({ object: clusterScoped }), {}, "[ns1] Handler 'createFn' succeeded."],
    ['no object', record({ name: 'kopf.reactor.running' }), {}, "Handler 'createFn' succeeded."],
    ['the prefix turned off', record({ object: namespaced }), { prefix: false }, "Handler 'createFn' succeeded."],
    ['no message', record({ msg: undefined, object: clusterScoped }), {}, '[ns1] '],
  ])('%s', (_, input, options, line) => {
    expect(formatRecord(input, { format: 'plain', ...options })).toBe(line);
  });
});

describe('formatRecord: full', () => {
  it.each([
    [
      'an object line, as Kopf CLI prints it',
      record({ object: namespaced }),
      "[2026-12-01 10:00:00,123] kopf.objects         [INFO    ] [default/kopf-example-1] Handler 'createFn' succeeded.",
    ],
    ['a long logger name, cut to 20', record({ name: 'kopf.activities.startup', level: 20, msg: 'x' }), '[2026-12-01 10:00:00,123] kopf.activities.star [DEBUG   ] x'],
    ['trace as DEBUG', record({ name: 'kopf', level: 10, msg: 'x' }), '[2026-12-01 10:00:00,123] kopf                 [DEBUG   ] x'],
    ['warn as WARNING', record({ name: 'kopf', level: 40, msg: 'x' }), '[2026-12-01 10:00:00,123] kopf                 [WARNING ] x'],
    ['error as ERROR', record({ name: 'kopf', level: 50, msg: 'x' }), '[2026-12-01 10:00:00,123] kopf                 [ERROR   ] x'],
    ['fatal as CRITICAL', record({ name: 'kopf', level: 60, msg: 'x' }), '[2026-12-01 10:00:00,123] kopf                 [CRITICAL] x'],
    ['single-digit fields zero-padded', record({ name: 'kopf', msg: 'x', time: new Date(2027, 0, 2, 3, 4, 5, 6).getTime() }), '[2027-01-02 03:04:05,006] kopf                 [INFO    ] x'],
  ])('%s', (_, input, line) => {
    expect(formatRecord(input, { format: 'full' })).toBe(line);
  });
});

describe('formatRecord: errors in text formats', () => {
  const stack = 'Error: boom\n    at createFn (operator.ts:10:5)\n    at run (engine.ts:3:1)';

  it.each([
    ['plain' as const, `[default/kopf-example-1] Handler failed.\n${stack}`],
    ['full' as const, `[2026-12-01 10:00:00,123] kopf.objects         [ERROR   ] [default/kopf-example-1] Handler failed.\n${stack}`],
  ])('%s prints the stack on the lines after the message', (format, text) => {
    expect(formatRecord(record({ level: 50, msg: 'Handler failed.', object: namespaced, err: { type: 'Error', message: 'boom', stack } }), { format })).toBe(text);
  });

  it('prints `type: message` for an error without a stack', () => {
    expect(formatRecord(record({ msg: 'Failed.', err: { type: 'TypeError', message: 'bad' } }), { format: 'plain' })).toBe('Failed.\nTypeError: bad');
  });
});

describe('formatRecord: json', () => {
  const timestamp = new Date(localTime).toISOString();

  it.each([
    [
      'an object line: the reference under `object`, no prefix',
      record({ object: namespaced }),
      {},
      { message: "Handler 'createFn' succeeded.", timestamp, severity: 'info', object: namespaced },
    ],
    ['the prefix when asked for', record({ object: clusterScoped }), { prefix: true }, { message: "[ns1] Handler 'createFn' succeeded.", timestamp, severity: 'info', object: clusterScoped }],
    ['another reference key', record({ object: clusterScoped, level: 40 }), { refkey: 'k8s' }, { message: "Handler 'createFn' succeeded.", timestamp, severity: 'warn', k8s: clusterScoped }],
    ['no object', record({ level: 20 }), {}, { message: "Handler 'createFn' succeeded.", timestamp, severity: 'debug' }],
    [
      'an error: its stack in exc_info',
      record({ level: 50, err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (a.ts:1:1)' } }),
      {},
      { message: "Handler 'createFn' succeeded.", timestamp, severity: 'error', exc_info: 'Error: boom\n    at f (a.ts:1:1)' },
    ],
    ['fatal', record({ level: 60 }), {}, { message: "Handler 'createFn' succeeded.", timestamp, severity: 'fatal' }],
  ])('%s', (_, input, options, object) => {
    const line = formatRecord(input, { format: 'json', ...options });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(object);
  });

  it('writes the timestamp in UTC', () => {
    const line = formatRecord(record({ time: Date.UTC(2026, 11, 1, 10, 0, 0, 123) }), { format: 'json' });
    expect(JSON.parse(line).timestamp).toBe('2026-12-01T10:00:00.123Z');
  });
});

describe('levels', () => {
  it.each([
    [10, 'debug'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
  ] as const)('pino level %i is %s', (level, name) => {
    expect(severityOf(level)).toBe(name);
  });

  it('orders levels by severity', () => {
    expect(isAtLeast('warn', 'info')).toBe(true);
    expect(isAtLeast('info', 'info')).toBe(true);
    expect(isAtLeast('info', 'warn')).toBe(false);
    expect(isAtLeast('fatal', 'debug')).toBe(true);
  });
});
