import { ApiError, type StatusCause } from '../errors.ts';
import type { FieldSet } from './field-set.ts';
import type { ManagerFields } from './managed-fields.ts';
import { managerIdentity } from './managed-fields.ts';
import { displayPath } from './path-element.ts';

/**
 * How a conflict message names a manager: `"mgr"` for an applier, `"mgr"
 * using v1` for an updater, with `with subresource "status"` when it wrote
 * through one (apiserver-spec §2.4).
 */
export function describeManager(manager: ManagerFields): string {
  let text = JSON.stringify(manager.manager);
  if (manager.subresource) text += ` with subresource ${JSON.stringify(manager.subresource)}`;
  if (manager.operation === 'Update') text += ` using ${manager.apiVersion}`;
  return text;
}

/**
 * The 409 of an apply that would change fields other managers own: one
 * cause per field; the message lists them grouped by manager, managers in
 * the order of their identities and fields in field-set order.
 */
export function applyConflictError(conflicts: ReadonlyArray<{ manager: ManagerFields; fields: FieldSet }>): ApiError {
  const sorted = [...conflicts].sort((a, b) => {
    const p = managerIdentity(a.manager);
    const q = managerIdentity(b.manager);
    return p < q ? -1 : p > q ? 1 : 0;
  });
  const causes: StatusCause[] = [];
  const lines: string[] = [];
  for (const { manager, fields } of sorted) {
    const who = describeManager(manager);
    const paths = fields.paths().map(displayPath);
    lines.push(`conflicts with ${who}:`, ...paths.map((path) => `- ${path}`));
    for (const path of paths) causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${who}`, field: path });
  }
  const message =
    causes.length === 1
      ? `Apply failed with 1 conflict: ${causes[0].message}: ${causes[0].field}`
      : `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  return new ApiError(409, 'Conflict', message, { causes });
}
