/**
 * What a watch remembers of the objects it has reported: per object only its
 * uid and last resourceVersion, keyed by `namespace/name`. That is enough to
 * compare a relist against what was known — which objects are new, which
 * changed, which vanished while the stream was down — at a few dozen bytes per
 * object instead of a full copy (a watch over 10 000 objects must stay small).
 */
import { objectKey, type ObjectEvent, type WatchedMetadata, type WatchedObject, type WatchEvent } from './watch-event.ts';

/** The identity and version of one reported object. */
export interface KnownObject {
  readonly uid: string;
  readonly resourceVersion: string;
}

/** Builds the stub object of a synthesized DELETED from the identity the watch remembers. */
export type StubBuilder = (metadata: WatchedMetadata) => WatchedObject;

function knownOf(object: WatchedObject): KnownObject {
  return { uid: object.metadata?.uid ?? '', resourceVersion: object.metadata?.resourceVersion ?? '' };
}

function metadataOf(key: string, known: KnownObject): WatchedMetadata {
  const slash = key.indexOf('/');
  const identity = slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
  return { ...identity, uid: known.uid, resourceVersion: known.resourceVersion };
}

/** The objects a watch has reported and not seen deleted. */
export class KnownObjects {
  private readonly objects = new Map<string, KnownObject>();

  /**
   * Records a live watch event. Answers false for an ADDED or MODIFIED that
   * repeats the known version of the same object, which the consumer has
   * already seen.
   */
  observe(type: ObjectEvent['type'], object: WatchedObject): boolean {
    const key = objectKey(object);
    if (type === 'DELETED') {
      this.objects.delete(key);
      return true;
    }
    const known = this.objects.get(key);
    const next = knownOf(object);
    if (known && known.uid === next.uid && known.resourceVersion === next.resourceVersion) return false;
    this.objects.set(key, next);
    return true;
  }

  /** Starts comparing a fresh listing against what is known. */
  startRelist(stub: StubBuilder): Relist {
    return new Relist(this.objects, stub);
  }
}

/**
 * One listing compared against the known objects, item by item as pages or
 * initial events arrive; `finish()` then names what the listing lacked. The
 * known objects are updated as it goes, so an interrupted relist leaves them
 * true to what the consumer was told.
 */
export class Relist {
  private readonly seen = new Set<string>();
  /**
   * Nothing was known when the listing began (the first listing): nothing can
   * have vanished, so there is no need to remember what was seen.
   */
  private readonly first: boolean;

  constructor(
    private readonly objects: Map<string, KnownObject>,
    private readonly stub: StubBuilder,
  ) {
    this.first = objects.size === 0;
  }

  /**
   * Takes one listed object and appends what it means to `out`: ADDED when
   * it is new, MODIFIED when its version changed, nothing when it is as known.
   * An object recreated under the same name (another uid) is reported as
   * DELETED (a stub of the old one), then ADDED.
   */
  take(object: WatchedObject, initial: boolean, out: WatchEvent[]): void {
    const key = objectKey(object);
    if (!this.first) this.seen.add(key);
    const known = this.objects.get(key);
    const next = knownOf(object);
    this.objects.set(key, next);
    if (!known) out.push(initial ? { type: 'ADDED', object, initial: true } : { type: 'ADDED', object });
    else if (known.uid !== next.uid) {
      out.push({ type: 'DELETED', object: this.stub(metadataOf(key, known)), synthesized: true }, { type: 'ADDED', object });
    } else if (known.resourceVersion !== next.resourceVersion) out.push({ type: 'MODIFIED', object });
  }

  /**
   * Ends the listing: forgets the known objects it did not contain and
   * appends a synthesized DELETED for each to `out`.
   */
  finish(out: WatchEvent[]): void {
    if (this.first) return;
    for (const [key, known] of this.objects) {
      if (this.seen.has(key)) continue;
      this.objects.delete(key);
      out.push({ type: 'DELETED', object: this.stub(metadataOf(key, known)), synthesized: true });
    }
    this.seen.clear();
  }
}
