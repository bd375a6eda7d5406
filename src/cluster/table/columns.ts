/**
 * The parts of a `meta.k8s.io/v1` Table that printers produce: column definitions, cells and
 * the per-kind printer contract (apiserver-spec §8.6).
 */

/** One entry of `columnDefinitions`; upstream always sends every field, empty or zero included. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A cell: strings, JSON numbers and booleans, or null for "no value" (kubectl shows `<none>`). */
export type Cell = string | number | boolean | null;

/** A row condition; upstream marks finished pods with `Completed` so clients may hide them. */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** What a printer makes of one object: its cells in column order, and conditions if any. */
export interface PrintedRow {
  cells: Cell[];
  conditions?: RowCondition[];
}

/** How one kind is printed: its columns and a function from object to row. */
export interface Printer {
  columns: ColumnDefinition[];
  print(object: object, now: Date): PrintedRow;
}

/** A column definition with upstream's defaults: no format, priority 0. */
export function column(name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition {
  return { name, type, format, description, priority };
}

/** The leading `Name` column every printer has. */
export const NAME_COLUMN = column('Name', 'string', 'Name of the object, unique for its kind within its namespace.', 0, 'name');

/** The `Age` column of built-in printers: a pre-rendered age, so its type is string. */
export const AGE_COLUMN = column('Age', 'string', 'Time since the object was created.');

/** Columns for the containers of a pod template, shown with `-o wide`. */
export const CONTAINERS_COLUMN = column('Containers', 'string', 'Names of the containers in the pod template.', 1);
export const IMAGES_COLUMN = column('Images', 'string', 'Images of the containers in the pod template.', 1);
