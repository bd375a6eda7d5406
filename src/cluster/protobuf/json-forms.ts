/**
 * Messages whose JSON form is not an object: upstream gives these Go types
 * custom JSON encodings, so the generic field-by-field conversion would be
 * wrong for them. Keyed by full message name.
 */
import { InvalidProtobufBody } from './errors.ts';

/** The fields a message carried on the wire, by name; absent fields are missing keys. */
export type PresentFields = Record<string, unknown>;

/** Turns the present fields of one special message into its JSON value. */
export type JsonForm = (fields: PresentFields) => unknown;

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: Go refuses to write times outside these years.
const EARLIEST_SECONDS = -62135596800;
const LATEST_SECONDS = 253402300799;

function rfc3339Seconds(fields: PresentFields): string | null {
  // Go writes its zero time as an empty message, and JSON writes it as null.
  if (!Object.hasOwn(fields, 'seconds') && !Object.hasOwn(fields, 'nanos')) return null;
  const seconds = (fields.seconds as number | undefined) ?? 0;
  if (seconds < EARLIEST_SECONDS || seconds > LATEST_SECONDS) {
    throw new InvalidProtobufBody(`time ${seconds}s after the epoch is outside years 0001 to 9999`);
  }
  // JSON Time has second precision, so the nanos are dropped as upstream drops them.
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function intOrString(fields: PresentFields): number | string {
  return fields.type === 1 ? ((fields.strVal as string | undefined) ?? '') : ((fields.intVal as number | undefined) ?? 0);
}

function quantity(fields: PresentFields): string {
  return (fields.string as string | undefined) ?? '0';
}

function embeddedJson(fields: PresentFields): unknown {
  const raw = fields.raw as Uint8Array | undefined;
  if (raw === undefined || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new InvalidProtobufBody('an embedded JSON document is not valid JSON');
  }
}

function stringList(fields: PresentFields): string[] {
  return (fields.items as string[] | undefined) ?? [];
}

/** JSON forms by full message name (as protobufjs spells it, with a leading dot). */
export const JSON_FORMS: ReadonlyMap<string, JsonForm> = new Map<string, JsonForm>([
  ['.meta.v1.Time', rfc3339Seconds],
  ['.meta.v1.IntOrString', intOrString],
  ['.meta.v1.Quantity', quantity],
  ['.meta.v1.FieldsV1', embeddedJson],
  ['.authentication.v1.ExtraValue', stringList],
]);
