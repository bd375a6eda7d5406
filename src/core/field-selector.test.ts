import { describe, expect, it } from 'vitest';
import { matchFieldSelector, parseFieldSelector } from './field-selector.ts';
import { SelectorError } from './label-selector.ts';

function parseError(text: string): string {
  try {
    parseFieldSelector(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseFieldSelector', () => {
  it('reads the three operators, with == meaning =', () => {
    expect(parseFieldSelector('a=b')).toEqual([{ field: 'a', operator: '=', value: 'b' }]);
    expect(parseFieldSelector('a==b')).toEqual([{ field: 'a', operator: '=', value: 'b' }]);
    expect(parseFieldSelector('a!=b')).toEqual([{ field: 'a', operator: '!=', value: 'b' }]);
  });

  it('ANDs comma-separated terms, sorted by their text as upstream does', () => {
    expect(parseFieldSelector('status.phase!=Failed,metadata.name=p1')).toEqual([
      { field: 'metadata.name', operator: '=', value: 'p1' },
      { field: 'status.phase', operator: '!=', value: 'Failed' },
    ]);
  });

  it('selects everything when blank, and skips empty terms', () => {
    expect(parseFieldSelector('')).toEqual([]);
    expect(parseFieldSelector(',')).toEqual([]);
    expect(parseFieldSelector('a=b,,c=d,')).toHaveLength(2);
  });

  it('allows empty values and an empty field name', () => {
    expect(parseFieldSelector('spec.nodeName=')).toEqual([{ field: 'spec.nodeName', operator: '=', value: '' }]);
    expect(parseFieldSelector('a!=')).toEqual([{ field: 'a', operator: '!=', value: '' }]);
    expect(parseFieldSelector('=b')).toEqual([{ field: '', operator: '=', value: 'b' }]);
  });

  it('splits at the first operator and keeps other characters as they are', () => {
    expect(parseFieldSelector('a=!b')).toEqual([{ field: 'a', operator: '=', value: '!b' }]);
    expect(parseFieldSelector('a b=c')).toEqual([{ field: 'a b', operator: '=', value: 'c' }]);
  });

  it('unescapes \\, \\= and \\\\ in values', () => {
    expect(parseFieldSelector('a=x\\,y')).toEqual([{ field: 'a', operator: '=', value: 'x,y' }]);
    expect(parseFieldSelector('a=x\\=y')).toEqual([{ field: 'a', operator: '=', value: 'x=y' }]);
    expect(parseFieldSelector('a=x\\\\y')).toEqual([{ field: 'a', operator: '=', value: 'x\\y' }]);
    expect(parseFieldSelector('a=\\\\,b=c')).toEqual([
      { field: 'a', operator: '=', value: '\\' },
      { field: 'b', operator: '=', value: 'c' },
    ]);
  });

  it.each([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['a in (b)', "invalid selector: 'a in (b)'; can't understand 'a in (b)'"],
    ['!a', "invalid selector: '!a'; can't understand '!a'"],
    ['a>1', "invalid selector: 'a>1'; can't understand 'a>1'"],
    ['x=1,a', "invalid selector: 'x=1,a'; can't understand 'a'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a==b==c', 'invalid field selector: unescaped character in value: 61'],
    ['a!=b!=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\c', 'invalid field selector: invalid escape sequence: \\c'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (text, message) => {
    expect(parseError(text)).toBe(message);
  });
});

describe('matchFieldSelector', () => {
  const fields: Record<string, string | undefined> = { 'metadata.name': 'p1', 'spec.nodeName': undefined, 'status.phase': 'Running' };
  const match = (text: string) => matchFieldSelector(parseFieldSelector(text), (field) => fields[field]);

  it('compares strings for = and !=', () => {
    expect(match('metadata.name=p1')).toBe(true);
    expect(match('metadata.name==p2')).toBe(false);
    expect(match('metadata.name!=p2')).toBe(true);
    expect(match('metadata.name!=p1')).toBe(false);
  });

  it('compares an unset field as the empty string', () => {
    expect(match('spec.nodeName=')).toBe(true);
    expect(match('spec.nodeName!=')).toBe(false);
    expect(match('spec.nodeName!=n1')).toBe(true);
  });

  it('needs every term to hold', () => {
    expect(match('metadata.name=p1,status.phase=Running')).toBe(true);
    expect(match('metadata.name=p1,status.phase=Pending')).toBe(false);
    expect(match('')).toBe(true);
  });

  it('matches escaped values against the unescaped text', () => {
    expect(matchFieldSelector(parseFieldSelector('a=x\\,y'), () => 'x,y')).toBe(true);
  });
});
