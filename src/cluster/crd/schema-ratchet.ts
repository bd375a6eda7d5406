import { fieldSchema, itemsSchema, listMapKeys, listType, type SchemaNode } from './schema-node.ts';
import type { LocatedError, ValueLocation } from './schema-validate.ts';
import { isJsonObject, jsonEqual } from './schema-values.ts';

/**
 * Validation ratcheting (CRDValidationRatcheting, on by default in 1.32): on
 * update, an error is dropped when the value node that produced it, or any node
 * above it, is unchanged from the stored object. Old and new nodes are matched
 * the way upstream correlates them: object fields by name, items of
 * `x-kubernetes-list-type: map` lists by their key fields, and items of other
 * lists not at all. `apiVersion` and `kind` at the root never ratchet.
 */

/** The old item of a map list with the same key field values as the new one. */
function correlatedItem(oldItems: unknown[], item: unknown, keyFields: string[]): { found: boolean; value?: unknown } {
  if (!isJsonObject(item)) return { found: false };
  const value = oldItems.find((old) => isJsonObject(old) && keyFields.every((field) => jsonEqual(old[field], item[field])));
  return value === undefined ? { found: false } : { found: true, value };
}

function isRatcheted(at: ValueLocation, value: unknown, old: unknown, root: SchemaNode): boolean {
  let node: SchemaNode | undefined = root;
  let current = value;
  let previous = old;
  for (let depth = 0; ; depth++) {
    if (jsonEqual(current, previous)) return true;
    if (depth === at.length) return false;
    const step = at[depth];
    if (typeof step === 'number') {
      if (!Array.isArray(current) || !Array.isArray(previous) || listType(node) !== 'map') return false;
      const match = correlatedItem(previous, current[step], listMapKeys(node));
      if (!match.found) return false;
      current = current[step];
      previous = match.value;
      node = node ? itemsSchema(node) : undefined;
    } else {
      if (depth === 0 && (step === 'apiVersion' || step === 'kind')) return false;
      if (!isJsonObject(current) || !isJsonObject(previous) || !Object.hasOwn(current, step) || !Object.hasOwn(previous, step)) return false;
      current = current[step];
      previous = previous[step];
      node = node ? fieldSchema(node, step).schema : undefined;
    }
  }
}

/** The errors that survive ratcheting against the stored object `old`. */
export function ratchetErrors(errors: LocatedError[], value: unknown, old: unknown, root: SchemaNode): LocatedError[] {
  return errors.filter((error) => !isRatcheted(error.at, value, old, root));
}
