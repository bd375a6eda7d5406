import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { crdFieldType } from './crd-field-types.ts';
import { FieldSet } from './field-set.ts';
import { applyConfiguration, recordUpdate, type WriteContext } from './field-manager.ts';
import { decodeManagedFields, encodeManagedFields, type Managers } from './managed-fields.ts';

const fieldType = crdFieldType({
  type: 'object',
  properties: {
    spec: { type: 'object', properties: { replicas: { type: 'integer' }, color: { type: 'string' }, size: { type: 'integer' } } },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
});
const context = (manager: string, now = '2026-01-01T00:00:01Z'): WriteContext => ({ fieldType, manager, apiVersion: 'example.com/v1', resetFields: ['status'], now });
const object = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec, ...(status ? { status } : {}) });
const owners = (managers: Managers) => encodeManagedFields(managers)?.map((e) => [e.manager, e.operation, e.time ?? null, e.fieldsV1]);

describe('recordUpdate', () => {
  it('gives the writer what it set, marking maps it created, and nothing for server-owned or reset fields', () => {
    const managers = recordUpdate(context('creator'), {}, object({ replicas: 1 }, { phase: 'x' }), new Map());
    expect(owners(managers)).toEqual([['creator', 'Update', '2026-01-01T00:00:01Z', { 'f:spec': { '.': {}, 'f:replicas': {} } }]]);
  });

  it('moves a changed field to the writer, drops removed fields from their owners, and ignores no-op writes', () => {
    const created = recordUpdate(context('creator'), {}, object({ replicas: 1, color: 'red' }), new Map());
    const live = object({ replicas: 1, color: 'red' });
    const updated = recordUpdate(context('other', '2026-01-01T00:00:05Z'), live, object({ replicas: 2 }), created);
    expect(owners(updated)).toEqual([
      ['creator', 'Update', '2026-01-01T00:00:01Z', { 'f:spec': {} }],
      ['other', 'Update', '2026-01-01T00:00:05Z', { 'f:spec': { 'f:replicas': {} } }],
    ]);
    expect(owners(recordUpdate(context('other', '2026-01-01T00:00:09Z'), live, live, created))).toEqual(owners(created));
  });
});

describe('applyConfiguration', () => {
  const live = object({ replicas: 1, color: 'red' });
  const created = recordUpdate(context('creator'), {}, live, new Map());

  it('shares fields applied with their live value, and conflicts on changed ones unless forced', () => {
    const shared = applyConfiguration(context('applier'), live, object({ replicas: 1 }), created, false);
    expect(shared.object).toEqual(live);
    // Nothing changed, so the new applier entry carries no time.
    expect(owners(shared.managers)?.[0]).toEqual(['applier', 'Apply', null, { 'f:spec': { 'f:replicas': {} } }]);

    const attempt = () => applyConfiguration(context('applier'), live, object({ replicas: 2, color: 'blue' }), created, false);
    expect(attempt).toThrow(ApiError);
    expect(attempt).toThrow('Apply failed with 2 conflicts: conflicts with "creator" using example.com/v1:\n- .spec.color\n- .spec.replicas');

    const forced = applyConfiguration(context('applier', '2026-01-01T00:00:07Z'), live, object({ replicas: 2 }), created, true);
    expect(forced.object.spec).toEqual({ replicas: 2, color: 'red' });
    expect(owners(forced.managers)).toEqual([
      ['applier', 'Apply', '2026-01-01T00:00:07Z', { 'f:spec': { 'f:replicas': {} } }],
      ['creator', 'Update', '2026-01-01T00:00:01Z', { 'f:spec': { '.': {}, 'f:color': {} } }],
    ]);
  });

  it('goes on as if forced when every conflict is tolerated, and names only the others otherwise', () => {
    const tolerated = FieldSet.of([[{ field: 'spec' }, { field: 'replicas' }]]);
    const taken = applyConfiguration(context('kubectl'), live, object({ replicas: 3 }), created, false, tolerated);
    expect(taken.object.spec).toEqual({ replicas: 3, color: 'red' });
    const attempt = () => applyConfiguration(context('kubectl'), live, object({ replicas: 3, color: 'blue' }), created, false, tolerated);
    expect(attempt).toThrow('Apply failed with 1 conflict: conflict with "creator" using example.com/v1: .spec.color');
  });

  it('removes what the applier no longer applies, unless another manager owns it', () => {
    const first = applyConfiguration(context('applier'), undefined, object({ replicas: 1, size: 3, color: 'red' }), new Map(), false);
    const withOther = applyConfiguration(context('other'), first.object, object({ color: 'red' }), first.managers, false);
    const second = applyConfiguration(context('applier'), first.object, object({ replicas: 1 }), withOther.managers, false);
    expect(second.object.spec).toEqual({ replicas: 1, color: 'red' });
    // The other applier changed nothing, so its entry has no time and sorts first.
    expect(owners(second.managers)?.map(([manager, , , fields]) => [manager, fields])).toEqual([
      ['other', { 'f:spec': { 'f:color': {} } }],
      ['applier', { 'f:spec': { 'f:replicas': {} } }],
    ]);
  });

  it('records nothing for the status of a kind that resets it, and no entry for an empty configuration', () => {
    const statusOnly = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, status: { phase: 'Ready' } };
    const applied = applyConfiguration(context('applier'), live, statusOnly, created, false);
    expect(owners(applied.managers)?.map(([manager]) => manager)).toEqual(['creator']);
    const managers = decodeManagedFields(encodeManagedFields(applied.managers))!;
    expect(applyConfiguration(context('quiet'), live, { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }, managers, false).managers.size).toBe(1);
  });
});
