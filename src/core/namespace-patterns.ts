/**
 * Which namespaces an operator serves, in Kopf's terms: cluster-wide, or the
 * namespaces matching any of the `-n` patterns. A pattern is comma-separated
 * globs (`*` any run of characters, `?` one character; spaces ignored);
 * a glob starting with `!` excludes. Read left to right: the first glob
 * decides the initial match (a leading exclusion implies a `*` before it);
 * an exclusion un-matches; a later inclusion re-matches only names the first
 * glob matched. So `myapp-*,!*-pr-*,*-pr-123` serves `myapp-live` and
 * `myapp-pr-123`, but not `myapp-pr-456` nor `otherapp-pr-123`.
 *
 * Several patterns are alternatives (a namespace served by any is served),
 * exactly as several `-n` options are in Kopf: `-n 'ns*' -n '!ns-2'` serves
 * every namespace, because `!ns-2` alone means "all but ns-2" and `ns-2`
 * matches `ns*`. To exclude within a set, write one pattern: `-n 'ns*,!ns-2'`.
 */

/** A namespace pattern: globs as text, or a regular expression that must match the whole name. */
export type NamespacePattern = string | RegExp;

/** The namespaces an operator serves. */
export type NamespaceScope = { clusterwide: true } | { clusterwide: false; patterns: NamespacePattern[] };

const globCache = new Map<string, RegExp>();

/** A glob (`*`, `?`, `[abc]`, `[!abc]`, as Python's fnmatch reads them) as an anchored regular expression. */
function globRegExp(glob: string): RegExp {
  let compiled = globCache.get(glob);
  if (!compiled) {
    let source = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      const close = c === '[' ? glob.indexOf(']', i + 2) : -1;
      if (c === '*') source += '.*';
      else if (c === '?') source += '.';
      else if (close > 0) {
        const members = glob.slice(i + 1, close);
        source += `[${members.startsWith('!') ? `^${escapeClass(members.slice(1))}` : escapeClass(members)}]`;
        i = close;
      } else source += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    compiled = new RegExp(`^${source}$`, 's');
    globCache.set(glob, compiled);
  }
  return compiled;
}

/** Class members keep their ranges (`0-9`) but not regular-expression syntax. */
function escapeClass(members: string): string {
  return members.replace(/[\\\]^[]/g, '\\$&');
}

/** Whether a namespace name matches one pattern (see the module notes for the glob rules). */
export function matchNamespace(name: string, pattern: NamespacePattern): boolean {
  if (pattern instanceof RegExp) {
    const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
    return whole.test(name);
  }
  const globs = pattern.split(',').map((g) => g.replace(/\s+/g, ''));
  if (globs[0].startsWith('!')) globs.unshift('*');
  const firstMatch = globRegExp(globs[0]).test(name);
  let matched = firstMatch;
  for (const glob of globs.slice(1)) {
    if (glob.startsWith('!')) matched = matched && !globRegExp(glob.slice(1)).test(name);
    else matched = matched || (firstMatch && globRegExp(glob).test(name));
  }
  return matched;
}

/** Whether a namespace is served: cluster-wide scopes serve all, others need a matching pattern. */
export function isNamespaceServed(name: string, scope: NamespaceScope): boolean {
  return scope.clusterwide || scope.patterns.some((p) => matchNamespace(name, p));
}

/**
 * The patterns that name one namespace literally (no glob, negation or
 * comma). Without permission to list namespaces, these are the only ones an
 * operator can still serve.
 */
export function literalNamespaces(patterns: readonly NamespacePattern[]): string[] {
  const literal = patterns.filter((p): p is string => typeof p === 'string' && !/[!*?,]/.test(p)).map((p) => p.trim());
  return [...new Set(literal)];
}

/**
 * The scope of `kopf run` options: `-A` (cluster-wide), or the `-n`
 * patterns. Neither means cluster-wide too (Kopf warns about it; the
 * caller may). Both is a contradiction and throws.
 */
export function namespaceScope(options: { clusterwide?: boolean; namespaces?: readonly NamespacePattern[] }): NamespaceScope {
  const patterns = [...(options.namespaces ?? [])];
  if (options.clusterwide && patterns.length) throw new Error('choose either cluster-wide (-A) or namespaces (-n), not both');
  for (const pattern of patterns) {
    if (typeof pattern === 'string' && pattern.split(',').some((g) => g.replace(/\s+/g, '') === '' || g.replace(/\s+/g, '') === '!')) {
      throw new Error(`the namespace pattern ${JSON.stringify(pattern)} has an empty glob`);
    }
  }
  return patterns.length ? { clusterwide: false, patterns } : { clusterwide: true };
}
