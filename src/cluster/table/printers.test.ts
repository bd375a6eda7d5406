import { describe, expect, it } from 'vitest';
import { builtinPrinter, builtinPrinters, defaultPrinter } from './printers.ts';
import { podPrinter } from './pod-printer.ts';

const now = new Date('2026-01-02T03:04:05Z');

describe('builtinPrinter', () => {
  it('finds printers by group and kind', () => {
    expect(builtinPrinter('', 'Pod')).toBe(podPrinter);
    expect(builtinPrinter('apps', 'Deployment').columns[1].name).toBe('Ready');
    expect(builtinPrinter('events.k8s.io', 'Event').columns[0].name).toBe('Last Seen');
    expect(builtinPrinter('admissionregistration.k8s.io', 'MutatingWebhookConfiguration').columns[1].name).toBe('Webhooks');
  });

  it('gives the default printer to kinds upstream prints generically', () => {
    expect(builtinPrinter('rbac.authorization.k8s.io', 'Role')).toBe(defaultPrinter);
    expect(builtinPrinter('rbac.authorization.k8s.io', 'ClusterRole')).toBe(defaultPrinter);
    expect(builtinPrinter('apiextensions.k8s.io', 'CustomResourceDefinition')).toBe(defaultPrinter);
    expect(builtinPrinter('apps', 'Pod')).toBe(defaultPrinter);
  });

  it('has a Name column first in every printer but Event, and all cells match the columns', () => {
    for (const [key, printer] of builtinPrinters) {
      if (!key.endsWith('/Event')) expect(printer.columns[0]).toMatchObject({ name: 'Name', format: 'name' });
      const cells = printer.print({ metadata: { name: 'x', creationTimestamp: '2026-01-02T03:00:00Z' }, roleRef: { kind: 'Role', name: 'r' } }, now).cells;
      expect(cells, key).toHaveLength(printer.columns.length);
    }
  });

  it('gives every column a description', () => {
    for (const printer of [...builtinPrinters.values(), defaultPrinter]) {
      for (const column of printer.columns) expect(column.description.length).toBeGreaterThan(0);
    }
  });
});

describe('defaultPrinter', () => {
  it('prints Name and the creation time in RFC 3339, not an age', () => {
    expect(defaultPrinter.columns.map((column) => [column.name, column.type, column.format])).toEqual([
      ['Name', 'string', 'name'],
      ['Created At', 'date', ''],
    ]);
    expect(defaultPrinter.print({ metadata: { name: 'reader', creationTimestamp: '2026-01-02T03:04:05Z' } }, now).cells).toEqual(['reader', '2026-01-02T03:04:05Z']);
  });

  it('normalises the time to whole seconds in UTC, and prints Go zero time when unset', () => {
    expect(defaultPrinter.print({ metadata: { name: 'a', creationTimestamp: '2026-01-02T05:04:05.9+02:00' } }, now).cells[1]).toBe('2026-01-02T03:04:05Z');
    expect(defaultPrinter.print({ metadata: { name: 'a' } }, now).cells[1]).toBe('0001-01-01T00:00:00Z');
  });
});
