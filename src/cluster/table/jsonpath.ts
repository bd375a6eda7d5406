/**
 * kubectl's JSONPath dialect (client-go `util/jsonpath`), as far as CRD printer columns use it:
 * one expression such as `.spec.size`, `.metadata.labels.app`, `.items[0]`, `.items[*].name`,
 * `.items[1:3]`, `['key']`, `[0,2]`, `..name`, `.*` and filters like
 * `.status.conditions[?(@.type=="Ready")].status`. Templates with text, `range` and `end` are
 * not supported.
 *
 * Quirks kept on purpose, because kube-apiserver has them:
 * - `['a.b']` means `.a.b` (the quoted key is re-read as a dotted path); a literal dot in a key
 *   is written `a\.b`, in either form.
 * - only single quotes make a bracketed key; `["a"]` is an invalid array index.
 * - a missing key is no match, but indexing past the end of an array, filtering a non-array or
 *   comparing values of different types is an evaluation error. Upstream's column printer turns
 *   every such error into an empty cell, so {@link JsonPath.find} reports it as no match.
 */

type FilterOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'slice'; start?: number; end?: number; endFromStart: boolean; step?: number }
  | { kind: 'union'; branches: Step[][] }
  | { kind: 'filter'; left: Step[]; operator: FilterOperator | 'exists'; right: Step[] }
  | { kind: 'text'; value: string }
  | { kind: 'constant'; value: number | boolean };

/** A parsed JSONPath expression. */
export interface JsonPath {
  readonly path: string;
  /** Every value the expression selects in `data`, in document order; empty when none. */
  find(data: unknown): unknown[];
}

/** Thrown while parsing; the public entry point adds the path to the message. */
class SyntaxProblem extends Error {}

/** Thrown while evaluating; upstream's column printer shows such a column as empty. */
class EvaluationProblem extends Error {}

const FILTER_OPERATORS = new Set<string>(['==', '!=', '<', '>', '<=', '>=']);
const TERMINATORS = new Set([' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}']);
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const QUOTED_KEY = /^'([^']*)'$/;
const COMPARISON = /^([^!<>=]+)([!<>=]+)(.+?)$/;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * Parses one JSONPath expression (what goes between the braces of a kubectl template).
 * Throws an Error naming the path when it does not parse.
 */
export function compileJsonPath(path: string): JsonPath {
  let steps: Step[];
  try {
    steps = parseSteps(path);
  } catch (error) {
    if (error instanceof SyntaxProblem) throw new Error(`invalid JSONPath ${JSON.stringify(path)}: ${error.message}`);
    throw error;
  }
  return {
    path,
    find(data: unknown): unknown[] {
      try {
        return evaluate(steps, [data]);
      } catch (error) {
        if (error instanceof EvaluationProblem) return [];
        throw error;
      }
    },
  };
}

function parseSteps(text: string): Step[] {
  const steps: Step[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text.startsWith('[?(', pos)) {
      pos = parseFilter(text, pos + 3, steps);
      continue;
    }
    if (text.startsWith('..', pos)) {
      if (steps.at(-1)?.kind === 'recursive') throw new SyntaxProblem('invalid multiple recursive descent');
      steps.push({ kind: 'recursive' });
      pos += 2;
      if (pos < text.length && isWordChar(text, pos)) pos = parseField(text, pos, steps);
      continue;
    }
    const char = text[pos];
    if (char === ' ' || char === '@' || char === '$') pos += 1;
    else if (char === '.') pos = parseField(text, pos + 1, steps);
    else if (char === '[') pos = parseBrackets(text, pos, steps);
    else if (char === '"' || char === "'") pos = parseQuoted(text, pos, steps);
    else if (char === '+' || char === '-' || /\d/.test(char)) pos = parseNumber(text, pos, steps);
    else if (isWordChar(text, pos)) pos = parseWord(text, pos, steps);
    else if (char === '\r' || char === '\n') throw new SyntaxProblem('unclosed action');
    else throw new SyntaxProblem(`unrecognized character in action: ${describeCharacter(text, pos)}`);
  }
  return steps;
}

/** A field name runs to the next unescaped terminator; backslashes only escape. */
function parseField(text: string, start: number, steps: Step[]): number {
  let pos = start;
  while (pos < text.length && !TERMINATORS.has(text[pos])) pos += text[pos] === '\\' ? 2 : 1;
  pos = Math.min(pos, text.length);
  const raw = text.slice(start, pos);
  steps.push(raw === '*' ? { kind: 'wildcard' } : { kind: 'field', name: raw.replaceAll('\\', '') });
  return pos;
}

function parseBrackets(text: string, start: number, steps: Step[]): number {
  const close = findBeforeLineEnd(text, start, ']');
  if (close < 0) throw new SyntaxProblem('unterminated array');
  let inner = text.slice(start + 1, close);
  if (inner === '*') inner = ':';
  const parts = inner.split(',');
  if (parts.length > 1) {
    steps.push({ kind: 'union', branches: parts.map((part) => parseSteps(`[${part.replace(/^ +| +$/g, '')}]`)) });
    return close + 1;
  }
  const key = QUOTED_KEY.exec(inner);
  if (key) {
    steps.push(...parseSteps(`.${key[1]}`));
    return close + 1;
  }
  steps.push(parseSlice(inner));
  return close + 1;
}

/** `[i]`, `[a:b]`, `[a:b:step]`, with upstream's reading of missing parts. */
function parseSlice(inner: string): Step {
  const match = SLICE.exec(inner);
  if (!match) throw new SyntaxProblem(`invalid array index ${inner}`);
  const number = (text: string): number => {
    if (!INTEGER.test(text)) throw new SyntaxProblem(`array index ${text} is not a number`);
    return Number(text);
  };
  const [, first, second, third] = match;
  const start = first === '' ? undefined : number(first);
  const stepText = third?.slice(1);
  const step = stepText ? number(stepText) : undefined;
  if (second === undefined) {
    // A single index selects one element: its end is derived from its start.
    return { kind: 'slice', start, end: (start ?? 0) + 1, endFromStart: true, step };
  }
  const endText = second.slice(1);
  return { kind: 'slice', start, end: endText ? number(endText) : undefined, endFromStart: false, step };
}

/**
 * `[?(left op right)]` or `[?(left)]`. The closing parenthesis is the first one outside the
 * first quoted string, as upstream scans it.
 */
function parseFilter(text: string, start: number, steps: Step[]): number {
  let pos = start;
  let opened = false;
  let closed = false;
  let quote = '';
  for (;;) {
    if (pos >= text.length || text[pos] === '\n') throw new SyntaxProblem('unterminated filter');
    const char = text[pos];
    pos += 1;
    if (char === '"' || char === "'") {
      if (!opened) {
        opened = true;
        quote = char;
      } else if (char === quote && text[pos - 2] !== '\\') {
        closed = true;
      }
    } else if (char === ')' && opened === closed) {
      break;
    }
  }
  if (text[pos] !== ']') throw new SyntaxProblem('unclosed array expect ]');
  const body = text.slice(start, pos - 1);
  const comparison = COMPARISON.exec(body);
  if (!comparison) {
    steps.push({ kind: 'filter', left: parseSteps(body), operator: 'exists', right: [] });
    return pos + 1;
  }
  const [, left, operator, right] = comparison;
  if (!FILTER_OPERATORS.has(operator)) throw new SyntaxProblem(`unrecognized filter operator ${operator}`);
  steps.push({ kind: 'filter', left: parseSteps(left), operator: operator as FilterOperator, right: parseSteps(right) });
  return pos + 1;
}

function parseQuoted(text: string, start: number, steps: Step[]): number {
  const quote = text[start];
  let pos = start + 1;
  while (pos < text.length && text[pos] !== '\n' && !(text[pos] === quote && text[pos - 1] !== '\\')) pos += 1;
  if (pos >= text.length || text[pos] === '\n') throw new SyntaxProblem('unterminated quoted string');
  const raw = text.slice(start, pos + 1);
  steps.push({ kind: 'text', value: unquote(raw) });
  return pos + 1;
}

function parseNumber(text: string, start: number, steps: Step[]): number {
  let pos = start;
  if (text[pos] === '+' || text[pos] === '-') pos += 1;
  while (pos < text.length && /[\d.]/.test(text[pos])) pos += 1;
  const raw = text.slice(start, pos);
  if (!INTEGER.test(raw) && !DECIMAL.test(raw)) throw new SyntaxProblem(`cannot parse number ${raw}`);
  steps.push({ kind: 'constant', value: Number(raw) });
  return pos;
}

/** A bare word: only `true` and `false` mean something here (`range`/`end` are template-only). */
function parseWord(text: string, start: number, steps: Step[]): number {
  let pos = start;
  while (pos < text.length && !TERMINATORS.has(text[pos])) pos += 1;
  const word = text.slice(start, pos);
  if (word !== 'true' && word !== 'false') throw new SyntaxProblem(`unrecognized identifier ${word}`);
  steps.push({ kind: 'constant', value: word === 'true' });
  return pos;
}

function findBeforeLineEnd(text: string, start: number, wanted: string): number {
  for (let pos = start; pos < text.length; pos++) {
    if (text[pos] === wanted) return pos;
    if (text[pos] === '\n') return -1;
  }
  return -1;
}

function isWordChar(text: string, pos: number): boolean {
  return /^[\p{L}\p{Nd}_]/u.test(text.slice(pos, pos + 2));
}

function describeCharacter(text: string, pos: number): string {
  const code = text.codePointAt(pos) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(code)}'`;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Go's string unquoting, for either quote character. */
function unquote(raw: string): string {
  const quote = raw[0];
  const body = raw.slice(1, -1);
  let out = '';
  for (let pos = 0; pos < body.length; ) {
    const char = body[pos];
    if (char !== '\\') {
      out += char;
      pos += 1;
      continue;
    }
    const kind = body[pos + 1];
    if (kind in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[kind];
      pos += 2;
    } else if (kind === quote) {
      out += quote;
      pos += 2;
    } else if (kind === 'x' || kind === 'u' || kind === 'U') {
      const width = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
      const digits = body.slice(pos + 2, pos + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits)) throw new SyntaxProblem(`unquote string ${raw} error invalid syntax`);
      out += String.fromCodePoint(parseInt(digits, 16));
      pos += 2 + width;
    } else if (/^[0-7]{3}$/.test(body.slice(pos + 1, pos + 4))) {
      out += String.fromCharCode(parseInt(body.slice(pos + 1, pos + 4), 8));
      pos += 4;
    } else {
      throw new SyntaxProblem(`unquote string ${raw} error invalid syntax`);
    }
  }
  return out;
}

function evaluate(steps: Step[], inputs: unknown[]): unknown[] {
  let values = inputs;
  for (const step of steps) values = applyStep(step, values);
  return values;
}

function applyStep(step: Step, inputs: unknown[]): unknown[] {
  switch (step.kind) {
    case 'field':
      return inputs.filter(isObject).filter((value) => Object.hasOwn(value, step.name)).map((value) => value[step.name]);
    case 'wildcard':
      return inputs.flatMap(children);
    case 'recursive':
      return descend(inputs);
    case 'slice':
      return applySlice(step, inputs);
    case 'union':
      return step.branches.flatMap((branch) => evaluate(branch, inputs));
    case 'filter':
      return applyFilter(step, inputs);
    case 'text':
      return [step.value];
    case 'constant':
      return inputs.map(() => step.value);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  return [];
}

/** Every container at or below the inputs, each followed by its own descendants. */
function descend(inputs: unknown[]): unknown[] {
  return inputs.flatMap((value) => {
    const below = children(value);
    return below.length > 0 ? [value, ...descend(below)] : [];
  });
}

function applySlice(step: Extract<Step, { kind: 'slice' }>, inputs: unknown[]): unknown[] {
  const results: unknown[] = [];
  for (const value of inputs) {
    if (value === null) continue;
    if (!Array.isArray(value)) throw new EvaluationProblem('not an array');
    const length = value.length;
    let start = step.start ?? 0;
    if (start < 0) start += length;
    let end = step.end ?? length;
    if (end < 0 || (end === 0 && step.endFromStart)) end += length;
    // Upstream stops the whole step (not just this input) when it selects nothing.
    if (start === end) return results;
    if (start < 0 || start >= length || end < 0 || end > length) throw new EvaluationProblem('array index out of bounds');
    if (start > end) throw new EvaluationProblem('starting index is greater than ending index');
    const stride = step.step ?? 1;
    if (stride <= 0) throw new EvaluationProblem('step must be > 0');
    for (let index = start; index < end; index += stride) results.push(value[index]);
  }
  return results;
}

function applyFilter(step: Extract<Step, { kind: 'filter' }>, inputs: unknown[]): unknown[] {
  const results: unknown[] = [];
  for (const value of inputs) {
    if (!Array.isArray(value)) throw new EvaluationProblem('not an array and cannot be filtered');
    for (const element of value) {
      if (step.operator === 'exists') {
        if (existsIn(step.left, element)) results.push(element);
        continue;
      }
      const left = single(evaluate(step.left, [element]));
      if (left === undefined) continue;
      const right = single(evaluate(step.right, [element]));
      if (right === undefined) continue;
      if (compare(left.value, step.operator, right.value)) results.push(element);
    }
  }
  return results;
}

function existsIn(steps: Step[], element: unknown): boolean {
  try {
    return evaluate(steps, [element]).length > 0;
  } catch (error) {
    if (error instanceof EvaluationProblem) return false;
    throw error;
  }
}

/** Filters compare exactly one value per side; none skips the element. */
function single(values: unknown[]): { value: unknown } | undefined {
  if (values.length > 1) throw new EvaluationProblem('can only compare one element at a time');
  return values.length === 0 ? undefined : { value: values[0] };
}

/** Go template comparison: same basic kind on both sides, and no ordering of booleans. */
function compare(left: unknown, operator: FilterOperator, right: unknown): boolean {
  const kind = comparisonKind(left);
  if (kind !== comparisonKind(right)) throw new EvaluationProblem('incompatible types for comparison');
  if (operator === '==') return left === right;
  if (operator === '!=') return left !== right;
  if (kind === 'bool') throw new EvaluationProblem('invalid type for comparison');
  const a = left as number | string;
  const b = right as number | string;
  if (operator === '<') return a < b;
  if (operator === '>') return a > b;
  if (operator === '<=') return a <= b;
  return a >= b;
}

function comparisonKind(value: unknown): 'bool' | 'int' | 'float' | 'string' {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  throw new EvaluationProblem('invalid type for comparison');
}

/**
 * How kube-apiserver prints one JSONPath result in a `string` column: strings as they are,
 * numbers and booleans as Go prints them, objects and arrays as Go's compact JSON (sorted keys,
 * HTML characters escaped), and null as `<no value>`.
 */
export function jsonPathText(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return goNumberText(value);
  return goJson(value);
}

/** Integers print as int64; other numbers in Go's `%v` float form (`1.5`, `1.2345678e+06`). */
function goNumberText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value).toString();
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}
