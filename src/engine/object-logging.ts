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
