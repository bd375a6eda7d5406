/**
 * Label selectors: the string grammar of `?labelSelector=` (apiserver-spec
 * §8.4) and the `metav1.LabelSelector` object form of workload specs, both
 * compiled into one matcher. Error texts follow kube-apiserver's wording,
 * because clients show them to users verbatim.
 */

/** A selector that does not parse or validate; the server answers it with 400 BadRequest. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

/** `gt`/`lt` are the integer comparisons written `>`/`<`; `exists` is a bare key, `doesnotexist` is `!key`. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | 'doesnotexist' | 'gt' | 'lt';

/** One condition on one label; a selector is the conjunction of its requirements. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** One value for `=`, `==`, `!=`, `gt`, `lt`; at least one for `in`/`notin`; none for the existence checks. */
  values: string[];
}

/** A compiled label selector. No requirements means it matches every object. */
export interface LabelSelector {
  /** Sorted by key, as upstream sorts them. */
  requirements: LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
}

/** The `metav1.LabelSelector` object form: `matchLabels` and `matchExpressions` are ANDed. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

// ----- validation of keys and values (upstream's label syntax, with its messages) -----

const nameFormat = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const namePattern = new RegExp(`^${nameFormat}$`);
const valueFormat = `(${nameFormat})?`;
const valuePattern = new RegExp(`^${valueFormat}$`);
const dnsSubdomainFormat = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const dnsSubdomainPattern = new RegExp(`^${dnsSubdomainFormat}$`);

/** Upstream's "(e.g. 'A',  or 'B', regex used for validation is '…')" suffix, double space included. */
function regexHint(message: string, format: string, examples: string[]): string {
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${format}')`;
}

const nameSyntax = regexHint(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  nameFormat,
  ['MyName', 'my.name', '123-abc'],
);

/** Problems with a label key (a qualified name: optional DNS-subdomain prefix and `/`, then a name). */
function labelKeyProblems(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${nameSyntax} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const problems: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') problems.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) problems.push('prefix part must be no more than 253 characters');
      if (!dnsSubdomainPattern.test(prefix)) {
        problems.push(
          'prefix part ' +
            regexHint(
              "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
              dnsSubdomainFormat,
              ['example.com'],
            ),
        );
      }
    }
  }
  if (name === '') problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  if (!namePattern.test(name)) problems.push(`name part ${nameSyntax}`);
  return problems;
}

function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!valuePattern.test(value)) {
    problems.push(
      regexHint(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        valueFormat,
        ['MyValue', 'my_value', '12345'],
      ),
    );
  }
  return problems;
}

/** A Go `[]string` as `%#v` prints it; upstream's copy of an empty list is a nil one. */
function goStringList(values: string[]): string {
  return values.length === 0 ? '[]string(nil)' : `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** The 64-bit integer a `gt`/`lt` operand stands for, or undefined when it is not one (like Go's ParseInt). */
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/**
 * Checks one requirement the way upstream's requirement constructor does and
 * throws the joined field errors.
 */
function checkRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const problems: string[] = [];
  const keyProblems = labelKeyProblems(key);
  if (keyProblems.length > 0) problems.push(`key: Invalid value: ${JSON.stringify(key)}: ${keyProblems.join('; ')}`);
  const badCount = (detail: string) => problems.push(`values: Invalid value: ${goStringList(values)}: ${detail}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) badCount("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) badCount('exact-match compatibility requires one single value');
      break;
    case 'exists':
    case 'doesnotexist':
      if (values.length !== 0) badCount('values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) badCount("for 'Gt', 'Lt' operators, exactly one value is required");
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          problems.push(`values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const valueProblems = labelValueProblems(v);
    if (valueProblems.length > 0) {
      problems.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${valueProblems.join('; ')}`);
    }
  });
  const distinct = [...new Set(problems)];
  if (distinct.length === 1) throw new SelectorError(distinct[0]);
  if (distinct.length > 1) throw new SelectorError(`[${distinct.join(', ')}]`);
  return { key, operator, values };
}

// ----- matching -----

function requirementMatches(req: LabelRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case '=':
    case '==':
    case 'in':
      return present && req.values.includes(value);
    case '!=':
    case 'notin':
      return !present || !req.values.includes(value);
    case 'exists':
      return present;
    case 'doesnotexist':
      return !present;
    case 'gt':
    case 'lt': {
      if (!present) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(req.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return req.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

function compile(requirements: LabelRequirement[]): LabelSelector {
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    matches: (labels) => sorted.every((req) => requirementMatches(req, labels ?? {})),
  };
}

// ----- the string grammar -----

type TokenType = 'identifier' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '>' | '<' | '(' | ')' | ',' | 'end';

interface Token {
  type: TokenType;
  /** The text as written; empty for the end. */
  text: string;
}

const symbolTokens: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['=', '='],
  ['==', '=='],
  ['!=', '!='],
  ['!', '!'],
  ['>', '>'],
  ['<', '<'],
  ['(', '('],
  [')', ')'],
  [',', ','],
]);
const symbolChars = new Set(['=', '!', '(', ')', ',', '>', '<']);
const whitespace = new Set([' ', '\t', '\r', '\n']);

/**
 * Splits the text into tokens. A run of symbol characters yields the longest
 * known symbol at its start (`!=` over `!`); any other run of non-blank,
 * non-symbol characters is a word, and the words `in`/`notin` are keywords.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && whitespace.has(text[pos])) pos++;
    if (pos >= text.length) {
      tokens.push({ type: 'end', text: '' });
      return tokens;
    }
    if (symbolChars.has(text[pos])) {
      const two = text.slice(pos, pos + 2);
      const symbol = symbolTokens.has(two) ? two : text[pos];
      tokens.push({ type: symbolTokens.get(symbol)!, text: symbol });
      pos += symbol.length;
      continue;
    }
    const start = pos;
    while (pos < text.length && !whitespace.has(text[pos]) && !symbolChars.has(text[pos])) pos++;
    const word = text.slice(start, pos);
    tokens.push({ type: word === 'in' || word === 'notin' ? word : 'identifier', text: word });
  }
}

/**
 * Recursive-descent reader over the tokens. Where a value or key is expected,
 * the keywords `in`/`notin` count as plain words (so `in=in` is valid), as upstream allows.
 */
class SelectorReader {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(asWord = true): Token {
    const token = this.tokens[this.pos];
    return asWord && (token.type === 'in' || token.type === 'notin') ? { type: 'identifier', text: token.text } : token;
  }

  private next(asWord = true): Token {
    const token = this.peek(asWord);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return token;
  }

  readSelector(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    const first = this.peek();
    if (first.type === 'end') return requirements;
    if (first.type !== 'identifier' && first.type !== '!') {
      throw new SelectorError(`found '${first.text}', expected: !, identifier, or 'end of string'`);
    }
    for (;;) {
      try {
        requirements.push(this.readRequirement());
      } catch (e) {
        if (!(e instanceof SelectorError)) throw e;
        throw new SelectorError(`unable to parse requirement: ${e.message}`);
      }
      const after = this.next();
      if (after.type === 'end') return requirements;
      if (after.type !== ',') throw new SelectorError(`found '${after.text}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.type !== 'identifier' && following.type !== '!') {
        throw new SelectorError(`found '${following.text}', expected: identifier after ','`);
      }
    }
  }

  private readRequirement(): LabelRequirement {
    let token = this.next();
    const negated = token.type === '!';
    if (negated) token = this.next();
    if (token.type !== 'identifier') throw new SelectorError(`found '${token.text}', expected: identifier`);
    const key = token.text;
    const keyProblems = labelKeyProblems(key);
    // Upstream checks the key here without a field path, hence the odd "<nil>".
    if (keyProblems.length > 0) throw new SelectorError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyProblems.join('; ')}`);
    if (negated) return checkRequirement(key, 'doesnotexist', []);
    const lookahead = this.peek().type;
    if (lookahead === 'end' || lookahead === ',') return checkRequirement(key, 'exists', []);

    const operatorToken = this.next(false);
    const operator = operatorOfToken.get(operatorToken.type);
    if (!operator) throw new SelectorError(`found '${operatorToken.text}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = operator === 'in' || operator === 'notin' ? this.readValueSet() : [this.readSingleValue()];
    return checkRequirement(key, operator, values);
  }

  /**
   * `(a,b,…)`, deduplicated and sorted. A comma with nothing before it or
   * right before `)` adds the empty value; `()` is just the empty value.
   */
  private readValueSet(): string[] {
    const open = this.next();
    if (open.type !== '(') throw new SelectorError(`found '${open.text}' expected: '('`);
    const first = this.peek();
    if (first.type === ')') {
      this.next();
      return [''];
    }
    if (first.type !== 'identifier' && first.type !== ',') throw new SelectorError(`found '${first.text}', expected: ',', ')' or identifier`);
    const values = new Set<string>();
    for (;;) {
      const token = this.next();
      if (token.type === 'identifier') {
        values.add(token.text);
        const after = this.peek();
        if (after.type === ')') break;
        if (after.type !== ',') throw new SelectorError(`found '${after.text}', expected: ',' or ')'`);
      } else if (token.type === ',') {
        if (values.size === 0) values.add('');
        const after = this.peek();
        if (after.type === ')') {
          values.add('');
          break;
        }
        if (after.type === ',') {
          this.next();
          values.add('');
        }
      } else {
        throw new SelectorError(`found '${token.text}', expected: ',', or identifier`);
      }
    }
    this.next();
    return [...values].sort();
  }

  /** The operand of `=`, `==`, `!=`, `>`, `<`; nothing before `,` or the end is the empty value. */
  private readSingleValue(): string {
    const lookahead = this.peek();
    if (lookahead.type === 'end' || lookahead.type === ',') return '';
    const token = this.next();
    if (token.type !== 'identifier') throw new SelectorError(`found '${token.text}', expected: identifier`);
    return token.text;
  }
}

const operatorOfToken: ReadonlyMap<TokenType, LabelOperator> = new Map<TokenType, LabelOperator>([
  ['in', 'in'],
  ['notin', 'notin'],
  ['=', '='],
  ['==', '=='],
  ['!=', '!='],
  ['>', 'gt'],
  ['<', 'lt'],
]);

/**
 * Parses the string form, e.g. `app=web,tier in (a,b),!canary,version>3`.
 * Blank text selects everything.
 * @throws SelectorError with upstream's message when the text does not parse or a key/value is malformed.
 */
export function parseLabelSelector(text: string): LabelSelector {
  return compile(new SelectorReader(tokenize(text)).readSelector());
}

const objectOperators: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: 'doesnotexist',
};

/**
 * Compiles the `metav1.LabelSelector` object form (`matchLabels` become `=`
 * requirements; expression operators are In/NotIn/Exists/DoesNotExist).
 * An empty object matches everything.
 * @throws SelectorError for an unknown operator or a malformed key, value or value count.
 */
export function labelSelectorFromObject(selector: LabelSelectorObject): LabelSelector {
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push(checkRequirement(key, '=', [value]));
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operator = objectOperators[expression.operator];
    if (!operator) throw new SelectorError(`${JSON.stringify(expression.operator)} is not a valid label selector operator`);
    requirements.push(checkRequirement(expression.key, operator, expression.values ?? []));
  }
  return compile(requirements);
}

function formatRequirement(req: LabelRequirement): string {
  switch (req.operator) {
    case 'exists':
      return req.key;
    case 'doesnotexist':
      return `!${req.key}`;
    case 'in':
    case 'notin':
      return `${req.key} ${req.operator} (${[...req.values].sort().join(',')})`;
    case 'gt':
      return `${req.key}>${req.values[0]}`;
    case 'lt':
      return `${req.key}<${req.values[0]}`;
    default:
      return `${req.key}${req.operator}${req.values[0]}`;
  }
}

/**
 * The canonical string form (`app=web,tier in (a,b)`), as upstream prints a
 * selector, e.g. for a Scale's `status.selector`. Matches-everything is `""`.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements.map(formatRequirement).join(',');
}
