/**
 * Labels and label selectors as text, the way upstream prints them in Table cells:
 * `app=web,tier=db`, `app in (a,b),!legacy`.
 */

import type { LabelSelector } from 'kubernetes-types/meta/v1.js';

/** A label map as `k=v,k2=v2` with keys sorted; `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((key) => `${key}=${labels![key]}`).join(',');
}

/**
 * A label selector in selector syntax, requirements sorted by key. An absent or empty selector
 * prints as the empty string; null means the selector is invalid (an unknown operator, or
 * values that do not fit the operator).
 */
export function selectorText(selector: LabelSelector | null | undefined): string | null {
  if (!selector) return '';
  const requirements: Array<{ key: string; text: string }> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push({ key, text: `${key}=${value}` });
  for (const expression of selector.matchExpressions ?? []) {
    const text = requirementText(expression.key, expression.operator, expression.values ?? []);
    if (text === null) return null;
    requirements.push({ key: expression.key, text });
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return requirements.map((requirement) => requirement.text).join(',');
}

function requirementText(key: string, operator: string, values: string[]): string | null {
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return null;
      return `${key} ${operator === 'In' ? 'in' : 'notin'} (${[...values].sort().join(',')})`;
    case 'Exists':
      return values.length === 0 ? key : null;
    case 'DoesNotExist':
      return values.length === 0 ? `!${key}` : null;
    default:
      return null;
  }
}

/** A selector for wide Table columns: `<none>` when it selects everything or nothing, `<error>` when invalid. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  const text = selectorText(selector);
  if (text === null) return '<error>';
  return text === '' ? '<none>' : text;
}
