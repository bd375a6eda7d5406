/**
 * Field selectors (`?fieldSelector=`, apiserver-spec §8.5): comma-separated
 * `field=value`, `field==value` or `field!=value` terms, all of which must
 * hold. Which fields a kind supports is the server's business, not this file's.
 */
import { SelectorError } from './label-selector.ts';

/** One term; `==` is stored as `=`. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  /** Unescaped: `\,`, `\=` and `\\` already turned into `,`, `=` and `\`. */
  value: string;
}

/** Splits on commas that are not escaped by a backslash; the escapes stay for the value decoder. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** The first operator in the term splits it; `!=` and `==` win over `=` at the same position. */
function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const written of ['!=', '==', '=']) {
      if (term.startsWith(written, i)) {
        return { field: term.slice(0, i), operator: written === '!=' ? '!=' : '=', value: term.slice(i + written.length) };
      }
    }
  }
  return undefined;
}

/**
 * Decodes the backslash escapes of a value. An unescaped `,` or `=`, or any
 * other escape, is an error. Upstream prints the bad character as its code
 * point number, and so do we.
 */
function unescapeValue(raw: string): string {
  let value = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const escaped = raw[i + 1];
      if (escaped === undefined) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
      if (escaped !== '\\' && escaped !== ',' && escaped !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${escaped}`);
      }
      value += escaped;
      i++;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      value += c;
    }
  }
  return value;
}

/**
 * Parses a field selector. Blank text (or empty terms) select everything.
 * Terms come back sorted by their text, as upstream orders them.
 * @throws SelectorError for a term without an operator (including set-based
 * forms such as `a in (b)`) or a bad escape in a value.
 */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const terms = text === '' ? [] : splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const requirement = splitTerm(term);
    if (!requirement) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    requirements.push({ ...requirement, value: unescapeValue(requirement.value) });
  }
  return requirements;
}

/**
 * True when the object satisfies every requirement. `getField` returns the
 * field's value as a string; an unset field (undefined) compares as `""`.
 */
export function matchFieldSelector(requirements: FieldRequirement[], getField: (field: string) => string | undefined): boolean {
  return requirements.every((r) => ((getField(r.field) ?? '') === r.value) === (r.operator === '='));
}
