import { compareElements, decodeElement, encodeElement, type FieldPath, type PathElement } from './path-element.ts';

/** The `{}` that marks a member in a `fieldsV1` document. */
const memberLeaf: Readonly<Record<string, never>> = Object.freeze({});

interface Child {
  element: PathElement;
  set: FieldSet;
}

function sortedByElement<T>(entries: Iterable<T>, element: (entry: T) => PathElement): T[] {
  return [...entries].sort((a, b) => compareElements(element(a), element(b)));
}

/**
 * A set of field paths, kept as a tree the way `fieldsV1` writes it: at each
 * level the paths that end there (members) and the subtrees below (children).
 * A path can be both a member and have children, e.g. an associative list item
 * that a manager owns along with some of its fields. Operations return new sets.
 */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  /** A set holding the given paths. */
  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Reads a `fieldsV1` document; throws when it is not one. */
  static fromFieldsV1(document: unknown): FieldSet {
    const set = new FieldSet();
    if (!document || typeof document !== 'object' || Array.isArray(document)) throw new Error('fieldsV1 must be an object');
    for (const [text, below] of Object.entries(document as Record<string, unknown>)) {
      if (text === '.') continue;
      const element = decodeElement(text);
      const child = FieldSet.fromFieldsV1(below);
      const marked = Object.hasOwn(below as object, '.');
      if (child.empty || marked) set.members.set(text, element);
      if (!child.empty) set.children.set(text, { element, set: child });
    }
    return set;
  }

  /** Adds a path; the empty path (the root) is never a member. */
  insert(path: FieldPath): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (const element of path.slice(0, -1)) {
      const text = encodeElement(element);
      let child = node.children.get(text);
      if (!child) {
        child = { element, set: new FieldSet() };
        node.children.set(text, child);
      }
      node = child.set;
    }
    const last = path[path.length - 1];
    node.members.set(encodeElement(last), last);
  }

  /** Whether the path is a member. */
  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const parent = this.at(path.slice(0, -1));
    return parent !== undefined && parent.members.has(encodeElement(path[path.length - 1]));
  }

  /** The subtree below a path, if any path of the set goes through it. */
  at(path: FieldPath): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const element of path) {
      node = node.children.get(encodeElement(element))?.set;
      if (!node) return undefined;
    }
    return node;
  }

  /** Whether one level's element is a member here. */
  hasMember(element: PathElement): boolean {
    return this.members.has(encodeElement(element));
  }

  /** The subtree below one element of this level. */
  child(element: PathElement): FieldSet | undefined {
    return this.children.get(encodeElement(element))?.set;
  }

  /** The members of this level. */
  memberElements(): PathElement[] {
    return [...this.members.values()];
  }

  /** The child subtrees of this level, with their elements. */
  childEntries(): Array<{ element: PathElement; set: FieldSet }> {
    return [...this.children.values()];
  }

  get empty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  union(other: FieldSet): FieldSet {
    const result = this.copy();
    for (const [text, element] of other.members) result.members.set(text, element);
    for (const [text, child] of other.children) {
      const mine = result.children.get(text);
      result.children.set(text, { element: child.element, set: mine ? mine.set.union(child.set) : child.set.copy() });
    }
    return result;
  }

  difference(other: FieldSet): FieldSet {
    const result = new FieldSet();
    for (const [text, element] of this.members) if (!other.members.has(text)) result.members.set(text, element);
    for (const [text, child] of this.children) {
      const theirs = other.children.get(text);
      const rest = theirs ? child.set.difference(theirs.set) : child.set.copy();
      if (!rest.empty) result.children.set(text, { element: child.element, set: rest });
    }
    return result;
  }

  intersection(other: FieldSet): FieldSet {
    const result = new FieldSet();
    for (const [text, element] of this.members) if (other.members.has(text)) result.members.set(text, element);
    for (const [text, child] of this.children) {
      const theirs = other.children.get(text);
      if (!theirs) continue;
      const common = child.set.intersection(theirs.set);
      if (!common.empty) result.children.set(text, { element: child.element, set: common });
    }
    return result;
  }

  /** The set without a path and everything below it. */
  without(path: FieldPath): FieldSet {
    if (path.length === 0) return new FieldSet();
    const result = this.copy();
    const [first, ...rest] = path;
    const text = encodeElement(first);
    if (rest.length === 0) {
      result.members.delete(text);
      result.children.delete(text);
      return result;
    }
    const child = result.children.get(text);
    if (child) {
      const trimmed = child.set.without(rest);
      if (trimmed.empty) result.children.delete(text);
      else result.children.set(text, { element: child.element, set: trimmed });
    }
    return result;
  }

  /**
   * Every member path in upstream's order: at each level the members first,
   * sorted, then each child subtree in sorted order.
   */
  paths(prefix: FieldPath = []): FieldPath[] {
    const result: FieldPath[] = [];
    for (const element of sortedByElement(this.members.values(), (e) => e)) result.push([...prefix, element]);
    for (const child of sortedByElement(this.children.values(), (c) => c.element)) {
      result.push(...child.set.paths([...prefix, child.element]));
    }
    return result;
  }

  /**
   * The `fieldsV1` document: `{}` for a member, `.` marking a member that also
   * has children. Every `{}` is one shared frozen object: stored objects keep
   * these documents, and most of their nodes are such leaves.
   */
  toFieldsV1(): Record<string, unknown> {
    const texts = new Map<string, PathElement>([...this.members, ...[...this.children].map(([text, child]) => [text, child.element] as const)]);
    const document: Record<string, unknown> = {};
    for (const [text] of sortedByElement(texts, ([, element]) => element)) {
      const child = this.children.get(text);
      if (!child) {
        document[text] = memberLeaf;
        continue;
      }
      const below = child.set.toFieldsV1();
      document[text] = this.members.has(text) ? { '.': memberLeaf, ...below } : below;
    }
    return document;
  }

  private copy(): FieldSet {
    const result = new FieldSet();
    for (const [text, element] of this.members) result.members.set(text, element);
    for (const [text, child] of this.children) result.children.set(text, { element: child.element, set: child.set.copy() });
    return result;
  }
}
