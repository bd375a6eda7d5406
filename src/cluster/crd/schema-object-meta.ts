import { childPath, indexPath, isJsonObject, type JsonObject } from './schema-values.ts';

/**
 * ObjectMeta as custom resources see it: upstream decodes `metadata` of a CR
 * (and of every embedded resource) into the typed ObjectMeta, so only its real
 * fields survive, whatever the CRD schema says (apiserver-spec §9.3).
 */

/** How a field decodes in Go: its JSON shape and the Go type named in decoding errors. */
interface MetaField {
  shape: 'string' | 'integer' | 'stringMap' | 'stringList' | 'objectList';
  goType: string;
  /** For lists of objects: the field names of one entry. */
  entryFields?: ReadonlySet<string>;
}

const ownerReferenceFields = new Set(['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion']);
const managedFieldsEntryFields = new Set(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);

const objectMetaFields: Readonly<Record<string, MetaField>> = {
  name: { shape: 'string', goType: 'string' },
  generateName: { shape: 'string', goType: 'string' },
  namespace: { shape: 'string', goType: 'string' },
  selfLink: { shape: 'string', goType: 'string' },
  uid: { shape: 'string', goType: 'types.UID' },
  resourceVersion: { shape: 'string', goType: 'string' },
  generation: { shape: 'integer', goType: 'int64' },
  creationTimestamp: { shape: 'string', goType: 'v1.Time' },
  deletionTimestamp: { shape: 'string', goType: 'v1.Time' },
  deletionGracePeriodSeconds: { shape: 'integer', goType: 'int64' },
  labels: { shape: 'stringMap', goType: 'map[string]string' },
  annotations: { shape: 'stringMap', goType: 'map[string]string' },
  ownerReferences: { shape: 'objectList', goType: '[]v1.OwnerReference', entryFields: ownerReferenceFields },
  finalizers: { shape: 'stringList', goType: '[]string' },
  managedFields: { shape: 'objectList', goType: '[]v1.ManagedFieldsEntry', entryFields: managedFieldsEntryFields },
};

/**
 * Drops the fields ObjectMeta does not have, at its top level and inside owner
 * references and managed-fields entries. `metadataPath` (`metadata`,
 * `spec.template.metadata`) prefixes the reported unknown-field paths.
 * A non-object metadata is returned unchanged for validation to reject.
 */
export function pruneObjectMeta(metadata: unknown, metadataPath: string): { value: unknown; unknownFields: string[] } {
  if (!isJsonObject(metadata)) return { value: metadata, unknownFields: [] };
  const unknownFields: string[] = [];
  const value: JsonObject = {};
  for (const [key, fieldValue] of Object.entries(metadata)) {
    const field = Object.hasOwn(objectMetaFields, key) ? objectMetaFields[key] : undefined;
    if (!field) {
      unknownFields.push(childPath(metadataPath, key));
      continue;
    }
    value[key] = field.entryFields && Array.isArray(fieldValue)
      ? pruneEntries(fieldValue, field.entryFields, childPath(metadataPath, key), unknownFields)
      : fieldValue;
  }
  return { value, unknownFields };
}

function pruneEntries(entries: unknown[], known: ReadonlySet<string>, listPath: string, unknownFields: string[]): unknown[] {
  return entries.map((entry, i) => {
    if (!isJsonObject(entry)) return entry;
    const kept: JsonObject = {};
    for (const [key, value] of Object.entries(entry)) {
      if (known.has(key)) kept[key] = value;
      else unknownFields.push(childPath(indexPath(listPath, i), key));
    }
    return kept;
  });
}

/** The name Go's JSON decoder gives a value's kind in its errors. */
function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

function decodeError(value: unknown, field: string, goType: string): string {
  return `json: cannot unmarshal ${goJsonKind(value)} into Go struct field ObjectMeta.${field} of type ${goType}`;
}

/**
 * Why this metadata would not decode into ObjectMeta, in the Go decoder's words,
 * or undefined when it decodes. Nulls decode to empty values, as in Go.
 */
export function objectMetaDecodeError(metadata: unknown): string | undefined {
  if (metadata === null) return undefined;
  if (!isJsonObject(metadata)) return `json: cannot unmarshal ${goJsonKind(metadata)} into Go value of type v1.ObjectMeta`;
  for (const [key, value] of Object.entries(metadata)) {
    const field = Object.hasOwn(objectMetaFields, key) ? objectMetaFields[key] : undefined;
    if (!field || value === null) continue;
    switch (field.shape) {
      case 'string':
        if (typeof value !== 'string') return decodeError(value, key, field.goType);
        break;
      case 'integer':
        if (typeof value !== 'number') return decodeError(value, key, field.goType);
        if (!Number.isInteger(value)) return `json: cannot unmarshal number ${value} into Go struct field ObjectMeta.${key} of type int64`;
        break;
      case 'stringMap': {
        if (!isJsonObject(value)) return decodeError(value, key, field.goType);
        const bad = Object.values(value).find((entry) => entry !== null && typeof entry !== 'string');
        if (bad !== undefined) return decodeError(bad, key, 'string');
        break;
      }
      case 'stringList': {
        if (!Array.isArray(value)) return decodeError(value, key, field.goType);
        const bad = value.find((entry) => entry !== null && typeof entry !== 'string');
        if (bad !== undefined) return decodeError(bad, key, 'string');
        break;
      }
      case 'objectList': {
        if (!Array.isArray(value)) return decodeError(value, key, field.goType);
        const bad = value.find((entry) => entry !== null && !isJsonObject(entry));
        if (bad !== undefined) return decodeError(bad, key, field.goType.slice(2));
        break;
      }
    }
  }
  return undefined;
}
