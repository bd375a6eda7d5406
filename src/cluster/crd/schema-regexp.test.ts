import { describe, expect, it } from 'vitest';
import { compileGoPattern } from './schema-regexp.ts';

describe('compileGoPattern', () => {
  it('compiles ordinary patterns unchanged', () => {
    const pattern = compileGoPattern('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$');
    expect(pattern.test('my-name')).toBe(true);
    expect(pattern.test('-bad')).toBe(false);
  });

  it('turns a leading flag group into flags', () => {
    expect(compileGoPattern('(?i)^abc$').test('ABC')).toBe(true);
    expect(compileGoPattern('(?s)^a.b$').test('a\nb')).toBe(true);
    expect(() => compileGoPattern('(?U)a+')).toThrow(SyntaxError);
  });

  it('reads \\A and \\z as the ends of the whole text', () => {
    const pattern = compileGoPattern('(?m)\\Aab\\z');
    expect(pattern.test('ab')).toBe(true);
    expect(pattern.test('x\nab')).toBe(false);
    expect(pattern.test('ab\nx')).toBe(false);
  });

  it('accepts named groups, POSIX classes and a leading ] in a class', () => {
    expect(compileGoPattern('^(?P<word>[[:alpha:]]+)$').exec('Hello')?.groups?.word).toBe('Hello');
    expect(compileGoPattern('^[]a]+$').test(']a]')).toBe(true);
    expect(compileGoPattern('^[^]a]+$').test('bc')).toBe(true);
  });

  it('accepts identity escapes that Go allows', () => {
    expect(compileGoPattern('^[a-z\\-\\.]+\\-x$').test('a-b.c-x')).toBe(true);
  });

  it('throws on patterns that are not regular expressions', () => {
    expect(() => compileGoPattern('([a-z')).toThrow(SyntaxError);
    expect(() => compileGoPattern('[[:nope:]]')).toThrow(SyntaxError);
  });
});
