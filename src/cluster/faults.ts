/**
 * Fault injection for the embedded cluster: the failures a real cluster
 * shows now and then (cut watch streams, expired resourceVersions, throttling,
 * server errors, conflicts, latency), on demand and deterministic, so the
 * framework's reliability can be tested. Random choices come from a seeded
 * generator: the same seed and the same requests fail the same way.
 */

export interface FaultSettings {
  /** Cut every watch stream after this many events. */
  cutWatchesEvery?: number;
  /** Answer the next N watch requests with a 410 Expired ERROR event. */
  expireNextWatches?: number;
  /** Answer the next N requests with 429 and this Retry-After. */
  throttleNext?: number;
  retryAfterSeconds?: number;
  /** Fail this fraction (0–1) of non-watch requests with `errorCode`. */
  errorRate?: number;
  errorCode?: 500 | 503;
  /** Answer the next N writes (POST/PUT/PATCH/DELETE) with 409 Conflict. */
  conflictNextWrites?: number;
  /** Added latency per request, in milliseconds. */
  latencyMs?: number;
  /** Seed of the random choices (errorRate). */
  seed?: number;
}

/** What the server should do to one request, as decided by the active faults. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'error'; code: 500 | 503 }
  | { kind: 'conflict' }
  | { kind: 'expire' };

/** A small deterministic PRNG (mulberry32): enough for reproducible fault patterns. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private settings: FaultSettings = {};
  private random = generator(1);
  private readonly cutters = new Set<() => void>();
  private compactor: () => void = () => {};

  /** Sets (merges) fault settings; `reset()` clears them. */
  set(settings: FaultSettings): void {
    this.settings = { ...this.settings, ...settings };
    if (settings.seed !== undefined) this.random = generator(settings.seed);
  }

  reset(): void {
    this.settings = {};
    this.random = generator(1);
  }

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** Closes every open watch stream now. */
  cutWatches(): void {
    for (const cut of [...this.cutters]) cut();
  }

  /** Forgets the watch history now: resuming from any earlier resourceVersion gets 410. */
  compactHistory(): void {
    this.compactor();
  }

  /** Wiring for the server: how to cut watches and compact history. */
  attach(compactor: () => void): void {
    this.compactor = compactor;
  }

  registerWatch(cut: () => void): () => void {
    this.cutters.add(cut);
    return () => this.cutters.delete(cut);
  }

  get latencyMs(): number {
    return this.settings.latencyMs ?? 0;
  }

  get cutWatchesEvery(): number | undefined {
    return this.settings.cutWatchesEvery;
  }

  /** Decides the fate of one request; counters are consumed as faults fire. */
  decide(request: { watch: boolean; write: boolean }): FaultDecision {
    const s = this.settings;
    if (s.throttleNext && s.throttleNext > 0) {
      s.throttleNext--;
      return { kind: 'throttle', retryAfterSeconds: s.retryAfterSeconds ?? 1 };
    }
    if (request.watch && s.expireNextWatches && s.expireNextWatches > 0) {
      s.expireNextWatches--;
      return { kind: 'expire' };
    }
    if (request.write && s.conflictNextWrites && s.conflictNextWrites > 0) {
      s.conflictNextWrites--;
      return { kind: 'conflict' };
    }
    if (!request.watch && s.errorRate && this.random() < s.errorRate) return { kind: 'error', code: s.errorCode ?? 500 };
    return { kind: 'none' };
  }
}
