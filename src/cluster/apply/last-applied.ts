import { canonicalJson } from '../../core/json.ts';
import { compareObjects } from './compare.ts';
import { FieldSet } from './field-set.ts';
import { isJsonMap, type FieldType } from './field-type.ts';
import { fieldSetOf } from './object-fields.ts';
import { copyJson } from '../json-copy.ts';

/** The annotation `kubectl apply` (client-side) keeps its last configuration in. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The fields a `kubectl apply --server-side` may take over without a
 * conflict when it follows a client-side `kubectl apply`: those of the
 * last-applied configuration whose live value is still the one applied then.
 * Upstream allows this so the switch to server-side apply needs no
 * `--force-conflicts`; kubectl then moves the client-side ownership itself.
 * Empty when the object has no readable annotation.
 */
export function clientSideAppliedFields(live: Record<string, unknown>, type: FieldType): FieldSet {
  const metadata = isJsonMap(live.metadata) ? live.metadata : {};
  const annotations = isJsonMap(metadata.annotations) ? metadata.annotations : {};
  const text = annotations[lastAppliedAnnotation];
  if (typeof text !== 'string' || text === '') return new FieldSet();
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return new FieldSet();
  }
  if (!isJsonMap(lastApplied)) return new FieldSet();
  const changedSince = compareObjects(lastApplied, live, type);
  return fieldSetOf(lastApplied, type).difference(changedSince.modified).difference(changedSince.removed);
}

/** Go's JSON text of a value: keys sorted, HTML-sensitive characters escaped, a newline at the end. */
function goJson(value: unknown): string {
  const escaped = canonicalJson(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${escaped}\n`;
}

/**
 * After `kubectl apply --server-side` succeeds on an object that still has
 * the client-side annotation, upstream rewrites the annotation to the
 * configuration just applied (without the annotation itself), so a later
 * client-side apply starts from it. Returns a new object; the input is not
 * changed. Objects without the annotation are returned as they are.
 */
export function withLastAppliedSynced(object: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const metadata = isJsonMap(object.metadata) ? object.metadata : {};
  const annotations = isJsonMap(metadata.annotations) ? metadata.annotations : {};
  if (!Object.hasOwn(annotations, lastAppliedAnnotation)) return object;
  const applied = copyJson(config);
  const appliedMetadata = isJsonMap(applied.metadata) ? applied.metadata : undefined;
  if (appliedMetadata && isJsonMap(appliedMetadata.annotations)) delete appliedMetadata.annotations[lastAppliedAnnotation];
  return { ...object, metadata: { ...metadata, annotations: { ...annotations, [lastAppliedAnnotation]: goJson(applied) } } };
}
