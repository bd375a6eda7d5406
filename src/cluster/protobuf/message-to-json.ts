/**
 * Reads one encoded message of our schema and builds the JSON object the
 * Kubernetes JSON API would carry for it. The schema alone drives the work:
 * field types, `optional` presence, `(inline)` and the special JSON forms.
 *
 * protobufjs's generated decoders skip fields they do not know, which would
 * silently drop data outside our subset; this reader walks the wire with
 * protobufjs's `Reader` instead, so it can refuse such fields.
 */
import protobuf from 'protobufjs';
import { InvalidProtobufBody, UnsupportedProtobufField } from './errors.ts';
import { JSON_FORMS, type PresentFields } from './json-forms.ts';

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

const VARINT_TYPES = new Set(['int32', 'int64', 'bool']);

const ZERO_SCALARS: Record<string, unknown> = { string: '', bytes: new Uint8Array(), int32: 0, int64: 0, bool: false };

/**
 * The JSON form of `bytes`, an encoded message of `type`. Throws
 * `UnsupportedProtobufField` for fields outside the schema and
 * `InvalidProtobufBody` for malformed input.
 */
export function messageToJson(type: protobuf.Type, bytes: Uint8Array): unknown {
  // The plain Reader, not the Buffer flavour that Reader.create picks for a
  // Buffer: that one clips a string running past the end instead of failing.
  const reader = new protobuf.Reader(bytes);
  try {
    return readMessage(type, reader, reader.len);
  } catch (error) {
    // protobufjs's Reader signals a truncated buffer with a RangeError.
    if (error instanceof RangeError) throw new InvalidProtobufBody(`${error.message} in ${displayName(type)}`);
    throw error;
  }
}

function readMessage(type: protobuf.Type, reader: protobuf.Reader, end: number): unknown {
  const present: PresentFields = {};
  while (reader.pos < end) {
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNumber === 0) throw new InvalidProtobufBody(`${displayName(type)} holds a field numbered 0`);
    const field = type.fieldsById[fieldNumber];
    if (field === undefined) throw new UnsupportedProtobufField(displayName(type), fieldNumber);
    if (field.map) {
      const entries = (present[field.name] as Map<string, unknown> | undefined) ?? new Map<string, unknown>();
      const [key, value] = readMapEntry(field, reader, wireType);
      entries.set(key, value);
      present[field.name] = entries;
    } else if (field.repeated) {
      const items = (present[field.name] as unknown[] | undefined) ?? [];
      items.push(...readRepeated(field, reader, wireType));
      present[field.name] = items;
    } else {
      present[field.name] = readValue(field, reader, wireType);
    }
  }
  if (reader.pos !== end) throw new InvalidProtobufBody(`a field overruns the end of ${displayName(type)}`);
  return finishMessage(type, present);
}

function readValue(field: protobuf.Field, reader: protobuf.Reader, wireType: number): unknown {
  const messageType = field.resolvedType;
  const expected = messageType !== null || !VARINT_TYPES.has(field.type) ? WIRE_LENGTH_DELIMITED : WIRE_VARINT;
  if (wireType !== expected) {
    throw new InvalidProtobufBody(`field ${field.name} of ${displayName(field.parent as protobuf.Type)} has wire type ${wireType}, expected ${expected}`);
  }
  if (messageType instanceof protobuf.Type) return readMessage(messageType, reader, nestedEnd(reader));
  return readScalar(field.type, reader);
}

function readRepeated(field: protobuf.Field, reader: protobuf.Reader, wireType: number): unknown[] {
  // Numbers and booleans may come packed into one length-delimited run.
  if (VARINT_TYPES.has(field.type) && wireType === WIRE_LENGTH_DELIMITED) {
    const end = nestedEnd(reader);
    const items: unknown[] = [];
    while (reader.pos < end) items.push(readScalar(field.type, reader));
    if (reader.pos !== end) throw new InvalidProtobufBody(`a packed list overruns its end in field ${field.name}`);
    return items;
  }
  return [readValue(field, reader, wireType)];
}

function readMapEntry(field: protobuf.Field, reader: protobuf.Reader, wireType: number): [string, unknown] {
  if (wireType !== WIRE_LENGTH_DELIMITED) throw new InvalidProtobufBody(`map field ${field.name} has wire type ${wireType}`);
  const end = nestedEnd(reader);
  let key = '';
  let value: unknown;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const entryWireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (entryWireType !== WIRE_LENGTH_DELIMITED) throw new InvalidProtobufBody(`a key of map field ${field.name} has wire type ${entryWireType}`);
        key = reader.string();
        break;
      case 2:
        value = readValue(field, reader, entryWireType);
        break;
      default:
        throw new InvalidProtobufBody(`an entry of map field ${field.name} has field ${tag >>> 3}`);
    }
  }
  if (reader.pos !== end) throw new InvalidProtobufBody(`an entry of map field ${field.name} overruns its end`);
  return [key, value === undefined ? zeroValue(field) : value];
}

function zeroValue(field: protobuf.Field): unknown {
  const messageType = field.resolvedType;
  return messageType instanceof protobuf.Type ? finishMessage(messageType, {}) : ZERO_SCALARS[field.type];
}

/** Where the length-delimited value that starts at the reader's position ends. */
function nestedEnd(reader: protobuf.Reader): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw new InvalidProtobufBody('a length-delimited field runs past the end of the body');
  return end;
}

function readScalar(scalarType: string, reader: protobuf.Reader): unknown {
  switch (scalarType) {
    case 'string':
      return reader.string();
    case 'bytes':
      return reader.bytes();
    case 'bool':
      return reader.bool();
    case 'int32':
      return reader.int32();
    case 'int64':
      // int64() gives a Long when the `long` package is installed and a number otherwise.
      return protobuf.util.LongBits.from(reader.int64()).toNumber();
    default:
      throw new Error(`the protobuf schema uses scalar type ${scalarType}, which the reader does not handle`);
  }
}

function finishMessage(type: protobuf.Type, present: PresentFields): unknown {
  const jsonForm = JSON_FORMS.get(type.fullName);
  return jsonForm ? jsonForm(present) : jsonObject(type, present);
}

/** The JSON object for a regular message, leaving out what upstream's JSON would leave out. */
function jsonObject(type: protobuf.Type, present: PresentFields): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(present, field.name)) continue;
    const value = present[field.name];
    if (field.map) {
      const entries = value as Map<string, unknown>;
      if (entries.size > 0) json[field.name] = Object.fromEntries([...entries].map(([key, item]) => [key, jsonScalar(item)]));
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length > 0) json[field.name] = items.map(jsonScalar);
    } else if (field.resolvedType !== null) {
      if (field.options?.['(inline)'] === true) Object.assign(json, value);
      else json[field.name] = value;
    } else if (field.options?.proto3_optional === true || !isZeroScalar(value)) {
      json[field.name] = jsonScalar(value);
    }
  }
  return json;
}

function isZeroScalar(value: unknown): boolean {
  return value === '' || value === 0 || value === false || (value instanceof Uint8Array && value.length === 0);
}

/** Bytes travel in JSON as base64; every other value is already in its JSON form. */
function jsonScalar(value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

/** `core.v1.PodSpec` rather than protobufjs's `.core.v1.PodSpec`. */
function displayName(type: protobuf.Type): string {
  return type.fullName.replace(/^\./, '');
}
