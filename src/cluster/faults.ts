/**
 * Fault injection for the embedded cluster: the failures a real cluster
 * shows now and then (cut watch streams, expired resourceVersions, throttling,
 * server errors, conflicts, latency), on demand and deterministic, so the
 * framework's reliability can be tested. Random choices come from a seeded
 * generator: the same seed and the same requests fail the same way.
 */
import { badRequest } from './errors.ts';

/** The standing faults; counters ("next N") count down as the faults fire. */
export interface FaultSettings {
  /** Cut every watch stream (open or future) once it has sent this many events. */
  cutWatchesAfterEvents?: number;
  /** Answer the next N watch requests with one 410 Expired ERROR event. */
  expireNextWatches?: number;
  /** Answer the next N API requests with 429 TooManyRequests. */
  throttleNextRequests?: number;
  /** The Retry-After of those 429s, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Fail this fraction (0–1) of API requests other than watches with `errorCode`. */
  errorRate?: number;
  /** 500 (default) or 503. */
  errorCode?: 500 | 503;
  /** Answer the next N writes (create, update, patch, delete) with 409 Conflict. */
  conflictNextWrites?: number;
  /** Delay every request by this many milliseconds. */
  latencyMs?: number;
  /** Seed of the random choices of `errorRate`; setting it restarts the sequence. */
  seed?: number;
}

/** What the server should do to one API request, as the active faults decide. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'error'; code: 500 | 503 }
  | { kind: 'conflict' }
  | { kind: 'expire' };

/** The body of `POST /_kopf/faults`: settings to merge, plus one-off actions. */
export interface FaultRequest {
  settings: FaultSettings;
  cutWatches: boolean;
  compactHistory: boolean;
}

const defaultSeed = 1;

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

const countFields = ['cutWatchesAfterEvents', 'expireNextWatches', 'throttleNextRequests', 'retryAfterSeconds', 'conflictNextWrites', 'latencyMs'] as const;

/** Checks settings from a caller (in-process or HTTP), answering 400 with the first problem. */
function checkSettings(settings: Record<string, unknown>): FaultSettings {
  const known = new Set<string>([...countFields, 'errorRate', 'errorCode', 'seed']);
  for (const [name, value] of Object.entries(settings)) {
    if (!known.has(name)) throw badRequest(`unknown fault setting "${name}"`);
    if (value === undefined) continue;
    const isCount = (countFields as readonly string[]).includes(name) || name === 'seed';
    if (isCount && !(Number.isInteger(value) && (value as number) >= 0)) {
      throw badRequest(`fault setting "${name}" must be a non-negative integer, not ${JSON.stringify(value)}`);
    }
    if (name === 'errorRate' && !(typeof value === 'number' && value >= 0 && value <= 1)) {
      throw badRequest(`fault setting "errorRate" must be a number from 0 to 1, not ${JSON.stringify(value)}`);
    }
    if (name === 'errorCode' && value !== 500 && value !== 503) {
      throw badRequest(`fault setting "errorCode" must be 500 or 503, not ${JSON.stringify(value)}`);
    }
  }
  return settings as FaultSettings;
}

/** Reads the JSON body of `POST /_kopf/faults`: settings plus `cutWatches` and `compactHistory` actions. */
export function parseFaultRequest(text: string): FaultRequest {
  let body: unknown;
  try {
    body = JSON.parse(text || '{}');
  } catch (e) {
    throw badRequest(`the fault request is not JSON: ${(e as Error).message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the fault request must be a JSON object');
  const { cutWatches = false, compactHistory = false, ...settings } = body as Record<string, unknown>;
  if (typeof cutWatches !== 'boolean' || typeof compactHistory !== 'boolean') {
    throw badRequest('"cutWatches" and "compactHistory" must be booleans');
  }
  return { settings: checkSettings(settings), cutWatches, compactHistory };
}

/**
 * The fault switchboard of one embedded cluster (`cluster.faults`), also
 * reachable over HTTP at `/_kopf/faults`. The server asks `decide()` about
 * every API request; watches register so they can be cut.
 */
export class Faults {
  private settings: FaultSettings = {};
  private random = generator(defaultSeed);
  private readonly cutters = new Set<() => void>();
  private compactor: () => void = () => {};

  /** Merges fault settings into the standing ones; `reset()` clears them. Throws on invalid values. */
  set(settings: FaultSettings): void {
    const checked = checkSettings({ ...settings });
    this.settings = { ...this.settings, ...checked };
    if (checked.seed !== undefined) this.random = generator(checked.seed);
  }

  /** Clears every fault and restarts the random sequence from the default seed. */
  reset(): void {
    this.settings = {};
    this.random = generator(defaultSeed);
  }

  /** A copy of the standing settings, counters as they stand now. */
  get current(): FaultSettings {
    return { ...this.settings };
  }

  /** Closes every open watch stream now (cleanly, as a server restart would). */
  cutWatches(): void {
    for (const cut of [...this.cutters]) cut();
  }

  /** Forgets the change history now: watches and continue tokens from any earlier resourceVersion get 410. */
  compactHistory(): void {
    this.compactor();
  }

  /** Wiring for the cluster: how to compact history. */
  attach(compactor: () => void): void {
    this.compactor = compactor;
  }

  /** Wiring for the server: an open watch and how to cut it; answers the function that unregisters it. */
  registerWatch(cut: () => void): () => void {
    this.cutters.add(cut);
    return () => this.cutters.delete(cut);
  }

  get latencyMs(): number {
    return this.settings.latencyMs ?? 0;
  }

  get cutWatchesAfterEvents(): number | undefined {
    return this.settings.cutWatchesAfterEvents;
  }

  /**
   * Decides the fate of one API request, consuming counters as faults fire:
   * throttling first, then an expired watch, a conflicting write, and last the
   * seeded random error (drawn only for requests other than watches, so that
   * reconnecting watches do not shift the pattern).
   */
  decide(request: { watch: boolean; write: boolean }): FaultDecision {
    const s = this.settings;
    if (s.throttleNextRequests) {
      s.throttleNextRequests--;
      return { kind: 'throttle', retryAfterSeconds: s.retryAfterSeconds ?? 1 };
    }
    if (request.watch && s.expireNextWatches) {
      s.expireNextWatches--;
      return { kind: 'expire' };
    }
    if (request.write && s.conflictNextWrites) {
      s.conflictNextWrites--;
      return { kind: 'conflict' };
    }
    if (!request.watch && s.errorRate && this.random() < s.errorRate) return { kind: 'error', code: s.errorCode ?? 500 };
    return { kind: 'none' };
  }
}
