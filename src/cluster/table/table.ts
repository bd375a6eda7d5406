/**
 * Table output: what kube-apiserver answers when a client's Accept header asks for
 * `application/json;as=Table;v=v1;g=meta.k8s.io` on list, get and watch (apiserver-spec §8.6,
 * §7.2, §9.4). kubectl's default `get` output is built from these rows.
 */

import type { Cell, ColumnDefinition, Printer, RowCondition } from './columns.ts';
import { customResourcePrinter } from './custom-columns.ts';
import type { CustomColumn } from './custom-columns.ts';
import { builtinPrinter, defaultPrinter } from './printers.ts';

/** What is being printed: a built-in kind, or a custom resource with its printer columns. */
export interface TableTarget {
  group: string;
  kind: string;
  /**
   * The served version's `additionalPrinterColumns`. Present (even empty) for custom resources,
   * which then get `Name` + these columns, or `Name` + `Age` when empty; absent for built-ins.
   */
  printerColumns?: CustomColumn[];
}

/** The `includeObject` query option: what each row embeds. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** `Metadata` (the default) embeds a PartialObjectMetadata, `Object` the object, `None` nothing. */
  includeObject?: IncludeObject;
  /** The moment ages are measured from; the current time by default. */
  now?: Date;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** False for the watch events after the first: those carry no column definitions (§7.2). */
  withColumnDefinitions?: boolean;
}

export interface TableRow {
  cells: Cell[];
  conditions?: RowCondition[];
  /** The embedded object per `includeObject`; null for `None`, as upstream serialises it. */
  object: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  /** Null when column definitions are left out, as upstream serialises them. */
  columnDefinitions: ColumnDefinition[] | null;
  /** Null for an empty list of a kind without its own printer, as upstream serialises it. */
  rows: TableRow[] | null;
}

/**
 * Renders objects (one for get and for each watch event, all items for list) of one kind as a
 * Table. Every column is filled, wide (priority 1) ones included; kubectl hides those itself.
 */
export function toTable(target: TableTarget, objects: object[], options: TableOptions = {}): Table {
  const printer = choosePrinter(target);
  const now = options.now ?? new Date();
  const includeObject = options.includeObject ?? 'Metadata';
  const rows = objects.map((object): TableRow => {
    const printed = printer.print(object, now);
    return {
      cells: printed.cells,
      ...(printed.conditions ? { conditions: printed.conditions } : {}),
      object: embeddedObject(object, includeObject),
    };
  });
  const metadata: Table['metadata'] = {};
  if (options.resourceVersion) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  if (options.remainingItemCount !== undefined) metadata.remainingItemCount = options.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: options.withColumnDefinitions === false ? null : printer.columns,
    // Upstream's default table builds its rows lazily, so an empty list has none at all.
    rows: rows.length === 0 && printer === defaultPrinter ? null : rows,
  };
}

function choosePrinter(target: TableTarget): Printer {
  return target.printerColumns ? customResourcePrinter(target.printerColumns) : builtinPrinter(target.group, target.kind);
}

function embeddedObject(object: object, includeObject: IncludeObject): unknown {
  switch (includeObject) {
    case 'Object':
      return object;
    case 'None':
      return null;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: (object as { metadata?: unknown }).metadata ?? {} };
  }
}

/** The media types an API endpoint can answer in, in upstream's order of preference. */
const SERVED_MEDIA_TYPES: Array<[string, string]> = [
  ['application', 'json'],
  ['application', 'yaml'],
  ['application', 'vnd.kubernetes.protobuf'],
];

interface AcceptClause {
  type: string;
  subtype: string;
  quality: number;
  params: Record<string, string>;
}

/**
 * Whether an Accept header gets a Table: negotiation picks the first clause (by quality, then
 * specificity) that the server can serve, and the answer is a Table only if that clause is
 * `as=Table;g=meta.k8s.io;v=v1` (or `v1beta1`) on JSON or YAML. A plain `application/json`
 * preferred over the Table clause wins, as it does upstream.
 */
export function acceptsTable(acceptHeader: string): boolean {
  for (const clause of parseAccept(acceptHeader)) {
    for (const [type, subtype] of SERVED_MEDIA_TYPES) {
      const matches = (clause.type === type && (clause.subtype === subtype || clause.subtype === '*')) || (clause.type === '*' && clause.subtype === '*');
      if (!matches) continue;
      const verdict = conversionVerdict(clause.params, subtype);
      if (verdict !== 'unservable') return verdict === 'table';
    }
  }
  return false;
}

/** What a matching clause asks for: a Table, something else servable, or a conversion we cannot do. */
function conversionVerdict(params: Record<string, string>, subtype: string): 'table' | 'other' | 'unservable' {
  const asKind = params.as;
  const group = params.g;
  const version = params.v;
  if (asKind === undefined && group === undefined && version === undefined) return 'other';
  if (group !== 'meta.k8s.io' || (version !== 'v1' && version !== 'v1beta1')) return 'unservable';
  if (asKind === 'Table') return subtype === 'json' || subtype === 'yaml' ? 'table' : 'unservable';
  if (asKind === 'PartialObjectMetadata' || asKind === 'PartialObjectMetadataList') return 'other';
  return 'unservable';
}

/** Accept header clauses in negotiation order: quality first, then concrete types before wildcards. */
function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [mediaRange, ...paramParts] = part.trim().split(';');
    const [type, subtype, extra] = mediaRange.split('/').map((piece) => piece.trim());
    if (extra !== undefined || (subtype === undefined && type !== '*')) continue;
    const clause: AcceptClause = { type, subtype: subtype ?? '*', quality: 1, params: {} };
    for (const param of paramParts) {
      const pieces = param.split('=');
      if (pieces.length !== 2) continue;
      const key = pieces[0].trim();
      const value = pieces[1].trim();
      if (key === 'q') clause.quality = Number.parseFloat(value) || 0;
      else clause.params[key] = value;
    }
    clauses.push(clause);
  }
  // Insertion sort with upstream's comparison, which is stable for the short lists clients send.
  for (let i = 1; i < clauses.length; i++) {
    for (let j = i; j > 0 && ranksBefore(clauses[j], clauses[j - 1]); j--) [clauses[j], clauses[j - 1]] = [clauses[j - 1], clauses[j]];
  }
  return clauses;
}

function ranksBefore(a: AcceptClause, b: AcceptClause): boolean {
  if (a.quality > b.quality) return true;
  if (a.type !== '*' && b.type === '*') return true;
  return a.subtype !== '*' && b.subtype === '*';
}
