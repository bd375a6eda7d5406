import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  configure,
  listenToObjectRecords,
  createLogger,
  defaultLogger,
  namedLogger,
  objectHead,
  objectLogger,
  objectRef,
  type LoggingOptions,
  type ObjectRecord,
} from './logging.ts';

const ref = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'kopf-example-1', namespace: 'default', uid: 'u-1' };

/** A root logger whose output is collected, one entry per written line. */
function collecting(options: LoggingOptions = {}): { lines: string[]; records: ObjectRecord[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const records: ObjectRecord[] = [];
  const logger = createLogger({ output: { write: (text: string) => lines.push(text) }, onObjectRecord: (r) => records.push(r), ...options });
  return { lines, records, logger };
}

afterEach(() => {
  vi.useRealTimers();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('kopf-ts.logger')];
});

describe('createLogger', () => {
  it('writes full lines by default, each ending in a newline', () => {
    vi.useFakeTimers({ now: new Date(2026, 11, 1, 10, 0, 0, 123) });
    const { lines, logger } = collecting();
    objectLogger(logger, ref).info("Handler 'createFn' succeeded.");
    namedLogger(logger, 'kopf.reactor.running').warn('Stopping.');
    logger.info('Root line.');
    expect(lines).toEqual([
      "[2026-12-01 10:00:00,123] kopf.objects         [INFO    ] [default/kopf-example-1] Handler 'createFn' succeeded.\n",
      '[2026-12-01 10:00:00,123] kopf.reactor.running [WARNING ] Stopping.\n',
      '[2026-12-01 10:00:00,123] kopf                 [INFO    ] Root line.\n',
    ]);
  });

  it('writes plain lines with the object prefix, or without it when turned off', () => {
    const plain = collecting({ format: 'plain' });
    objectLogger(plain.logger, ref).info('Hello.');
    objectLogger(plain.logger, { apiVersion: 'v1', kind: 'Namespace', name: 'ns1' }).info('Hello.');
    expect(plain.lines).toEqual(['[default/kopf-example-1] Hello.\n', '[ns1] Hello.\n']);

    const bare = collecting({ format: 'plain', prefix: false });
    objectLogger(bare.logger, ref).info('Hello.');
    expect(bare.lines).toEqual(['Hello.\n']);
  });

  it('writes json lines with the reference under the chosen key', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 1, 10, 0, 0, 123) });
    const { lines, logger } = collecting({ format: 'json', refkey: 'k8s' });
    objectLogger(logger, ref).warn('Careful.');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({ message: 'Careful.', timestamp: '2026-12-01T10:00:00.123Z', severity: 'warn', k8s: ref });
  });

  it('prints a logged error’s stack on the lines after the message', () => {
    const { lines, logger } = collecting({ format: 'plain' });
    const error = new TypeError('bad value');
    objectLogger(logger, ref).error({ err: error }, 'Handler failed.');
    logger.error(error);
    expect(lines[0]).toBe(`[default/kopf-example-1] Handler failed.\n${error.stack}\n`);
    expect(lines[1]).toBe(`bad value\n${error.stack}\n`);
  });

  it('puts a logged error’s stack in exc_info of json lines', () => {
    const { lines, logger } = collecting({ format: 'json' });
    const error = new Error('boom');
    logger.error({ err: error }, 'Failed.');
    expect(JSON.parse(lines[0]).exc_info).toBe(error.stack);
  });

  it('hides debug lines at the default level, shows them at debug, and hides info at error', () => {
    const normal = collecting({ format: 'plain' });
    normal.logger.debug('Detail.');
    normal.logger.info('News.');
    expect(normal.lines).toEqual(['News.\n']);

    const verbose = collecting({ format: 'plain', level: 'debug' });
    verbose.logger.debug('Detail.');
    expect(verbose.lines).toEqual(['Detail.\n']);

    const quiet = collecting({ format: 'plain', level: 'error' });
    quiet.logger.info('News.');
    quiet.logger.warn('Careful.');
    quiet.logger.error('Broken.');
    expect(quiet.lines).toEqual(['Broken.\n']);
  });
});

describe('onObjectRecord', () => {
  it('receives the records of object loggers that are not local, with the bare message', () => {
    const { records, logger } = collecting();
    objectLogger(logger, ref).info('Postable.');
    objectLogger(logger, ref, { local: true }).info('Local.');
    namedLogger(logger, 'kopf.activities.startup').info('No object.');
    logger.warn('Root.');
    expect(records).toEqual([{ level: 'info', message: 'Postable.', object: ref }]);
  });

  it('receives the level name and the stack of a logged error', () => {
    const { records, logger } = collecting({ level: 'debug' });
    const error = new Error('boom');
    const objects = objectLogger(logger, ref);
    objects.debug('Detail.');
    objects.warn('Careful.');
    objects.error({ err: error }, 'Failed.');
    objects.fatal('Gone.');
    expect(records).toEqual([
      { level: 'debug', message: 'Detail.', object: ref },
      { level: 'warn', message: 'Careful.', object: ref },
      { level: 'error', message: 'Failed.', object: ref, stack: error.stack },
      { level: 'fatal', message: 'Gone.', object: ref },
    ]);
  });

  it('gets nothing the logger’s level hides', () => {
    const { records, logger } = collecting({ level: 'warn' });
    objectLogger(logger, ref).info('Hidden.');
    expect(records).toEqual([]);
  });

  it('keeps a local logger local under a child logger', () => {
    const { records, logger } = collecting();
    objectLogger(logger, ref, { local: true }).child({ step: 1 }).info('Still local.');
    expect(records).toEqual([]);
  });
});

describe('listenToObjectRecords', () => {
  it('gets the object records of loggers bound to its operator, from any root logger', () => {
    const received: ObjectRecord[] = [];
    const stop = listenToObjectRecords('op-1', (record) => received.push(record));
    const root = createLogger({ output: { write: () => undefined } });
    objectLogger(root.child({ operator: 'op-1' }), ref).info('Mine.');
    objectLogger(root.child({ operator: 'op-2' }), ref).info('Another operator.');
    objectLogger(root, ref).info('No operator.');
    stop();
    objectLogger(root.child({ operator: 'op-1' }), ref).info('After stopping.');
    expect(received).toEqual([{ level: 'info', message: 'Mine.', object: ref, operator: 'op-1' }]);
  });
});

describe('configure and defaultLogger', () => {
  it('creates a default logger lazily, once', () => {
    expect(defaultLogger()).toBe(defaultLogger());
  });

  it('makes the configured logger the default, shared through globalThis', () => {
    const lines: string[] = [];
    const options: LoggingOptions = { format: 'plain', level: 'debug', output: { write: (text: string) => lines.push(text) } };
    configure(options);
    defaultLogger().debug('Configured.');
    expect(lines).toEqual(['Configured.\n']);
    expect((globalThis as Record<symbol, { logger: unknown }>)[Symbol.for('kopf-ts.logger')].logger).toBe(defaultLogger());
  });

  it('writes to stderr once per turn of the event loop, and what is pending at exit before exiting', () => {
    const logging = fileURLToPath(new URL('./logging.ts', import.meta.url));
    const script = [
      `const m = await import('${logging}');`,
      "m.configure({ format: 'plain' });",
      "m.defaultLogger().info('One.'); m.defaultLogger().info('Two.');",
      'await new Promise((resolve) => setTimeout(resolve, 10));',
      "m.defaultLogger().info('Last words.');",
      "if (process.env.HOW === 'exit') process.exit(3); else throw new Error('crash');",
    ].join('\n');
    for (const [how, status] of [['exit', 3], ['throw', 1]] as const) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, HOW: how } });
      expect(child.status).toBe(status);
      expect(child.stderr.startsWith('One.\nTwo.\nLast words.\n')).toBe(true);
      expect(child.stdout).toBe('');
    }
  });
});

describe('objectRef and objectHead', () => {
  it('takes the reference from a body, leaving out an empty namespace and uid', () => {
    expect(objectRef({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'kopf-example-1', namespace: 'default', uid: 'u-1', labels: { a: 'b' } }, spec: {} })).toEqual(ref);
    expect(objectRef({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', namespace: '' } })).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'ns1' });
  });

  it('makes a minimal body of a reference', () => {
    expect(objectHead(ref)).toEqual({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'kopf-example-1', namespace: 'default', uid: 'u-1' } });
    expect(objectHead({ apiVersion: 'v1', kind: 'Namespace', name: 'ns1' })).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
  });
});
