/**
 * Turns one pino record into the line Kopf would print for it, in Kopf's three formats: `plain`
 * (`[ns/name] message`), `full` (Kopf's CLI default: local time, logger name, Python's level name)
 * and `json` (one object per line, for log collectors). Pure: the caller writes the result.
 */
import type { PostingLevel } from '../registry/settings.ts';

/** The object a log line is about, as object loggers carry it (Kopf's `k8s_ref`). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

/** An error as pino's standard serializer writes it. */
export interface SerializedError {
  type?: string;
  message?: string;
  stack?: string;
}

/** One record as pino writes it (parsed), with the fields our loggers bind. */
export interface LogRecord {
  /** pino's level number: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
  level: number;
  /** Milliseconds since the epoch. */
  time: number;
  msg?: string;
  /** The logger's name: `kopf`, `kopf.objects`, `kopf.activities.startup` … */
  name?: string;
  object?: ObjectRef;
  /** Set by local object loggers: the line is never posted as an Event. */
  local?: boolean;
  err?: SerializedError;
  /** The id of the operator whose root logger wrote it. */
  operator?: string;
}

/** The output formats of `--log-format`. */
export type LogFormat = 'plain' | 'full' | 'json';

/** How to format records. */
export interface FormatOptions {
  format: LogFormat;
  /** Whether messages start with `[ns/name] `; default true for `plain`/`full`, false for `json`. */
  prefix?: boolean;
  /** The key of the object reference in `json` lines; default `object`. */
  refkey?: string;
}

/** The level name of a pino level number (the `severity` of JSON lines); trace counts as debug, as Python has no lower level. */
export function severityOf(level: number): PostingLevel {
  if (level <= 20) return 'debug';
  if (level <= 30) return 'info';
  if (level <= 40) return 'warn';
  if (level <= 50) return 'error';
  return 'fatal';
}

const levelRanks: Record<PostingLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };

/** Whether `level` is `minimum` or more severe. */
export function isAtLeast(level: PostingLevel, minimum: PostingLevel): boolean {
  return levelRanks[level] >= levelRanks[minimum];
}

const pythonLevelNames: Record<PostingLevel, string> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** `[ns/name] ` for namespaced objects, `[name] ` for cluster-scoped ones. */
export function objectPrefix(object: ObjectRef): string {
  return object.namespace ? `[${object.namespace}/${object.name}] ` : `[${object.name}] `;
}

/** The error's text as printed after the message: its stack, else `type: message`. */
export function errorText(error: SerializedError): string {
  if (error.stack) return error.stack;
  return `${error.type ?? 'Error'}: ${error.message ?? ''}`;
}

/** The record as its line(s), without the trailing newline. */
export function formatRecord(record: LogRecord, options: FormatOptions): string {
  const prefix = options.prefix ?? options.format !== 'json';
  const message = (prefix && record.object ? objectPrefix(record.object) : '') + (record.msg ?? '');
  switch (options.format) {
    case 'plain':
      return withError(message, record.err);
    case 'full':
      return withError(`[${localTimestamp(record.time)}] ${fixedWidth(record.name ?? '', 20)} [${fixedWidth(pythonLevelNames[severityOf(record.level)], 8)}] ${message}`, record.err);
    case 'json':
      return JSON.stringify({
        message,
        timestamp: new Date(record.time).toISOString(),
        severity: severityOf(record.level),
        ...(record.object ? { [options.refkey ?? 'object']: record.object } : {}),
        ...(record.err ? { exc_info: errorText(record.err) } : {}),
      });
  }
}

function withError(line: string, error: SerializedError | undefined): string {
  return error ? `${line}\n${errorText(error)}` : line;
}

/** Padded with spaces or cut to exactly `width` characters, as Python's `%-20.20s`. */
function fixedWidth(text: string, width: number): string {
  return text.slice(0, width).padEnd(width);
}

/** Python logging's default `asctime`: `YYYY-MM-DD HH:MM:SS,mmm` in local time. */
function localTimestamp(time: number): string {
  const date = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return `${day} ${clock},${String(date.getMilliseconds()).padStart(3, '0')}`;
}
