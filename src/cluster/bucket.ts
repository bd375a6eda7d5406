import type { KubeObject } from './resource-type.ts';

/** Storage keys compare bytewise, as etcd orders them. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A run of a bucket's keys in storage order: `keys[start]` up to, not including, `keys[end]`. */
export interface KeyRange {
  readonly keys: readonly string[];
  readonly start: number;
  readonly end: number;
}

/**
 * One storage bucket (a resource's objects): the objects by key, and their
 * keys in storage order for lists. A list, or a page of one, then costs a
 * binary search rather than a sort of the whole bucket: paging through a
 * large collection (clients list in pages of 500) would otherwise sort it
 * once per page.
 *
 * The order is kept lazily: a write only notes the key it added or that it
 * removed one, and the next read merges the new keys in. Writes stay O(1),
 * and a bucket nobody lists still merges now and then, so that the keys of
 * objects since deleted are not held forever.
 */
export class Bucket {
  readonly objects = new Map<string, KubeObject>();
  /** Keys in storage order as of the last merge; may still hold keys removed since. */
  private sorted: string[] = [];
  /** Keys created since the last merge, in write order, possibly removed again since. */
  private added: string[] = [];
  private removals = 0;

  set(key: string, object: KubeObject): void {
    const size = this.objects.size;
    this.objects.set(key, object);
    if (this.objects.size === size) return;
    this.added.push(key);
    this.mergeIfPiledUp();
  }

  delete(key: string): void {
    if (!this.objects.delete(key)) return;
    this.removals++;
    this.mergeIfPiledUp();
  }

  /** The keys within `namespace` (all keys when absent) after `afterKey`, in storage order. */
  range(namespace?: string, afterKey?: string): KeyRange {
    const keys = this.orderedKeys();
    // A namespace's keys run from `ns/` up to `ns0`: '0' is the character after '/'.
    let start = namespace === undefined ? 0 : firstAtOrAfter(keys, `${namespace}/`);
    const end = namespace === undefined ? keys.length : firstAtOrAfter(keys, `${namespace}0`);
    if (afterKey !== undefined) start = Math.max(start, firstAfter(keys, afterKey));
    return { keys, start, end: Math.max(start, end) };
  }

  /** Merging costs O(n): done once as many changes as keys piled up, it is O(1) per write. */
  private mergeIfPiledUp(): void {
    if (this.added.length + this.removals > Math.max(1024, this.sorted.length)) this.orderedKeys();
  }

  private orderedKeys(): readonly string[] {
    if (this.added.length === 0 && this.removals === 0) return this.sorted;
    const present = (key: string) => this.objects.has(key);
    const kept = this.removals > 0 ? this.sorted.filter(present) : this.sorted;
    const added = dropRepeats(this.added.filter(present).sort(compareKeys));
    this.sorted = mergeDistinct(kept, added);
    this.added = [];
    this.removals = 0;
    return this.sorted;
  }
}

/**
 * Two sorted lists of distinct keys as one, each key once (a key removed and
 * created again is in both). The new keys are few next to the bucket's: each
 * finds its place by binary search, and the keys between are copied without
 * comparing them.
 */
export function mergeDistinct(a: string[], b: readonly string[]): string[] {
  if (b.length === 0) return a;
  if (a.length === 0 || a[a.length - 1] < b[0]) return a.concat(b);
  const merged: string[] = [];
  let copied = 0;
  for (const key of b) {
    const at = firstAtOrAfter(a, key, copied);
    while (copied < at) merged.push(a[copied++]);
    if (a[at] !== key) merged.push(key);
  }
  while (copied < a.length) merged.push(a[copied++]);
  return merged;
}

/** A sorted list without its repeated keys (a key created, removed and created again is noted twice). */
function dropRepeats(sorted: string[]): string[] {
  return sorted.filter((key, i) => i === 0 || sorted[i - 1] !== key);
}

/** The index of the first key ≥ `key`, looking from `lo` on. */
function firstAtOrAfter(keys: readonly string[], key: string, lo = 0): number {
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first key > `key`. */
function firstAfter(keys: readonly string[], key: string): number {
  const at = firstAtOrAfter(keys, key);
  return keys[at] === key ? at + 1 : at;
}
