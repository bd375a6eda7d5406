import { describe, expect, it } from 'vitest';
import { isNamespaceServed, literalNamespaces, matchNamespace, namespaceScope } from './namespace-patterns.ts';

const names = ['default', 'ns-1', 'ns-2', 'ns-10', 'myapp-live', 'myapp-pr-123', 'myapp-pr-456', 'otherapp-live', 'otherapp-pr-123'];

function served(pattern: string | RegExp): string[] {
  return names.filter((n) => matchNamespace(n, pattern));
}

describe('matchNamespace', () => {
  it('matches a literal name exactly', () => {
    expect(served('ns-1')).toEqual(['ns-1']);
  });

  it('reads * and ? as globs', () => {
    expect(served('ns-*')).toEqual(['ns-1', 'ns-2', 'ns-10']);
    expect(served('ns-?')).toEqual(['ns-1', 'ns-2']);
    expect(served('*-live')).toEqual(['myapp-live', 'otherapp-live']);
  });

  it('reads character classes as fnmatch does', () => {
    expect(served('ns-[12]')).toEqual(['ns-1', 'ns-2']);
    expect(served('ns-[!1]')).toEqual(['ns-2']);
    expect(served('ns-[0-9]*')).toEqual(['ns-1', 'ns-2', 'ns-10']);
  });

  it('takes dots and other regular-expression characters literally', () => {
    expect(matchNamespace('a.b', 'a.b')).toBe(true);
    expect(matchNamespace('axb', 'a.b')).toBe(false);
  });

  it('a leading negation means all but those', () => {
    expect(served('!ns-*')).toEqual(['default', 'myapp-live', 'myapp-pr-123', 'myapp-pr-456', 'otherapp-live', 'otherapp-pr-123']);
  });

  it('the first glob decides; later inclusions re-match only what it matched (Kopf docs example)', () => {
    expect(served('myapp-*,!*-pr-*,*-pr-123')).toEqual(['myapp-live', 'myapp-pr-123']);
  });

  it('with a leading negation, later inclusions re-match anything', () => {
    expect(served('!*-pr-*,*pr-123')).toEqual(['default', 'ns-1', 'ns-2', 'ns-10', 'myapp-live', 'myapp-pr-123', 'otherapp-live', 'otherapp-pr-123']);
  });

  it('ignores spaces around globs', () => {
    expect(served(' ns-* , !ns-1 ')).toEqual(['ns-2', 'ns-10']);
  });

  it('full-matches regular expressions', () => {
    expect(served(/ns-\d/)).toEqual(['ns-1', 'ns-2']);
    expect(served(/ns-\d+/g)).toEqual(['ns-1', 'ns-2', 'ns-10']);
  });
});

describe('isNamespaceServed', () => {
  it('serves everything cluster-wide', () => {
    expect(names.every((n) => isNamespaceServed(n, { clusterwide: true }))).toBe(true);
  });

  it('serves one, several, or globbed namespaces', () => {
    const scope = namespaceScope({ namespaces: ['default', 'ns-1'] });
    expect(names.filter((n) => isNamespaceServed(n, scope))).toEqual(['default', 'ns-1']);
  });

  it('excludes within one pattern', () => {
    const scope = namespaceScope({ namespaces: ['ns*,!ns-2'] });
    expect(names.filter((n) => isNamespaceServed(n, scope))).toEqual(['ns-1', 'ns-10']);
  });

  it('treats several patterns as alternatives, as Kopf does with several -n', () => {
    // `!ns-2` alone serves all but ns-2, and `ns*` serves ns-2: together, everything.
    const scope = namespaceScope({ namespaces: ['ns*', '!ns-2'] });
    expect(names.filter((n) => isNamespaceServed(n, scope))).toEqual(names);
  });
});

describe('namespaceScope', () => {
  it('is cluster-wide with -A or with no -n at all', () => {
    expect(namespaceScope({ clusterwide: true })).toEqual({ clusterwide: true });
    expect(namespaceScope({})).toEqual({ clusterwide: true });
  });

  it('refuses -A together with -n, and empty globs', () => {
    expect(() => namespaceScope({ clusterwide: true, namespaces: ['a'] })).toThrow(/either cluster-wide/);
    expect(() => namespaceScope({ namespaces: ['a,,b'] })).toThrow(/empty glob/);
    expect(() => namespaceScope({ namespaces: ['!'] })).toThrow(/empty glob/);
  });
});

describe('literalNamespaces', () => {
  it('keeps only the patterns that name one namespace', () => {
    expect(literalNamespaces(['default', 'ns-*', '!kube-system', 'a,b', /x/, 'ns-1', 'default'])).toEqual(['default', 'ns-1']);
  });
});
