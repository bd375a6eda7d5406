/**
 * Kopf's resource selectors and the resources they select. A selector is what
 * a user writes (`'kopfexamples'`, `'v1', 'pods'`, `'kopf.dev', 'v1',
 * 'kopfexamples'`, `{ category: 'all' }`, `EVERYTHING`, a predicate …); a
 * resource is what the server's discovery lists. Matching follows Kopf:
 * names are case-sensitive; without a version only preferred versions match;
 * a selector by name prefers the core group (`pods` is `v1/pods`, not
 * `metrics.k8s.io`'s); `EVERYTHING` and predicates never match Events, so
 * that posting events does not feed back into handling.
 */

/** One resource of one API group version, as discovery describes it. */
export interface Resource {
  /** `''` for the core group. */
  group: string;
  version: string;
  /** The URL name, e.g. `pods`, `kopfexamples`. */
  plural: string;
  kind: string;
  /** Lower-case; discovery leaves it empty for built-ins, so it falls back to the lower-cased kind. */
  singular: string;
  shortNames: string[];
  categories: string[];
  /** e.g. `status`, `scale`. */
  subresources: string[];
  namespaced: boolean;
  /** Whether `version` is the group's preferred version. */
  preferred: boolean;
  /** e.g. `list`, `watch`, `patch`. */
  verbs: string[];
}

/** Selects every resource (but Events): `kopf.on.event(EVERYTHING, …)`. */
export const EVERYTHING: unique symbol = Symbol.for('kopf-ts.EVERYTHING');

/** A test over discovered resources; sees non-preferred versions too. */
export type ResourcePredicate = (resource: Resource) => boolean;

/** The object form of a selector: at most one naming field, optionally narrowed by group and version. */
export interface SelectorSpec {
  group?: string;
  version?: string;
  plural?: string;
  kind?: string;
  singular?: string;
  /** A short name, e.g. `kex`. */
  shortcut?: string;
  /** A category, e.g. `all`. */
  category?: string;
  /** Any of kind, plural, singular or short name — or `EVERYTHING`. */
  name?: string | typeof EVERYTHING;
  predicate?: ResourcePredicate;
}

/** One argument of a selector: strings (1–3 of them), `EVERYTHING`, a predicate, or one object. */
export type SelectorArgument = string | typeof EVERYTHING | ResourcePredicate | SelectorSpec;

/** A selector that cannot be written that way (too many names, empty strings …). */
export class SelectorSyntaxError extends TypeError {
  override name = 'SelectorSyntaxError';
}

/** No resource of the server matches a selector by name. */
export class UnknownResourceError extends Error {
  override name = 'UnknownResourceError';
  constructor(
    readonly selector: ResourceSelector,
    /** Resources with a similar name, the likely intended ones. */
    readonly candidates: Resource[],
  ) {
    const hint = candidates.length ? `; did you mean ${candidates.map((r) => resourceId(r)).join(', ')}?` : '';
    super(`no resource matches ${selector}${hint}`);
  }
}

/** A selector by name matches more than one resource. */
export class AmbiguousResourceError extends Error {
  override name = 'AmbiguousResourceError';
  constructor(
    readonly selector: ResourceSelector,
    readonly candidates: Resource[],
  ) {
    const names = candidates.map((r) => resourceId(r)).join(', ');
    super(`${selector} is ambiguous: it matches ${names}; name one with its group, e.g. "${qualifiedName(candidates[0])}"`);
  }
}

/** Conventional version names: `v1`, `v2beta3`, `v1alpha1` (Kopf reads `name.v1.group` with it). */
const versionPattern = /^v\d+(?:(?:alpha|beta)\d+)?$/;

type NameField = 'kind' | 'plural' | 'singular' | 'shortcut' | 'category' | 'name';
const nameFields: NameField[] = ['kind', 'plural', 'singular', 'shortcut', 'category', 'name'];

/** `kopfexamples.v1.kopf.dev`, `pods.v1`: one resource of one version. */
export function resourceId(resource: Pick<Resource, 'group' | 'version' | 'plural'>): string {
  return [resource.plural, resource.version, resource.group].filter(Boolean).join('.');
}

/** `kopfexamples.kopf.dev`, `pods`: a resource across versions, as kubectl and RBAC name it. */
export function qualifiedName(resource: Pick<Resource, 'group' | 'plural'>): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

/** `kopf.dev/v1`, `v1`: the apiVersion of the resource's objects. */
export function apiVersionOf(resource: Pick<Resource, 'group' | 'version'>): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

function isEvents(resource: Resource): boolean {
  return resource.plural === 'events' && (resource.group === '' || resource.group === 'events.k8s.io');
}

function fromStrings(args: Array<string | typeof EVERYTHING>): SelectorSpec {
  const [first, second, third] = args;
  if (args.length === 3) {
    if (typeof first !== 'string' || typeof second !== 'string') throw new SelectorSyntaxError('a 3-part selector is group, version, name: the group and version must be strings');
    return { group: first, version: second, name: third };
  }
  if (args.length === 2) {
    if (typeof first !== 'string') throw new SelectorSyntaxError('EVERYTHING can only come last in a selector');
    if (first.includes('/')) {
      const slash = first.lastIndexOf('/');
      return { group: first.slice(0, slash), version: first.slice(slash + 1), name: second };
    }
    if (first === 'v1') return { group: '', version: 'v1', name: second };
    return { group: first, name: second };
  }
  if (typeof first !== 'string') return { name: first };
  const parts = first.split('.');
  if (parts.length >= 2 && versionPattern.test(parts[1])) {
    return { name: parts[0], version: parts[1], ...(parts.length >= 3 ? { group: parts.slice(2).join('.') } : {}) };
  }
  if (parts.length >= 2) return { name: parts[0], group: parts.slice(1).join('.') };
  return { name: first };
}

/**
 * A parsed selector. Build it with `ResourceSelector.of(...)` from the same
 * arguments `kopf.on.*` takes; match it against discovered resources.
 */
export class ResourceSelector {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly plural?: string;
  readonly singular?: string;
  readonly shortcut?: string;
  readonly category?: string;
  /** Matches kind, plural, singular or a short name; or `EVERYTHING`. */
  readonly name?: string | typeof EVERYTHING;
  readonly predicate?: ResourcePredicate;
  private readonly text: string;

  private constructor(spec: SelectorSpec, text: string) {
    Object.assign(this, Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)));
    this.text = text;
  }

  /** Parses Kopf's selector forms; throws `SelectorSyntaxError` for forms Kopf rejects too. */
  static of(...args: SelectorArgument[]): ResourceSelector {
    if (args.length === 0) throw new SelectorSyntaxError('a resource selector needs at least one argument');
    if (args.length > 3) throw new SelectorSyntaxError(`a resource selector takes at most 3 arguments, not ${args.length}`);
    const structured = args.find((a) => typeof a === 'function' || (typeof a === 'object' && a !== null));
    let spec: SelectorSpec;
    if (structured !== undefined) {
      if (args.length > 1) throw new SelectorSyntaxError('a predicate or an object selector must be the only argument');
      spec = typeof structured === 'function' ? { predicate: structured as ResourcePredicate } : { ...(structured as SelectorSpec) };
    } else spec = fromStrings(args as Array<string | typeof EVERYTHING>);

    const names = nameFields.filter((f) => spec[f] !== undefined);
    const naming = names.length + (spec.predicate ? 1 : 0);
    if (naming > 1) throw new SelectorSyntaxError(`a resource selector names one thing, not ${[...names, ...(spec.predicate ? ['predicate'] : [])].join(' and ')}`);
    if (naming < 1) throw new SelectorSyntaxError('a resource selector needs a name, a category, EVERYTHING or a predicate');
    for (const field of [...nameFields, 'version'] as const) {
      if (spec[field] === '') throw new SelectorSyntaxError(`the ${field} of a resource selector must not be empty`);
    }
    if (spec.predicate !== undefined && typeof spec.predicate !== 'function') throw new SelectorSyntaxError('the predicate of a resource selector must be a function');
    return new ResourceSelector(spec, describe(args));
  }

  /** True for selectors by one name (kind, plural, singular, short name): they must resolve to one resource. */
  get isSpecific(): boolean {
    return this.kind !== undefined || this.plural !== undefined || this.singular !== undefined || this.shortcut !== undefined || typeof this.name === 'string';
  }

  /** Whether one resource matches, on its own (without the core-group preference of `select`). */
  matches(resource: Resource): boolean {
    if (this.group !== undefined && this.group !== resource.group) return false;
    if (this.version !== undefined ? this.version !== resource.version : !resource.preferred && !this.predicate) return false;
    if (this.kind !== undefined && this.kind !== resource.kind) return false;
    if (this.plural !== undefined && this.plural !== resource.plural) return false;
    if (this.singular !== undefined && this.singular !== resource.singular) return false;
    if (this.shortcut !== undefined && !resource.shortNames.includes(this.shortcut)) return false;
    if (this.category !== undefined && !resource.categories.includes(this.category)) return false;
    if (this.name === EVERYTHING || this.predicate) {
      if (isEvents(resource)) return false;
      return this.predicate ? this.predicate(resource) : true;
    }
    if (typeof this.name === 'string') {
      const n = this.name;
      return n === resource.kind || n === resource.plural || n === resource.singular || resource.shortNames.includes(n);
    }
    return true;
  }

  /**
   * Every matching resource. For a selector by name, the core group wins
   * when it has a match (as in kubectl), so `pods` does not also pick up
   * `pods.metrics.k8s.io`.
   */
  select(resources: readonly Resource[]): Resource[] {
    const matching = resources.filter((r) => this.matches(r));
    if (!this.isSpecific) return matching;
    const core = matching.filter((r) => r.group === '');
    return core.length ? core : matching;
  }

  /**
   * The one resource a selector by name means. Throws `UnknownResourceError`
   * (with similar names as candidates) or `AmbiguousResourceError` (with the
   * matches as candidates).
   */
  resolve(resources: readonly Resource[]): Resource {
    if (!this.isSpecific) throw new SelectorSyntaxError(`${this} selects a set of resources, not one`);
    const selected = this.select(resources);
    if (selected.length === 1) return selected[0];
    if (selected.length > 1) throw new AmbiguousResourceError(this, selected);
    throw new UnknownResourceError(this, this.similar(resources));
  }

  /** Resources the user probably meant: the same name in any case, group or version, else a name a typo away. */
  private similar(resources: readonly Resource[]): Resource[] {
    const wanted = String(this.kind ?? this.plural ?? this.singular ?? this.shortcut ?? this.name).toLowerCase();
    const namesOf = (r: Resource) => [r.kind, r.plural, r.singular, ...r.shortNames].map((n) => n.toLowerCase());
    const preferred = resources.filter((r) => r.preferred || r.version === this.version);
    const sameName = resources.filter((r) => namesOf(r).includes(wanted));
    const close = sameName.length ? sameName : preferred.filter((r) => namesOf(r).some((n) => editDistance(n, wanted) <= 2));
    return close.slice(0, 10);
  }

  /** The selector as the user wrote it, quoted: `"kopfexamples.kopf.dev"`, `"kopf.dev", "v1", "kopfexamples"`. */
  toString(): string {
    return this.text;
  }
}

function describe(args: SelectorArgument[]): string {
  return args
    .map((a) => {
      if (a === EVERYTHING) return 'EVERYTHING';
      if (typeof a === 'function') return `predicate ${a.name || '(anonymous)'}`;
      if (typeof a === 'object') {
        const fields = Object.entries(a)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}: ${v === EVERYTHING ? 'EVERYTHING' : typeof v === 'function' ? 'fn' : JSON.stringify(v)}`);
        return `{ ${fields.join(', ')} }`;
      }
      return JSON.stringify(a);
    })
    .join(', ');
}

/** Levenshtein distance, for "did you mean" hints on short names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
