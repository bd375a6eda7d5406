/**
 * In-memory indexes (`kopf.on.index`): each index handler maps every object it matches to keys and
 * values, and every handler of the operator reads the result as `indexes.<id>` — a read-only map from
 * key to the store of values the objects gave for it. An object's values are replaced when it is
 * indexed again, and removed when it is deleted, stops matching, or its indexer fails.
 *
 * Other handlers wait until the indexes are complete: every indexed resource listed and each listed
 * object indexed once (`IndexReadiness`).
 */
import { jsonEqual } from '../core/json.ts';
import type { Index, Indexes, Store } from '../registry/context.ts';

/** The values that objects stored under one key; compared by value. */
class ValueStore implements Store {
  readonly #values = new Map<string, unknown>();

  get size(): number {
    return this.#values.size;
  }

  has(value: unknown): boolean {
    for (const stored of this.#values.values()) if (jsonEqual(stored, value)) return true;
    return false;
  }

  [Symbol.iterator](): Iterator<unknown> {
    return this.#values.values();
  }

  set(objectKey: string, value: unknown): void {
    this.#values.set(objectKey, value);
  }

  delete(objectKey: string): void {
    this.#values.delete(objectKey);
  }
}

/** The entries an index handler's result contributes: an object's or a Map's entries; any other value under `null`. */
export function indexEntries(result: unknown): Map<unknown, unknown> {
  if (result instanceof Map) return new Map(result);
  if (result !== null && typeof result === 'object' && !Array.isArray(result)) return new Map(Object.entries(result));
  return new Map([[null, result]]);
}

/** One index: keys to the stores of values contributed by objects. */
export class ObjectIndex implements Index {
  readonly #stores = new Map<unknown, ValueStore>();
  readonly #contributions = new Map<string, Map<unknown, unknown>>();

  /** Replaces everything an object contributed; `undefined` removes it all. */
  replace(objectKey: string, entries: Map<unknown, unknown> | undefined): void {
    for (const key of this.#contributions.get(objectKey)?.keys() ?? []) {
      const store = this.#stores.get(key);
      store?.delete(objectKey);
      if (store && store.size === 0) this.#stores.delete(key);
    }
    this.#contributions.delete(objectKey);
    if (!entries?.size) return;
    this.#contributions.set(objectKey, entries);
    for (const [key, value] of entries) {
      let store = this.#stores.get(key);
      if (!store) this.#stores.set(key, (store = new ValueStore()));
      store.set(objectKey, value);
    }
  }

  get size(): number {
    return this.#stores.size;
  }

  get(key: unknown): Store | undefined {
    return this.#stores.get(key);
  }

  has(key: unknown): boolean {
    return this.#stores.has(key);
  }

  forEach(callback: (value: Store, key: unknown, map: ReadonlyMap<unknown, Store>) => void, thisArg?: unknown): void {
    for (const [key, store] of this.#stores) callback.call(thisArg, store, key, this);
  }

  keys(): MapIterator<unknown> {
    return this.#stores.keys();
  }

  values(): MapIterator<Store> {
    return this.#stores.values();
  }

  entries(): MapIterator<[unknown, Store]> {
    return this.#stores.entries();
  }

  [Symbol.iterator](): MapIterator<[unknown, Store]> {
    return this.#stores.entries();
  }
}

/** Every index of an operator, by handler id, created empty at start. */
export function createIndexes(ids: Iterable<string>): Indexes & Record<string, ObjectIndex> {
  return Object.freeze(Object.fromEntries([...ids].map((id) => [id, new ObjectIndex()])));
}

/**
 * Whether the indexes are complete. Each watcher of an indexed resource holds a token until its initial
 * listing is indexed; `seal()` says no more tokens come from the start-up.
 */
export class IndexReadiness {
  readonly #pending = new Set<object>();
  #sealed = false;
  #resolve!: () => void;
  /** Resolves once sealed with no pending token. */
  readonly ready: Promise<void> = new Promise((resolve) => (this.#resolve = resolve));

  get isReady(): boolean {
    return this.#sealed && this.#pending.size === 0;
  }

  /** A token; call the returned function when its part is complete. */
  expect(): () => void {
    const token = {};
    this.#pending.add(token);
    return () => {
      this.#pending.delete(token);
      this.#check();
    };
  }

  seal(): void {
    this.#sealed = true;
    this.#check();
  }

  #check(): void {
    if (this.isReady) this.#resolve();
  }
}
