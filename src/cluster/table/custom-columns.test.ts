import { describe, expect, it } from 'vitest';
import { customResourcePrinter } from './custom-columns.ts';
import type { CustomColumn } from './custom-columns.ts';

const now = new Date('2026-01-02T03:04:05Z');

const columns: CustomColumn[] = [
  { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
  { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio', priority: 1 },
  { name: 'Flag', type: 'boolean', jsonPath: '.spec.flag' },
  { name: 'Text', type: 'string', jsonPath: '.spec.text', format: 'byte', description: 'Free text.' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'When', type: 'date', jsonPath: '.status.when' },
];

const widget = (name: string, spec: object, status: object = {}) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, creationTimestamp: '2026-01-02T03:00:00Z' },
  spec,
  status,
});

describe('customResourcePrinter', () => {
  const printer = customResourcePrinter(columns);

  it('defines Name plus the declared columns, with defaults filled in', () => {
    expect(printer.columns).toEqual([
      expect.objectContaining({ name: 'Name', type: 'string', format: 'name', priority: 0 }),
      { name: 'Size', type: 'integer', format: '', description: 'Custom resource column, from JSONPath .spec.size', priority: 0 },
      { name: 'Ratio', type: 'number', format: '', description: 'Custom resource column, from JSONPath .spec.ratio', priority: 1 },
      { name: 'Flag', type: 'boolean', format: '', description: 'Custom resource column, from JSONPath .spec.flag', priority: 0 },
      { name: 'Text', type: 'string', format: 'byte', description: 'Free text.', priority: 0 },
      expect.objectContaining({ name: 'Ready', type: 'string' }),
      expect.objectContaining({ name: 'When', type: 'date' }),
    ]);
  });

  it('fills cells of each type from the first match', () => {
    const subject = widget('w1', { size: 3, ratio: 1.5, flag: true, text: 'hello' }, {
      conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }, { type: 'Ready', status: 'Unknown' }],
      when: '2026-01-02T01:04:05Z',
    });
    expect(printer.print(subject, now).cells).toEqual(['w1', 3, 1.5, true, 'hello', 'True', '120m']);
  });

  it('gives null for missing values and for values of the wrong type', () => {
    const subject = widget('w2', { size: 'big', ratio: '2', flag: 'yes' }, { when: 12 });
    expect(printer.print(subject, now).cells).toEqual(['w2', null, null, null, null, null, null]);
  });

  it('truncates numbers in integer columns and keeps them in number columns', () => {
    expect(printer.print(widget('w3', { size: 7.9, ratio: 2 }), now).cells.slice(1, 3)).toEqual([7, 2]);
    expect(printer.print(widget('w4', { size: -2.5 }), now).cells[1]).toBe(-2);
  });

  it('renders non-string values as text in string columns, and null as <no value>', () => {
    expect(printer.print(widget('w5', { text: { b: 1, a: 'x' } }, { conditions: [{ type: 'Ready', status: 3 }] }), now).cells.slice(4, 6)).toEqual(['{"a":"x","b":1}', '3']);
    expect(printer.print(widget('w6', { text: null }), now).cells[4]).toBe('<no value>');
    expect(printer.print(widget('w7', { text: 1234567.5 }), now).cells[4]).toBe('1.2345675e+06');
  });

  it('renders dates as ages, <invalid> when unparsable and <unknown> when empty', () => {
    const when = (value: string) => printer.print(widget('w', {}, { when: value }), now).cells[6];
    expect(when('2026-01-02T03:03:00+00:00')).toBe('65s');
    expect(when('not-a-date')).toBe('<invalid>');
    expect(when('')).toBe('<unknown>');
    expect(when('null')).toBe('<unknown>');
  });

  it('prints Name and Age when the version declares no columns', () => {
    const plain = customResourcePrinter([]);
    expect(plain.columns.map((column) => [column.name, column.type])).toEqual([
      ['Name', 'string'],
      ['Age', 'date'],
    ]);
    expect(plain.print(widget('w1', {}), now).cells).toEqual(['w1', '4m5s']);
  });

  it('leaves out a column whose JSONPath does not parse, and those after it', () => {
    const broken = customResourcePrinter([columns[0], { name: 'Bad', type: 'string', jsonPath: '.spec[' }, columns[2]]);
    expect(broken.columns.map((column) => column.name)).toEqual(['Name', 'Size']);
    expect(broken.print(widget('w1', { size: 1, flag: true }), now).cells).toEqual(['w1', 1]);
  });
});
