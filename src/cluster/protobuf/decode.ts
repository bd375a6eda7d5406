/**
 * Turns a Kubernetes protobuf request body (`application/vnd.kubernetes.protobuf`,
 * which kubectl's typed commands send) into the JSON object the JSON API
 * would have received, so the rest of the server only ever sees JSON.
 */
import protobuf from 'protobufjs';
import { InvalidProtobufBody, UnsupportedProtobufKind } from './errors.ts';
import { messageNameForKind } from './kinds.ts';
import { messageToJson } from './message-to-json.ts';
import { kubernetesMessages } from './schema.ts';

export { InvalidProtobufBody, UnsupportedProtobufField, UnsupportedProtobufKind } from './errors.ts';

export { PROTOBUF_MEDIA_TYPE } from './media-type.ts';

/** Every body starts with these 4 bytes, "k8s" and a zero byte, before the envelope. */
const ENVELOPE_PREFIX = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const envelopeType = kubernetesMessages.lookupType('runtime.Unknown');

/** A decoded body: a JSON API object with its `apiVersion` and `kind`. */
export interface DecodedObject {
  apiVersion: string;
  kind: string;
  [field: string]: unknown;
}

interface Envelope {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
}

/**
 * Decodes a protobuf request body into its JSON API object. Fields appear in
 * JSON naming and are left out where upstream's JSON leaves them out.
 * Throws `UnsupportedProtobufKind` or `UnsupportedProtobufField` (415) for
 * objects beyond our schema subset and `InvalidProtobufBody` (400) for
 * malformed bodies; all three are `ApiError`s.
 */
export function decodeProtobufBody(body: Uint8Array): DecodedObject {
  if (body.length < ENVELOPE_PREFIX.length || !ENVELOPE_PREFIX.equals(body.subarray(0, ENVELOPE_PREFIX.length))) {
    throw new InvalidProtobufBody('the body does not start with the "k8s\\0" prefix of a Kubernetes protobuf message');
  }
  const envelope = readEnvelope(body.subarray(ENVELOPE_PREFIX.length));
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (kind === '') throw new InvalidProtobufBody("Object 'Kind' is missing in the envelope");
  if (apiVersion === '') throw new InvalidProtobufBody("Object 'apiVersion' is missing in the envelope");
  const messageName = messageNameForKind(apiVersion, kind);
  if (messageName === undefined) throw new UnsupportedProtobufKind(apiVersion, kind);
  const fields = messageToJson(kubernetesMessages.lookupType(messageName), envelope.raw ?? new Uint8Array()) as Record<string, unknown>;
  return { apiVersion, kind, ...fields };
}

function readEnvelope(bytes: Uint8Array): Envelope {
  try {
    // The plain Reader checks every length against the end of the body.
    return envelopeType.decode(new protobuf.Reader(bytes)) as Envelope;
  } catch (error) {
    throw new InvalidProtobufBody(`the envelope is malformed: ${(error as Error).message}`);
  }
}
