import { describe, expect, it } from 'vitest';
import { formatLabelSelector, formatLabels, selectorText } from './label-text.ts';

describe('formatLabels', () => {
  it('sorts keys and joins k=v pairs', () => {
    expect(formatLabels({ tier: 'db', app: 'web' })).toBe('app=web,tier=db');
  });

  it('says <none> for no labels', () => {
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });
});

describe('selectorText', () => {
  it('prints every operator, requirements sorted by key and set values sorted', () => {
    const text = selectorText({
      matchLabels: { tier: 'db', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'canary', operator: 'Exists' },
      ],
    });
    expect(text).toBe('app=web,canary,env in (dev,prod),!legacy,tier=db,zone notin (b)');
  });

  it('prints an absent or empty selector as nothing', () => {
    expect(selectorText(undefined)).toBe('');
    expect(selectorText({})).toBe('');
  });

  it('returns null for an invalid selector', () => {
    expect(selectorText({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toBeNull();
    expect(selectorText({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toBeNull();
    expect(selectorText({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toBeNull();
  });
});

describe('formatLabelSelector', () => {
  it('says <none> for an empty selector and <error> for an invalid one', () => {
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web');
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toBe('<error>');
  });
});
