/**
 * What server-side apply needs to know about the shape of a field: whether a
 * map is granular (each key tracked) or atomic (one value), how a list's items
 * are identified, and which map keys are declared fields. Built from a CRD's
 * structural schema or from the built-in kinds' schemas.
 */
export type FieldType = ScalarType | MapType | ListType | UntypedType;

export interface ScalarType {
  readonly kind: 'scalar';
}

/** A field's type within its map, and whether the map declares it (a struct field) or it is a map entry. */
export interface FieldSlot {
  readonly type: FieldType;
  readonly declared: boolean;
}

export interface MapType {
  readonly kind: 'map';
  /** Atomic maps (`x-kubernetes-map-type: atomic`) are owned and replaced as one value. */
  readonly atomic: boolean;
  /** The type of a key; keys the schema does not declare are untyped map entries. */
  field(name: string): FieldSlot;
}

export interface ListType {
  readonly kind: 'list';
  /** `map` lists identify items by key fields, `set` lists by value; `atomic` lists are one value. */
  readonly listType: 'atomic' | 'set' | 'map';
  /** The key fields of a `map` list. */
  readonly keys: readonly string[];
  /** Values key fields take when an item leaves them out (e.g. `protocol: TCP` of ports). */
  readonly keyDefaults: Readonly<Record<string, unknown>>;
  item(): FieldType;
}

/** No schema: the value decides (maps are granular, lists atomic), as upstream's deduced type. */
export interface UntypedType {
  readonly kind: 'untyped';
}

export const scalarType: ScalarType = { kind: 'scalar' };
export const untypedType: UntypedType = { kind: 'untyped' };

/** A map whose every key is an undeclared entry of the given type. */
export function entriesMap(entry: FieldType, atomic = false): MapType {
  return { kind: 'map', atomic, field: () => ({ type: entry, declared: false }) };
}

const untypedMap = entriesMap(untypedType);
const untypedList: ListType = { kind: 'list', listType: 'atomic', keys: [], keyDefaults: {}, item: () => untypedType };

export function isJsonMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The type to walk a value with: untyped values get the shape their JSON has,
 * and a value whose JSON does not fit its type (a string where a map is
 * declared) is a scalar, so it is owned and compared as one value.
 */
export function shapeOf(type: FieldType, value: unknown): ScalarType | MapType | ListType {
  if (type.kind === 'untyped') {
    if (isJsonMap(value)) return untypedMap;
    if (Array.isArray(value)) return untypedList;
    return scalarType;
  }
  if (value === undefined) return type;
  if (type.kind === 'map' && !isJsonMap(value)) return scalarType;
  if (type.kind === 'list' && !Array.isArray(value)) return scalarType;
  return type;
}
