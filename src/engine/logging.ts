/**
 * The operator's loggers: pino underneath, Kopf's names and line formats on top. Every record passes
 * through one synchronous destination that formats it (`log-format.ts`) and, for object records that
 * may be posted, hands it to the logs→Events hook. The lines of one turn of the event loop go to
 * stderr in one synchronous write at its end (a busy operator logs several lines per object, and a
 * write per line was most of the logging's cost), and whatever is pending when the process exits is
 * written then, so no line is lost when the process exits right after logging it.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { JsonObject } from '../core/field-path.ts';
import type { ObjectHead } from '../client/builtin-kinds.ts';
import type { PostingLevel } from '../registry/settings.ts';
import { errorText, formatRecord, severityOf, type LogFormat, type LogRecord, type ObjectRef } from './log-format.ts';

export type { LogFormat, ObjectRef } from './log-format.ts';

/** The levels the operator logs at: `debug` (`-v`/`-d`), `info` (default), `warn` (`-q`). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where formatted lines go. */
export interface LogOutput {
  write(text: string): unknown;
}

/** An object's log record that may become a Kubernetes Event. */
export interface ObjectRecord {
  level: PostingLevel;
  message: string;
  object: ObjectRef;
  /** The logged error's stack (or `type: message`), when an error was logged. */
  stack?: string;
  /** The id of the operator whose logger wrote it (its root logger's `operator` binding). */
  operator?: string;
}

/** How the root logger logs. */
export interface LoggingOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** Default `full`, as Kopf's CLI. */
  format?: LogFormat;
  /** Whether messages start with `[ns/name] `; default on for text formats, off for `json`. */
  prefix?: boolean;
  /** The key of the object reference in `json` lines; default `object`. */
  refkey?: string;
  /** Default: stderr, the lines of each turn of the event loop in one synchronous write. */
  output?: LogOutput;
  /**
   * Called for every record of an object logger that is not local (the logs→Events hook). Default: the
   * record goes to the listener of the operator that logged it (see `listenToObjectRecords`).
   */
  onObjectRecord?: (record: ObjectRecord) => void;
}

let stderrOutput: LogOutput | undefined;

/** fd 2, written synchronously once per turn of the event loop (pino's destination retries short and would-block writes). */
function stderr(): LogOutput {
  if (!stderrOutput) {
    const fd2 = pino.destination({ fd: 2, sync: true });
    let pending: string[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      if (!pending.length) return;
      const text = pending.join('');
      pending = [];
      fd2.write(text);
    };
    process.on('exit', flush);
    stderrOutput = {
      write(text: string) {
        pending.push(text);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      },
    };
  }
  return stderrOutput;
}

/** A root logger named `kopf` that writes Kopf-formatted lines to `options.output`. */
export function createLogger(options: LoggingOptions = {}): Logger {
  const output = options.output ?? stderr();
  const formatOptions = { format: options.format ?? 'full', prefix: options.prefix, refkey: options.refkey };
  const onObjectRecord = options.onObjectRecord ?? dispatchToOperator;
  const destination: DestinationStream = {
    write(line: string): void {
      const record = JSON.parse(line) as LogRecord;
      output.write(formatRecord(record, formatOptions) + '\n');
      if (record.object && !record.local) {
        onObjectRecord({
          level: severityOf(record.level),
          message: record.msg ?? '',
          object: record.object,
          ...(record.err ? { stack: errorText(record.err) } : {}),
          ...(typeof record.operator === 'string' ? { operator: record.operator } : {}),
        });
      }
    },
  };
  // `base` without pid and hostname: the formats print neither.
  return pino({ name: 'kopf', base: {}, level: options.level ?? 'info' }, destination);
}

// Per running operator, on globalThis like the default logger: any root logger routes to them.
const listenersKey = Symbol.for('kopf-ts.log-listeners');
const listeners: Map<string, (record: ObjectRecord) => void> = ((globalThis as { [listenersKey]?: Map<string, (record: ObjectRecord) => void> })[listenersKey] ??= new Map());

function dispatchToOperator(record: ObjectRecord): void {
  if (record.operator !== undefined) listeners.get(record.operator)?.(record);
}

/**
 * Routes the object records of loggers bound to `{ operator: operatorId }` to `listener` (an operator's
 * logs→Events hook), whatever root logger they come from; returns the function that stops it.
 */
export function listenToObjectRecords(operatorId: string, listener: (record: ObjectRecord) => void): () => void {
  listeners.set(operatorId, listener);
  return () => {
    if (listeners.get(operatorId) === listener) listeners.delete(operatorId);
  };
}

interface DefaultLogging {
  logger: Logger;
  options: LoggingOptions;
}

// On globalThis, so that a second copy of kopf-ts loaded by an operator file shares the CLI's setup.
const defaultKey = Symbol.for('kopf-ts.logger');
const holder = globalThis as { [defaultKey]?: DefaultLogging };

/** Sets how the process logs by default: the logger `defaultLogger()` returns from now on. */
export function configure(options: LoggingOptions): void {
  holder[defaultKey] = { logger: createLogger(options), options };
}

/** The process's default root logger (`configure()`'s, else one with the defaults). */
export function defaultLogger(): Logger {
  return (holder[defaultKey] ??= { logger: createLogger(), options: {} }).logger;
}

/** The reference of an object's body: empty namespace and uid are left out. */
export function objectRef(body: ObjectHead | JsonObject): ObjectRef {
  const head = body as ObjectHead;
  const { name, namespace, uid } = head.metadata ?? {};
  return {
    apiVersion: head.apiVersion ?? '',
    kind: head.kind ?? '',
    name: name ?? '',
    ...(namespace ? { namespace } : {}),
    ...(uid ? { uid } : {}),
  };
}

/** A minimal body for a reference, as Event posting needs it: `apiVersion`, `kind` and the identifying metadata. */
export function objectHead(ref: ObjectRef): JsonObject {
  const metadata: JsonObject = { name: ref.name };
  if (ref.namespace) metadata.namespace = ref.namespace;
  if (ref.uid) metadata.uid = ref.uid;
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata };
}

/**
 * A logger about one object (`kopf.objects`); its lines carry the reference and get the `[ns/name] `
 * prefix. A local one's lines are never posted as Events.
 */
export function objectLogger(parent: Logger, object: ObjectRef, options: { local?: boolean } = {}): Logger {
  return parent.child({ name: 'kopf.objects', object, ...(options.local ? { local: true } : {}) });
}

/** A logger under Kopf's name for a part of the operator: `kopf.activities.startup`, `kopf.reactor.running` … */
export function namedLogger(parent: Logger, name: string): Logger {
  return parent.child({ name });
}
