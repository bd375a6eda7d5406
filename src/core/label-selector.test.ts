import { describe, expect, it } from 'vitest';
import { SelectorError, formatLabelSelector, labelSelectorFromObject, parseLabelSelector } from './label-selector.ts';

function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

function objectError(selector: Parameters<typeof labelSelectorFromObject>[0]): string {
  try {
    labelSelectorFromObject(selector);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorError);
    return (e as Error).message;
  }
  throw new Error('expected the selector to be rejected');
}

const nameRule =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRule =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: matching', () => {
  const labels = { app: 'web', tier: 'front', count: '7', empty: '' };

  it.each([
    ['', true],
    ['   ', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['missing=x', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['tier in (front,back)', true],
    ['tier in (back)', false],
    ['missing in (x)', false],
    ['tier notin (back)', true],
    ['tier notin (front,back)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['count>5', true],
    ['count>7', false],
    ['count<8', true],
    ['count<7', false],
    ['missing>1', false],
    ['app>1', false],
    ['empty=', true],
    ['empty in ()', true],
    ['empty in (,x)', true],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['  app = web ,  tier in ( front , back ) , !missing  ', true],
    ['app\tin\t(web)', true],
  ])('%j → %s', (text, expected) => {
    expect(parseLabelSelector(text).matches(labels)).toBe(expected);
  });

  it('treats absent labels as no labels', () => {
    expect(parseLabelSelector('!a').matches(undefined)).toBe(true);
    expect(parseLabelSelector('a').matches(undefined)).toBe(false);
  });

  it('compares gt/lt operands as 64-bit integers', () => {
    expect(parseLabelSelector('n>9007199254740992').matches({ n: '9007199254740993' })).toBe(true);
    expect(parseLabelSelector('n<10').matches({ n: '99999999999999999999' })).toBe(false);
  });

  it('lets the words in and notin be keys and values', () => {
    const selector = parseLabelSelector('in=notin,notin in (in)');
    expect(selector.matches({ in: 'notin', notin: 'in' })).toBe(true);
    expect(formatLabelSelector(selector)).toBe('in=notin,notin in (in)');
  });
});

describe('parseLabelSelector: structure', () => {
  it('sorts requirements by key and set values alphabetically, dropping duplicates', () => {
    const selector = parseLabelSelector('z, x in (c,a,,a), !y, w>3, v<2, u!=1, t==2, s=3, r notin (q)');
    expect(selector.requirements.map((r) => r.key)).toEqual(['r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z']);
    expect(selector.requirements.find((r) => r.key === 'x')).toEqual({ key: 'x', operator: 'in', values: ['', 'a', 'c'] });
    expect(formatLabelSelector(selector)).toBe('r notin (q),s=3,t==2,u!=1,v<2,w>3,x in (,a,c),!y,z');
  });

  it('reads the empty-value forms of value sets', () => {
    expect(parseLabelSelector('a in ()').requirements[0].values).toEqual(['']);
    expect(parseLabelSelector('a in (,)').requirements[0].values).toEqual(['']);
    expect(parseLabelSelector('a in (,b)').requirements[0].values).toEqual(['', 'b']);
    expect(parseLabelSelector('a in (b,)').requirements[0].values).toEqual(['', 'b']);
    expect(parseLabelSelector('a in (b,,c)').requirements[0].values).toEqual(['', 'b', 'c']);
    expect(parseLabelSelector('a=').requirements[0]).toEqual({ key: 'a', operator: '=', values: [''] });
  });

  it('accepts prefixed keys', () => {
    expect(parseLabelSelector('example.com/app=x').matches({ 'example.com/app': 'x' })).toBe(true);
  });

  it('selects everything when blank', () => {
    expect(parseLabelSelector(' ').requirements).toEqual([]);
    expect(formatLabelSelector(parseLabelSelector(''))).toBe('');
  });
});

describe('parseLabelSelector: errors', () => {
  it.each([
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['(a)', "found '(', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['a=x)', "found ')', expected: ',' or 'end of string'"],
    ['a)', "unable to parse requirement: found ')', expected: in, notin, =, ==, !=, gt, lt"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a in (b) c', "found 'c', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a>=5', "unable to parse requirement: found '=', expected: identifier"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in', "unable to parse requirement: found '' expected: '('"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (b,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['a in (,,)', "unable to parse requirement: found ')', expected: ',', or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a>', `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a>-5', `unable to parse requirement: values[0][a]: Invalid value: "-5": ${valueRule}`],
    ['a=b$', `unable to parse requirement: values[0][a]: Invalid value: "b$": ${valueRule}`],
    ['a=' + 'x'.repeat(64), `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`],
    ['Foo$', `unable to parse requirement: <nil>: Invalid value: "Foo$": ${nameRule}`],
    ['-a', `unable to parse requirement: <nil>: Invalid value: "-a": ${nameRule}`],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    ['a/', `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; ${nameRule}`],
    [
      'Example.com/a',
      'unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case ' +
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    [
      'a/b/c',
      'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ' +
        nameRule.slice('name part '.length) +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
  ])('%j', (text, message) => {
    expect(parseError(text)).toBe(message);
  });

  it('limits names to 63 characters', () => {
    expect(parseError('x'.repeat(64))).toBe(`unable to parse requirement: <nil>: Invalid value: "${'x'.repeat(64)}": name part must be no more than 63 characters`);
  });
});

describe('labelSelectorFromObject', () => {
  it('matches everything when empty', () => {
    const selector = labelSelectorFromObject({});
    expect(selector.matches({})).toBe(true);
    expect(formatLabelSelector(selector)).toBe('');
    expect(labelSelectorFromObject({ matchLabels: null, matchExpressions: null }).matches(undefined)).toBe(true);
  });

  it('ANDs matchLabels and every expression operator', () => {
    const selector = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(selector.matches({ app: 'web', tier: 'a', team: 'x' })).toBe(true);
    expect(selector.matches({ app: 'web', tier: 'a', team: 'x', env: 'prod' })).toBe(false);
    expect(selector.matches({ app: 'web', tier: 'c', team: 'x' })).toBe(false);
    expect(selector.matches({ app: 'web', tier: 'a' })).toBe(false);
    expect(selector.matches({ app: 'web', tier: 'a', team: 'x', legacy: '' })).toBe(false);
    expect(formatLabelSelector(selector)).toBe('app=web,env notin (prod),!legacy,team,tier in (a,b)');
  });

  it('gives the Scale selector string of a Deployment', () => {
    const selector = labelSelectorFromObject({ matchLabels: { tier: 'x', app: 'web' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['y', 'x'] }] });
    expect(formatLabelSelector(selector)).toBe('app=web,b in (x,y),tier=x');
  });

  it('rejects what upstream rejects', () => {
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toBe('"Gt" is not a valid label selector operator');
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toBe(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] })).toBe(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toBe(
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    );
    expect(objectError({ matchLabels: { 'a$': 'b' } })).toBe(`key: Invalid value: "a$": ${nameRule}`);
    expect(objectError({ matchLabels: { a: 'b$' } })).toBe(`values[0][a]: Invalid value: "b$": ${valueRule}`);
    expect(objectError({ matchLabels: { 'a$': 'b$' } })).toBe(`[key: Invalid value: "a$": ${nameRule}, values[0][a$]: Invalid value: "b$": ${valueRule}]`);
  });
});
