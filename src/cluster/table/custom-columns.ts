/**
 * Tables for custom resources: `Name` plus the served version's `additionalPrinterColumns`,
 * or `Name` and `Age` when it declares none (apiserver-spec §9.4).
 */

import { formatAge } from './age.ts';
import { NAME_COLUMN, column } from './columns.ts';
import type { Cell, ColumnDefinition, Printer } from './columns.ts';
import { compileJsonPath, jsonPathText } from './jsonpath.ts';
import type { JsonPath } from './jsonpath.ts';

/** One `additionalPrinterColumns` entry of a CRD version. */
export interface CustomColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

const AGE_COLUMN: CustomColumn = {
  name: 'Age',
  type: 'date',
  description: 'Time since the object was created.',
  jsonPath: '.metadata.creationTimestamp',
};

/**
 * The printer for a custom resource version with the given printer columns. Like upstream, a
 * column whose JSONPath does not parse ends the list: it and the columns after it are left out.
 */
export function customResourcePrinter(printerColumns: CustomColumn[]): Printer {
  const declared = printerColumns.length > 0 ? printerColumns : [AGE_COLUMN];
  const usable: Array<{ definition: ColumnDefinition; path: JsonPath }> = [];
  for (const declaredColumn of declared) {
    let path: JsonPath;
    try {
      path = compileJsonPath(declaredColumn.jsonPath);
    } catch {
      break;
    }
    const description = declaredColumn.description || `Custom resource column, from JSONPath ${declaredColumn.jsonPath}`;
    usable.push({
      definition: column(declaredColumn.name, declaredColumn.type, description, declaredColumn.priority ?? 0, declaredColumn.format ?? ''),
      path,
    });
  }
  return {
    columns: [NAME_COLUMN, ...usable.map((entry) => entry.definition)],
    print(object, now) {
      const name = (object as { metadata?: { name?: string } }).metadata?.name ?? '';
      return { cells: [name, ...usable.map((entry) => customCell(entry.definition.type, entry.path.find(object), now))] };
    },
  };
}

/**
 * A cell from the first JSONPath match: `string` columns get the match's text; `integer`,
 * `number` and `boolean` columns the JSON value when it has the right type; `date` columns an
 * age. Anything missing or mistyped is null, which kubectl shows as `<none>`.
 */
function customCell(type: string, matches: unknown[], now: Date): Cell {
  if (matches.length === 0) return null;
  const value = matches[0];
  if (type === 'string') return jsonPathText(value);
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? toInt64(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      // Upstream reads the text as a query parameter, where "null" means the zero time.
      return value === 'null' ? '<unknown>' : formatAge(value, now);
    default:
      return null;
  }
}

/** Go's float-to-int64 conversion: truncation, with out-of-range values landing on the minimum (amd64). */
function toInt64(value: number): number {
  const truncated = Math.trunc(value);
  return Math.abs(truncated) < 2 ** 63 ? truncated : -(2 ** 63);
}
