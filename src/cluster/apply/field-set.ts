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
 * that a manager owns along with some of its fields.
 *
 * A set is built with `insert` and never changes afterwards: operations
 * return new sets, which share the subtrees they keep unchanged (and answer
 * an operand itself when the result equals it). Managers are recomputed on
 * every write, so most of their sets come out unchanged and are not copied.
 */
export class FieldSet {
  // Made on first use: most levels have only members or only children.
  private members?: Map<string, PathElement>;
  private children?: Map<string, Child>;
  /** This set's `fieldsV1` document, once written. */
  private document?: Readonly<Record<string, unknown>>;

  /** A set holding the given paths. */
  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Reads a `fieldsV1` document; throws when it is not one. */
  static fromFieldsV1(document: unknown): FieldSet {
    if (!document || typeof document !== 'object' || Array.isArray(document)) throw new Error('fieldsV1 must be an object');
    const set = new FieldSet();
    for (const [text, below] of Object.entries(document as Record<string, unknown>)) {
      if (text === '.') continue;
      const element = decodeElement(text);
      const child = FieldSet.fromFieldsV1(below);
      const marked = Object.hasOwn(below as object, '.');
      if (child.empty || marked) set.memberMap().set(text, element);
      if (!child.empty) set.childMap().set(text, { element, set: child });
    }
    // A document this code wrote (frozen) is the set's own, unless it is a member's with `.` (the parent's mark):
    // written back unchanged, the set is the same document.
    if (Object.isFrozen(document) && !Object.hasOwn(document, '.')) set.document = document as Readonly<Record<string, unknown>>;
    return set;
  }

  /** Adds a path while the set is being built; the empty path (the root) is never a member. */
  insert(path: FieldPath): void {
    this.insertEncoded(path, path.map(encodeElement));
  }

  /** `insert` of a path whose elements the caller has encoded already (`texts[i]` spells `path[i]`). */
  insertEncoded(path: FieldPath, texts: readonly string[]): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const element = path[i];
      const text = texts[i];
      const children = node.childMap();
      let child = children.get(text);
      if (!child) {
        child = { element, set: new FieldSet() };
        children.set(text, child);
      }
      node = child.set;
    }
    node.memberMap().set(texts[path.length - 1], path[path.length - 1]);
  }

  /** Whether the path is a member. */
  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const parent = this.at(path.slice(0, -1));
    return parent?.members?.has(encodeElement(path[path.length - 1])) === true;
  }

  /** Whether every path of the set is a member in a `fieldsV1` document. */
  isWithin(document: Readonly<Record<string, unknown>>): boolean {
    if (this.members) {
      for (const text of this.members.keys()) {
        const below = Object.hasOwn(document, text) ? (document[text] as Record<string, unknown>) : undefined;
        // A member is `{}`, or `.` among its children.
        if (!below || typeof below !== 'object' || !(Object.hasOwn(below, '.') || Object.keys(below).length === 0)) return false;
      }
    }
    if (this.children) {
      for (const [text, child] of this.children) {
        const below = Object.hasOwn(document, text) ? document[text] : undefined;
        if (!below || typeof below !== 'object' || !child.set.isWithin(below as Record<string, unknown>)) return false;
      }
    }
    return true;
  }

  /** The subtree below a path, if any path of the set goes through it. */
  at(path: FieldPath): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const element of path) {
      node = node.children?.get(encodeElement(element))?.set;
      if (!node) return undefined;
    }
    return node;
  }

  /** Whether one level's element is a member here. */
  hasMember(element: PathElement): boolean {
    return this.hasMemberText(encodeElement(element));
  }

  /** The subtree below one element of this level. */
  child(element: PathElement): FieldSet | undefined {
    return this.childByText(encodeElement(element));
  }

  /** `child` of an element given as `fieldsV1` spells it. */
  childByText(text: string): FieldSet | undefined {
    return this.children?.get(text)?.set;
  }

  /** Whether an element, given as `fieldsV1` spells it, is a member of this level. */
  hasMemberText(text: string): boolean {
    return this.members?.has(text) === true;
  }

  /** The members of this level. */
  memberElements(): PathElement[] {
    return this.members ? [...this.members.values()] : [];
  }

  /** The child subtrees of this level, with their elements. */
  childEntries(): Array<{ element: PathElement; set: FieldSet }> {
    return this.children ? [...this.children.values()] : [];
  }

  get empty(): boolean {
    return !this.members?.size && !this.children?.size;
  }

  /** Whether both sets hold the same paths. */
  equals(other: FieldSet): boolean {
    if (other === this) return true;
    if ((this.members?.size ?? 0) !== (other.members?.size ?? 0) || (this.children?.size ?? 0) !== (other.children?.size ?? 0)) return false;
    if (this.members) for (const text of this.members.keys()) if (!other.members!.has(text)) return false;
    if (this.children) {
      for (const [text, child] of this.children) {
        const theirs = other.children!.get(text);
        if (!theirs || !child.set.equals(theirs.set)) return false;
      }
    }
    return true;
  }

  union(other: FieldSet): FieldSet {
    if (other.empty || other === this) return this;
    if (this.empty) return other;
    let result: FieldSet | undefined;
    if (other.members) {
      for (const [text, element] of other.members) if (!this.members?.has(text)) (result ??= this.shallowCopy()).memberMap().set(text, element);
    }
    if (other.children) {
      for (const [text, child] of other.children) {
        const mine = this.children?.get(text);
        const merged = mine ? mine.set.union(child.set) : child.set;
        if (merged !== mine?.set) (result ??= this.shallowCopy()).childMap().set(text, { element: child.element, set: merged });
      }
    }
    return result ?? this;
  }

  difference(other: FieldSet): FieldSet {
    if (this.empty || other.empty) return this;
    if (other === this) return new FieldSet();
    let result: FieldSet | undefined;
    if (this.members && other.members) {
      for (const text of this.members.keys()) if (other.members.has(text)) (result ??= this.shallowCopy()).members!.delete(text);
    }
    if (this.children && other.children) {
      for (const [text, child] of this.children) {
        const theirs = other.children.get(text);
        const rest = theirs ? child.set.difference(theirs.set) : child.set;
        if (rest === child.set) continue;
        result ??= this.shallowCopy();
        if (rest.empty) result.children!.delete(text);
        else result.children!.set(text, { element: child.element, set: rest });
      }
    }
    return result ?? this;
  }

  intersection(other: FieldSet): FieldSet {
    const result = new FieldSet();
    if (this.members && other.members) {
      for (const [text, element] of this.members) if (other.members.has(text)) result.memberMap().set(text, element);
    }
    if (this.children && other.children) {
      for (const [text, child] of this.children) {
        const theirs = other.children.get(text);
        if (!theirs) continue;
        const common = child.set.intersection(theirs.set);
        if (!common.empty) result.childMap().set(text, { element: child.element, set: common });
      }
    }
    return result;
  }

  /** The set without a path and everything below it. */
  without(path: FieldPath): FieldSet {
    if (path.length === 0) return new FieldSet();
    const text = encodeElement(path[0]);
    const child = this.children?.get(text);
    if (path.length === 1) {
      if (!this.members?.has(text) && !child) return this;
      const result = this.shallowCopy();
      result.members?.delete(text);
      result.children?.delete(text);
      return result;
    }
    if (!child) return this;
    const trimmed = child.set.without(path.slice(1));
    if (trimmed === child.set) return this;
    const result = this.shallowCopy();
    if (trimmed.empty) result.children!.delete(text);
    else result.children!.set(text, { element: child.element, set: trimmed });
    return result;
  }

  /**
   * Every member path in upstream's order: at each level the members first,
   * sorted, then each child subtree in sorted order.
   */
  paths(prefix: FieldPath = []): FieldPath[] {
    const result: FieldPath[] = [];
    for (const element of sortedByElement(this.members?.values() ?? [], (e) => e)) result.push([...prefix, element]);
    for (const child of sortedByElement(this.children?.values() ?? [], (c) => c.element)) {
      result.push(...child.set.paths([...prefix, child.element]));
    }
    return result;
  }

  /**
   * The `fieldsV1` document: `{}` for a member, `.` marking a member that also
   * has children. It is frozen and written once per set; a set read from such
   * a document answers that document, so a manager unchanged by a write keeps
   * its document, shared by the object's versions. Every `{}` is one shared
   * object, as most nodes are such leaves.
   */
  toFieldsV1(): Readonly<Record<string, unknown>> {
    if (this.document) return this.document;
    const entries: Array<[string, PathElement]> = this.members ? [...this.members] : [];
    if (this.children) for (const [text, child] of this.children) if (!this.members?.has(text)) entries.push([text, child.element]);
    if (entries.length > 1) entries.sort((a, b) => compareElements(a[1], b[1]));
    const document: Record<string, unknown> = {};
    for (const [text] of entries) {
      const child = this.children?.get(text);
      if (!child) {
        document[text] = memberLeaf;
        continue;
      }
      const below = child.set.toFieldsV1();
      document[text] = this.members?.has(text) ? Object.freeze({ '.': memberLeaf, ...below }) : below;
    }
    this.document = Object.freeze(document);
    return this.document;
  }

  private memberMap(): Map<string, PathElement> {
    return (this.members ??= new Map());
  }

  private childMap(): Map<string, Child> {
    return (this.children ??= new Map());
  }

  /** A new set with this level's maps copied and the subtrees shared. */
  private shallowCopy(): FieldSet {
    const result = new FieldSet();
    if (this.members) result.members = new Map(this.members);
    if (this.children) result.children = new Map(this.children);
    return result;
  }
}
