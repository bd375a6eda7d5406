import { fieldError, type FieldError } from '../errors.ts';
import { validateQualifiedName } from '../object-meta.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { builtin, record } from './define.ts';

/** events.k8s.io/v1 field ← core/v1 field: the same stored Event, renamed (apiserver-spec §11). */
const renamed: Array<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KubeObject, pairs: Array<[string, string]>, apiVersion: string): KubeObject {
  const result: KubeObject = { ...obj, apiVersion, kind: 'Event' };
  for (const [to, from] of pairs) {
    delete result[from];
    if (obj[from] !== undefined) result[to] = obj[from];
  }
  return result;
}

const toCore = renamed.map(([v1, core]) => [core, v1] as [string, string]);

/**
 * What events.k8s.io/v1 demands on create. Upstream validates the stored
 * (core) form, so deprecated fields are named by their core names and a
 * missing eventTime stops validation (checked against kube-apiserver 1.32).
 */
function validate(obj: KubeObject, ctx: { operation: string }): FieldError[] {
  if (ctx.operation !== 'create') return [];
  if (!obj.eventTime) return [fieldError.required('eventTime', '')];
  const errors: FieldError[] = [];
  const controller = typeof obj.reportingController === 'string' ? obj.reportingController : '';
  if (!controller) errors.push(fieldError.required('reportingController', ''));
  errors.push(...validateQualifiedName(controller, 'reportingController'));
  for (const field of ['reportingInstance', 'action', 'reason']) {
    const value = obj[field];
    if (typeof value !== 'string' || value === '') errors.push(fieldError.required(field, ''));
    else if (value.length > 128) errors.push(fieldError.tooLong(field, 128));
  }
  if (obj.type !== 'Normal' && obj.type !== 'Warning') errors.push(fieldError.invalid('type', '', `has invalid value: ${obj.type ?? ''}`));
  const series = record(obj.series);
  if (series && typeof series.count === 'number' && series.count < 2) errors.push(fieldError.invalid('series.count', '', 'should be at least 2'));
  for (const [v1, core] of renamed.filter(([v1]) => v1.startsWith('deprecated'))) {
    if (obj[v1] !== undefined && obj[v1] !== null) errors.push(fieldError.invalid(core, '', 'needs to be unset'));
  }
  if (typeof obj.note === 'string' && obj.note.length > 1024) errors.push(fieldError.invalid('note', '', 'can have at most 1024 characters'));
  return errors;
}

/**
 * events.k8s.io/v1 Events: the core/v1 Events' storage seen through the newer
 * shape, so an event written through one API reads back through the other.
 */
export const eventsV1: ResourceType = {
  ...builtin({
    group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'],
    strategy: { validate },
  }),
  sharedStorage: {
    bucket: '/events',
    fromStorage: (obj) => rename(obj, renamed, 'events.k8s.io/v1'),
    toStorage: (obj) => rename(obj, toCore, 'v1'),
  },
};
