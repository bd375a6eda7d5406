import { describe, expect, it, vi } from 'vitest';
import { ABSENT, all, any, matches, none, not, PRESENT, prematches, type FilterSubject, type ObjectFilters } from './filters.ts';

interface Ctx {
  name: string;
}

const body = {
  metadata: { name: 'ex1', labels: { app: 'web', empty: '' }, annotations: { note: 'yes' } },
  spec: { field: 'value', count: 3, nested: { a: [1, 2] }, nothing: null },
};

function subject(overrides: Partial<FilterSubject<Ctx>> = {}): FilterSubject<Ctx> {
  return { body, context: () => ({ name: 'ex1' }), ...overrides };
}

function check(filters: ObjectFilters<Ctx>, overrides: Partial<FilterSubject<Ctx>> = {}): boolean {
  return matches(filters, subject(overrides));
}

describe('label and annotation filters', () => {
  it('match every object when absent or empty', () => {
    expect(check({})).toBe(true);
    expect(check({ labels: {}, annotations: {} })).toBe(true);
  });

  it('compare literal values exactly, and fail on missing keys', () => {
    expect(check({ labels: { app: 'web' } })).toBe(true);
    expect(check({ labels: { app: 'db' } })).toBe(false);
    expect(check({ labels: { missing: 'web' } })).toBe(false);
    expect(check({ annotations: { note: 'yes' } })).toBe(true);
    expect(check({ annotations: { note: 'no' } })).toBe(false);
  });

  it('take PRESENT as "the key exists", an empty value included', () => {
    expect(check({ labels: { app: PRESENT } })).toBe(true);
    expect(check({ labels: { empty: PRESENT } })).toBe(true);
    expect(check({ labels: { missing: PRESENT } })).toBe(false);
  });

  it('take ABSENT as "the key does not exist"', () => {
    expect(check({ labels: { missing: ABSENT } })).toBe(true);
    expect(check({ labels: { empty: ABSENT } })).toBe(false);
    expect(check({ annotations: { note: ABSENT } })).toBe(false);
  });

  it('call callbacks with the value (undefined when missing) and the context', () => {
    const seen: Array<[unknown, Ctx]> = [];
    const callback = (value: string | undefined, context: Ctx) => {
      seen.push([value, context]);
      return value === undefined;
    };
    expect(check({ labels: { missing: callback } })).toBe(true);
    expect(check({ labels: { app: callback } })).toBe(false);
    expect(seen).toEqual([
      [undefined, { name: 'ex1' }],
      ['web', { name: 'ex1' }],
    ]);
  });

  it('require every key to match', () => {
    expect(check({ labels: { app: 'web', empty: PRESENT, missing: ABSENT } })).toBe(true);
    expect(check({ labels: { app: 'web', empty: ABSENT } })).toBe(false);
  });

  it('treat an object without metadata as having no labels or annotations', () => {
    expect(check({ labels: { app: ABSENT } }, { body: {} })).toBe(true);
    expect(check({ annotations: { note: PRESENT } }, { body: { metadata: { annotations: 'corrupt' } } })).toBe(false);
  });
});

describe('field and value filters', () => {
  it('require the field to be present when no value is given', () => {
    expect(check({ field: ['spec', 'field'] })).toBe(true);
    expect(check({ field: ['spec', 'nothing'] })).toBe(true);
    expect(check({ field: ['spec', 'missing'] })).toBe(false);
    expect(check({ field: ['spec', 'field', 'deeper'] })).toBe(false);
  });

  it('compare literal values by deep equality', () => {
    expect(check({ field: ['spec', 'field'], value: 'value' })).toBe(true);
    expect(check({ field: ['spec', 'count'], value: 3 })).toBe(true);
    expect(check({ field: ['spec', 'count'], value: '3' })).toBe(false);
    expect(check({ field: ['spec', 'nested'], value: { a: [1, 2] } })).toBe(true);
    expect(check({ field: ['spec', 'nested'], value: { a: [2, 1] } })).toBe(false);
    expect(check({ field: ['spec', 'nothing'], value: null })).toBe(true);
  });

  it('support PRESENT, ABSENT and callbacks', () => {
    expect(check({ field: ['spec', 'field'], value: PRESENT })).toBe(true);
    expect(check({ field: ['spec', 'missing'], value: PRESENT })).toBe(false);
    expect(check({ field: ['spec', 'missing'], value: ABSENT })).toBe(true);
    expect(check({ field: ['spec', 'field'], value: ABSENT })).toBe(false);
    expect(check({ field: ['spec', 'count'], value: (value: unknown) => (value as number) > 2 })).toBe(true);
    expect(check({ field: ['spec', 'missing'], value: (value: unknown) => value === undefined })).toBe(true);
  });

  it('for changing causes, pass when either the new or the old essence satisfies the filter', () => {
    const change = { old: { spec: { field: 'before' } }, new: { spec: {} } };
    expect(check({ field: ['spec', 'field'] }, { change })).toBe(true);
    expect(check({ field: ['spec', 'field'], value: 'before' }, { change })).toBe(true);
    expect(check({ field: ['spec', 'field'], value: ABSENT }, { change })).toBe(true);
    expect(check({ field: ['spec', 'field'], value: 'other' }, { change })).toBe(false);
    // The current body does not count for changing causes: only the essences do.
    expect(check({ field: ['spec', 'count'] }, { change })).toBe(false);
  });

  it('for changing causes, evaluate a callback on the new value first and skip the old one once it passes', () => {
    const callback = vi.fn((value: unknown) => value === 'after');
    const change = { old: { spec: { field: 'before' } }, new: { spec: { field: 'after' } } };
    expect(check({ field: ['spec', 'field'], value: callback }, { change })).toBe(true);
    expect(callback.mock.calls.map((call) => call[0])).toEqual(['after']);
  });
});

describe('field change filters', () => {
  const changed = { old: { spec: { field: 'a' } }, new: { spec: { field: 'b' } } };
  const unchanged = { old: { spec: { field: 'a' } }, new: { spec: { field: 'a' } } };
  const created = { old: undefined, new: { spec: { field: 'a' } } };
  const removed = { old: { spec: { field: 'a' } }, new: { spec: {} } };

  it('require a change of the field when the handler needs one', () => {
    const filters = { field: ['spec', 'field'], fieldNeedsChange: true };
    expect(check(filters, { change: changed })).toBe(true);
    expect(check(filters, { change: unchanged })).toBe(false);
    // A field appearing (creation) is a change; it needs to be present on either side to match at all.
    expect(check(filters, { change: created })).toBe(true);
    expect(check(filters, { change: removed })).toBe(true);
  });

  it('do not require a change otherwise (create/delete/resume handlers with a field)', () => {
    expect(check({ field: ['spec', 'field'] }, { change: unchanged })).toBe(true);
  });

  it('count a deep change, not a re-ordering of keys', () => {
    const filters = { field: ['spec'], fieldNeedsChange: true };
    expect(check(filters, { change: { old: { spec: { a: 1, b: 2 } }, new: { spec: { b: 2, a: 1 } } } })).toBe(false);
    expect(check(filters, { change: { old: { spec: { a: [1, 2] } }, new: { spec: { a: [2, 1] } } } })).toBe(true);
  });

  it('check old and new separately, each with literals, PRESENT, ABSENT or callbacks', () => {
    const field = ['spec', 'field'];
    expect(check({ field, fieldNeedsChange: true, old: 'a', new: 'b' }, { change: changed })).toBe(true);
    expect(check({ field, fieldNeedsChange: true, old: 'b' }, { change: changed })).toBe(false);
    expect(check({ field, fieldNeedsChange: true, new: 'a' }, { change: changed })).toBe(false);
    expect(check({ field, fieldNeedsChange: true, old: ABSENT, new: PRESENT }, { change: created })).toBe(true);
    expect(check({ field, fieldNeedsChange: true, old: PRESENT, new: ABSENT }, { change: removed })).toBe(true);
    expect(check({ field, fieldNeedsChange: true, old: PRESENT }, { change: created })).toBe(false);
    expect(check({ field, fieldNeedsChange: true, new: (value: unknown) => value === 'b' }, { change: changed })).toBe(true);
    expect(check({ field, fieldNeedsChange: true, old: (value: unknown) => value === undefined }, { change: created })).toBe(true);
  });

  it('are ignored by non-changing causes', () => {
    expect(check({ field: ['spec', 'field'], fieldNeedsChange: true, old: 'zzz' })).toBe(true);
  });

  it('are skipped by prematches, which only tells whether the object is of interest', () => {
    const filters = { field: ['spec', 'field'], fieldNeedsChange: true, new: 'zzz' };
    expect(prematches(filters, subject({ change: unchanged }))).toBe(true);
    expect(matches(filters, subject({ change: unchanged }))).toBe(false);
    expect(prematches({ ...filters, labels: { app: 'db' } }, subject({ change: unchanged }))).toBe(false);
  });
});

describe('when', () => {
  it('is evaluated last, with the context, and only if the other filters passed', () => {
    const when = vi.fn((context: Ctx) => context.name === 'ex1');
    expect(check({ labels: { app: 'web' }, when })).toBe(true);
    expect(when).toHaveBeenCalledWith({ name: 'ex1' });
    when.mockClear();
    expect(check({ labels: { app: 'db' }, when })).toBe(false);
    expect(when).not.toHaveBeenCalled();
  });

  it('rejects the object when false', () => {
    expect(check({ when: () => false })).toBe(false);
  });

  it('shares one context, built once, with every callback of a match', () => {
    const context = vi.fn(() => ({ name: 'ex1' }));
    const filters: ObjectFilters<Ctx> = {
      labels: { app: (value) => value === 'web' },
      annotations: { note: (value) => value === 'yes' },
      field: ['spec', 'count'],
      value: (value) => value === 3,
      when: () => true,
    };
    expect(matches(filters, subject({ context }))).toBe(true);
    expect(context).toHaveBeenCalledTimes(1);
  });

  it('builds no context when no callback needs one', () => {
    const context = vi.fn(() => ({ name: 'ex1' }));
    expect(matches({ labels: { app: 'web' }, field: ['spec', 'field'] }, subject({ context }))).toBe(true);
    expect(context).not.toHaveBeenCalled();
  });
});

describe('combinators', () => {
  const yes = () => true;
  const no = () => false;

  it('not inverts', () => {
    expect(not(yes)()).toBe(false);
    expect(not(no)()).toBe(true);
  });

  it('all, any and none combine, with Kopf results for empty lists', () => {
    expect(all([yes, yes])()).toBe(true);
    expect(all([yes, no])()).toBe(false);
    expect(all([])()).toBe(true);
    expect(any([no, yes])()).toBe(true);
    expect(any([no, no])()).toBe(false);
    expect(any([])()).toBe(false);
    expect(none([no, no])()).toBe(true);
    expect(none([no, yes])()).toBe(false);
    expect(none([])()).toBe(true);
  });

  it('pass their arguments through, for value callbacks and when', () => {
    const isWeb = (value: string | undefined) => value === 'web';
    const isDb = (value: string | undefined) => value === 'db';
    expect(check({ labels: { app: any([isWeb, isDb]) } })).toBe(true);
    expect(check({ labels: { app: not(isWeb) } })).toBe(false);
    expect(check({ labels: { app: none([isDb]) } })).toBe(true);
    expect(check({ when: all([(context: Ctx) => context.name === 'ex1', not((context: Ctx) => context.name === 'x')]) })).toBe(true);
  });

  it('stop at the first deciding callback', () => {
    const later = vi.fn(() => true);
    any([yes, later])();
    all([no, later])();
    none([yes, later])();
    expect(later).not.toHaveBeenCalled();
  });
});
