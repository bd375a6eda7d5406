/**
 * Logs → Events: an object's log lines posted as Kubernetes Events about it (Kopf's `posting.loggers`),
 * so `kubectl describe` shows what the operator did. Off by default, as in Kopf 1.44+.
 */
import type { PostingLevel, PostingSettings } from '../registry/settings.ts';
import type { EventSink } from './handling-scope.ts';
import { isAtLeast } from './log-format.ts';
import { objectHead, type ObjectRecord } from './logging.ts';

const eventTypes: Record<PostingLevel, string> = {
  debug: 'Debug',
  info: 'Normal',
  warn: 'Warning',
  error: 'Error',
  fatal: 'Fatal',
};

/**
 * The `onObjectRecord` hook of a root logger: posts each record at or above `posting.level` through
 * `sink` while `posting.enabled` and `posting.loggers` are on (read live, per record).
 */
export function logsToEvents(sink: EventSink, settings: () => PostingSettings): (record: ObjectRecord) => void {
  return (record) => {
    const posting = settings();
    if (!posting.enabled || !posting.loggers || !isAtLeast(record.level, posting.level)) return;
    sink.post(objectHead(record.object), {
      type: eventTypes[record.level],
      reason: 'Logging',
      message: record.stack ? `${record.message}\n${record.stack}` : record.message,
      backoffs: posting.loggingBackoffs,
    });
  };
}
