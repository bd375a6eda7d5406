/**
 * The loggers of one object: the postable one (its lines become Kubernetes Events when
 * `posting.loggers` is on) for handlers and the handling story, and the local one for the framework's
 * own bookkeeping lines, which are never posted.
 */
import type { Logger } from 'pino';
import type { JsonObject } from '../core/field-path.ts';
import { objectLogger, objectRef } from './logging.ts';

/** The object's postable logger. */
export function postableLogger(root: Logger, body: JsonObject): Logger {
  return objectLogger(root, objectRef(body));
}

/** The object's local logger: the same lines in the output, never posted as Events. */
export function localLogger(root: Logger, body: JsonObject): Logger {
  return objectLogger(root, objectRef(body), { local: true });
}

/** Both loggers of one object, under one root logger. */
export interface ObjectLoggers {
  readonly root: Logger;
  readonly postable: Logger;
  readonly local: Logger;
}

/**
 * The object's loggers, made at its first cycle and kept in its memory: a pino child logger serialises
 * its bindings when it is made, which cost more than a whole cycle's log lines when made every cycle.
 */
export function loggersOf(root: Logger, body: JsonObject, memory: { loggers?: ObjectLoggers }): ObjectLoggers {
  if (memory.loggers?.root !== root) memory.loggers = { root, postable: postableLogger(root, body), local: localLogger(root, body) };
  return memory.loggers;
}
