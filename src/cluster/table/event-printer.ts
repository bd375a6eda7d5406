/**
 * The Event printer. core/v1 and events.k8s.io/v1 Events are one stored kind seen in two
 * shapes, and upstream prints both with the same columns (apiserver-spec §8.6, §11).
 */

import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event as EventsEvent } from 'kubernetes-types/events/v1.js';
import { formatAge } from './age.ts';
import { NAME_COLUMN, column } from './columns.ts';
import type { PrintedRow, Printer } from './columns.ts';

const COLUMNS = [
  column('Last Seen', 'string', 'How long ago the event last happened.'),
  column('Type', 'string', 'Normal or Warning.'),
  column('Reason', 'string', 'Short, machine-readable reason for the event.'),
  column('Object', 'string', 'The object the event is about, as kind/name.'),
  column('Subobject', 'string', 'The part of the object the event is about, such as a container.', 1),
  column('Source', 'string', 'The component, and host, that reported the event.', 1),
  column('Message', 'string', 'What happened, for humans.'),
  column('First Seen', 'string', 'How long ago the event first happened.', 1),
  column('Count', 'string', 'How many times the event happened.', 1),
  { ...NAME_COLUMN, priority: 1 },
];

/** Prints core/v1 Events. */
export const coreEventPrinter: Printer = {
  columns: COLUMNS,
  print(object, now) {
    return printEvent(object as CoreEvent, now);
  },
};

/** Prints events.k8s.io/v1 Events, by reading them back into the core/v1 shape. */
export const eventsEventPrinter: Printer = {
  columns: COLUMNS,
  print(object, now) {
    return printEvent(asCoreEvent(object as EventsEvent), now);
  },
};

function asCoreEvent(event: EventsEvent): CoreEvent {
  return {
    metadata: event.metadata ?? {},
    involvedObject: event.regarding ?? {},
    type: event.type,
    reason: event.reason,
    message: event.note,
    source: event.deprecatedSource,
    firstTimestamp: event.deprecatedFirstTimestamp,
    lastTimestamp: event.deprecatedLastTimestamp,
    count: event.deprecatedCount,
    eventTime: event.eventTime,
    series: event.series ? { count: event.series.count, lastObservedTime: event.series.lastObservedTime } : undefined,
    reportingComponent: event.reportingController,
    reportingInstance: event.reportingInstance,
  };
}

function printEvent(event: CoreEvent, now: Date): PrintedRow {
  // Events posted through events.k8s.io carry only eventTime; older ones only the two timestamps.
  const firstSeen = event.firstTimestamp ? formatAge(event.firstTimestamp, now) : formatAge(event.eventTime, now);
  let lastSeen = event.lastTimestamp ? formatAge(event.lastTimestamp, now) : firstSeen;
  let count = event.count ?? 0;
  if (event.series) {
    lastSeen = formatAge(event.series.lastObservedTime, now);
    count = event.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const involved = event.involvedObject;
  const kind = (involved?.kind ?? '').toLowerCase();
  return {
    cells: [
      lastSeen,
      event.type ?? '',
      event.reason ?? '',
      involved?.name ? `${kind}/${involved.name}` : kind,
      involved?.fieldPath ?? '',
      sourceText(event),
      (event.message ?? '').trim(),
      firstSeen,
      count,
      event.metadata?.name ?? '',
    ],
  };
}

/** `component, host`, falling back to the reporting fields the newer API fills. */
function sourceText(event: CoreEvent): string {
  const component = event.source?.component || event.reportingComponent || '';
  const host = event.source?.host || event.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}
