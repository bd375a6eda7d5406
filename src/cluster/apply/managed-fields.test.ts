import { describe, expect, it } from 'vitest';
import { FieldSet } from './field-set.ts';
import { decodeManagedFields, encodeManagedFields, managerIdentity, type ManagerFields } from './managed-fields.ts';

const fields = { 'f:data': { 'f:a': {} } };

describe('managed fields entries', () => {
  it('reads entries and writes them back in upstream order: appliers, then oldest first, then by manager', () => {
    const entries = [
      { manager: 'b', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:02Z', fieldsType: 'FieldsV1', fieldsV1: fields },
      { manager: 'a', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:02Z', fieldsType: 'FieldsV1', fieldsV1: fields },
      { manager: 'z', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:01Z', fieldsType: 'FieldsV1', fieldsV1: fields, subresource: 'status' },
      { manager: 'k', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:09Z', fieldsType: 'FieldsV1', fieldsV1: fields },
      { manager: 'new', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields },
    ];
    const encoded = encodeManagedFields(decodeManagedFields(entries)!);
    expect(encoded?.map((e) => e.manager)).toEqual(['new', 'k', 'z', 'a', 'b']);
    expect(encoded?.[2]).toEqual(entries[2]);
    expect(Object.keys(encoded![2])).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);
  });

  it('drops empty entries and managers that own nothing', () => {
    expect(decodeManagedFields([{}])?.size).toBe(0);
    const empty: ManagerFields = { manager: 'm', operation: 'Update', apiVersion: 'v1', fields: new FieldSet() };
    expect(encodeManagedFields(new Map([['m', empty]]))).toBeUndefined();
  });

  it('refuses lists upstream would not accept', () => {
    expect(decodeManagedFields([{ manager: 'm', operation: 'Bogus', fieldsV1: fields }])).toBeUndefined();
    expect(decodeManagedFields([{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV2', fieldsV1: fields }])).toBeUndefined();
    expect(decodeManagedFields([{ manager: 'm', operation: 'Update', fieldsV1: { 'x:y': {} } }])).toBeUndefined();
    expect(decodeManagedFields('nope')).toBeUndefined();
  });

  it('identifies updaters by apiVersion too, appliers only by name, operation and subresource', () => {
    const update = (apiVersion: string) => managerIdentity({ manager: 'm', operation: 'Update', apiVersion });
    expect(update('v1')).not.toBe(update('v2'));
    expect(managerIdentity({ manager: 'm', operation: 'Apply', apiVersion: 'v1' })).toBe(managerIdentity({ manager: 'm', operation: 'Apply', apiVersion: 'v2' }));
    expect(managerIdentity({ manager: 'm', operation: 'Apply', apiVersion: 'v1', subresource: 'status' })).toBe('{"manager":"m","operation":"Apply","subresource":"status"}');
    expect(managerIdentity({ manager: 'say "hi"\\', operation: 'Update', apiVersion: 'apps/v1' })).toBe(
      JSON.stringify({ manager: 'say "hi"\\', operation: 'Update', apiVersion: 'apps/v1' }),
    );
  });
});
