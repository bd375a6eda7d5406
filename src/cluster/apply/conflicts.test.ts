import { describe, expect, it } from 'vitest';
import { applyConflictError, describeManager } from './conflicts.ts';
import { FieldSet } from './field-set.ts';
import type { ManagerFields } from './managed-fields.ts';

const manager = (name: string, operation: 'Apply' | 'Update', subresource?: string): ManagerFields => ({
  manager: name,
  operation,
  apiVersion: 'example.com/v1',
  fields: new FieldSet(),
  ...(subresource ? { subresource } : {}),
});
const fields = (...paths: string[][]) => FieldSet.of(paths.map((path) => path.map((field) => ({ field }))));

describe('apply conflicts', () => {
  it('names appliers, updaters and subresource writers as upstream does', () => {
    expect(describeManager(manager('a', 'Apply'))).toBe('"a"');
    expect(describeManager(manager('u', 'Update'))).toBe('"u" using example.com/v1');
    expect(describeManager(manager('s', 'Update', 'status'))).toBe('"s" with subresource "status" using example.com/v1');
    expect(describeManager(manager('s', 'Apply', 'status'))).toBe('"s" with subresource "status"');
  });

  it('answers one conflict on one line', () => {
    const error = applyConflictError([{ manager: manager('mgr', 'Update'), fields: fields(['spec', 'replicas']) }]);
    expect(error.code).toBe(409);
    expect(error.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "mgr" using example.com/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "mgr" using example.com/v1', field: '.spec.replicas' }] },
      code: 409,
    });
  });

  it('groups several conflicts by manager, managers sorted', () => {
    const error = applyConflictError([
      { manager: manager('b', 'Apply'), fields: fields(['spec', 'x']) },
      { manager: manager('a', 'Update'), fields: fields(['spec', 'nested', 'a'], ['spec', 'replicas']) },
    ]);
    expect(error.message).toBe('Apply failed with 3 conflicts: conflicts with "a" using example.com/v1:\n- .spec.replicas\n- .spec.nested.a\nconflicts with "b":\n- .spec.x');
    expect(error.details?.causes?.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.nested.a', '.spec.x']);
  });
});
