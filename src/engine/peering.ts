/**
 * Peering with other operators, wire-compatible with Kopf: every operator writes a record of itself
 * (`status.<identity> = { priority, lifetime, lastseen }`) into a peering object — a `ClusterKopfPeering`
 * for cluster-wide operators, a `KopfPeering` in each served namespace for namespaced ones — and keeps
 * it alive. Seeing a live peer of higher priority pauses this operator; a peer of the same priority
 * pauses both (they would handle the same objects twice); when they are gone, operations resume.
 * Records whose `lastseen + lifetime` has passed are dead and removed by whoever sees them.
 *
 * Peering is used only when the peering CRDs exist (or is required by naming a peering object).
 */
import { randomInt } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Logger } from 'pino';
import type { Api } from '../client/api.ts';
import { NotFoundError } from '../client/errors.ts';
import type { JsonObject } from '../core/field-path.ts';
import { formatTimestamp, microsFromMillis, parseTimestamp } from '../core/kopf-time.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { OperatorRuntime } from './runtime.ts';
import { sleep } from './sleep.ts';

/** One operator's record in a peering object. */
export interface PeerRecord {
  priority: number;
  lifetime: number;
  lastseen: string;
}

/** An operator seen in a peering object. */
export interface Peer extends PeerRecord {
  identity: string;
  /** Epoch milliseconds when its record stops being valid. */
  deadlineMs: number;
}

const SUFFIX_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The identities given out in this process. Operators embedded side by side start within the same
 * second, and two sharing an identity would each take the other's record for their own and never
 * pause: the random suffix alone leaves that to chance.
 */
const issuedIdentities = new Set<string>();

/** This operator's identity among peers: `POD_ID`, else `user@host/<start time>/<3 random chars>`, as Kopf makes it — never one given out before in this process. */
export function peeringIdentity(env: NodeJS.ProcessEnv = process.env, now = new Date()): string {
  if (env.POD_ID) return env.POD_ID;
  const prefix = `${userAtHost()}/${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  for (;;) {
    const suffix = Array.from({ length: 3 }, () => SUFFIX_CHARACTERS[randomInt(SUFFIX_CHARACTERS.length)]).join('');
    const identity = `${prefix}/${suffix}`;
    if (issuedIdentities.has(identity)) continue;
    issuedIdentities.add(identity);
    return identity;
  }
}

/**
 * The identity of a person pausing operators by hand (`kopf freeze`, `kopf resume` without `--id`):
 * `POD_ID`, else `user@host`, as Kopf makes it. It stays the same from one command to the next, so
 * that a resume removes the record the freeze wrote.
 */
export function manualPeeringIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return env.POD_ID || userAtHost();
}

function userAtHost(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No user entry (some containers): the host (and, for operators, the time) still tell peers apart.
  }
  return `${user}@${hostname()}`;
}

/**
 * The record of a peer with this priority and lifetime (seconds), seen at `nowMs` — or null when the
 * lifetime is 0 or less: such a record would be dead at once, so it is removed instead, as Kopf does.
 */
export function peerRecord(priority: number, lifetime: number, nowMs: number): PeerRecord | null {
  if (lifetime <= 0) return null;
  return { priority, lifetime, lastseen: formatTimestamp(microsFromMillis(nowMs)) };
}

/** One peering object: a `ClusterKopfPeering` (no namespace) or a `KopfPeering` in a namespace. */
export interface PeeringObject {
  resource: Resource;
  name: string;
  namespace?: string;
}

/**
 * Merges records, by identity, into a peering object's status — through its status subresource if it
 * has one; a null record removes that identity's. Throws `NotFoundError` when the object does not exist.
 */
export function patchPeerRecords(api: Api, target: PeeringObject, records: Record<string, PeerRecord | null>): Promise<unknown> {
  return api.patch(target.resource, target.name, { status: records }, {
    namespace: target.namespace,
    subresource: target.resource.subresources.includes('status') ? 'status' : undefined,
  });
}

/** The peers in a peering object's status, split into live and dead ones at `nowMs`; this operator's own record left out. */
export function readPeers(status: unknown, own: string, nowMs: number): { live: Peer[]; dead: Peer[] } {
  const live: Peer[] = [];
  const dead: Peer[] = [];
  const records = status !== null && typeof status === 'object' ? Object.entries(status as Record<string, unknown>) : [];
  for (const [identity, value] of records) {
    if (identity === own || value === null || typeof value !== 'object') continue;
    const record = value as Partial<PeerRecord>;
    const lifetime = typeof record.lifetime === 'number' ? record.lifetime : 60;
    let seenMs = 0;
    try {
      seenMs = typeof record.lastseen === 'string' ? parseTimestamp(record.lastseen) / 1000 : 0;
    } catch {
      // An unreadable time counts as long ago: the record is dead.
    }
    const peer: Peer = { identity, priority: typeof record.priority === 'number' ? record.priority : 0, lifetime, lastseen: record.lastseen ?? '', deadlineMs: seenMs + lifetime * 1000 };
    (peer.deadlineMs <= nowMs ? dead : live).push(peer);
  }
  return { live, dead };
}

/** What to do after reading the peers. */
export type PeeringDecision =
  | { kind: 'pause'; reason: 'priority' | 'conflict'; peers: Peer[] }
  | { kind: 'run'; sharded: Peer[] };

/** Kopf's rule: a higher-priority peer pauses us; an equal one pauses both unless shards keep them apart. */
export function decide(live: readonly Peer[], priority: number, sharded: boolean): PeeringDecision {
  const higher = live.filter((peer) => peer.priority > priority);
  if (higher.length) return { kind: 'pause', reason: 'priority', peers: higher };
  const same = live.filter((peer) => peer.priority === priority);
  if (same.length && !sharded) return { kind: 'pause', reason: 'conflict', peers: same };
  return { kind: 'run', sharded: same };
}

function describePeers(peers: readonly Peer[]): string {
  return peers.map((peer) => `${peer.identity} (priority ${peer.priority})`).join(', ');
}

/** One peering object this operator takes part in. */
export class PeeringScope {
  #paused = false;
  readonly #stop = new AbortController();
  #done: Promise<void> = Promise.resolve();
  #recheck?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly runtime: OperatorRuntime,
    private readonly resource: Resource,
    private readonly namespace: string | undefined,
    private readonly identity: string,
    private readonly logger: Logger,
    /** Told whenever this object pauses or resumes the operator. */
    private readonly onPause: (paused: boolean) => void,
  ) {}

  get #where(): string {
    return this.namespace === undefined ? 'cluster-wide' : `in '${this.namespace}'`;
  }

  /** Keeps the record alive and follows the peers until stopped. */
  start(): void {
    this.#done = Promise.all([this.#keepAlive(), this.#observe()]).then(() => undefined);
  }

  /** Stops, removes this operator's record, and lifts its pause. */
  async stop(): Promise<void> {
    this.#stop.abort();
    clearTimeout(this.#recheck);
    await this.#done;
    await this.#patchStatus({ [this.identity]: null }).catch(() => undefined);
    if (this.#paused) this.onPause(false);
  }

  async #keepAlive(): Promise<void> {
    const { settings } = this.runtime;
    while (!this.#stop.signal.aborted) {
      await this.#touch();
      const lifetime = settings.peering.lifetime;
      await sleep(Math.max(1, lifetime - (5 + Math.random() * 5)), { signal: this.#stop.signal });
    }
  }

  async #touch(): Promise<void> {
    const { peering } = this.runtime.settings;
    const record = peerRecord(peering.priority, peering.lifetime, this.runtime.now());
    const name = peering.name;
    try {
      await this.#patchStatus({ [this.identity]: record });
      if (!peering.stealth) this.logger.debug(`Keep-alive in '${name}' ${this.#where}: ok.`);
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        this.logger.warn(`Keep-alive in '${name}' ${this.#where} failed: ${String(error)}`);
        return;
      }
      this.logger.debug(`Keep-alive in '${name}' ${this.#where}: not found.`);
    }
  }

  #patchStatus(records: Record<string, PeerRecord | null>): Promise<unknown> {
    return patchPeerRecords(this.runtime.api, { resource: this.resource, name: this.runtime.settings.peering.name, namespace: this.namespace }, records);
  }

  async #observe(): Promise<void> {
    const subscription = this.runtime.hub.subscribe(this.resource, {
      ...(this.namespace === undefined ? {} : { namespace: this.namespace }),
      fieldSelector: `metadata.name=${this.runtime.settings.peering.name}`,
    });
    const onStop = () => subscription.close();
    this.#stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      for await (const event of subscription) {
        if (event.type === 'SYNCED' || event.type === 'DELETED') continue;
        await this.#react((event.object as JsonObject).status);
      }
    } finally {
      subscription.close();
    }
  }

  async #react(status: unknown): Promise<void> {
    const { settings } = this.runtime;
    const nowMs = this.runtime.now();
    const { live, dead } = readPeers(status, this.identity, nowMs);
    if (dead.length) {
      await this.#patchStatus(Object.fromEntries(dead.map((peer) => [peer.identity, null]))).catch(() => undefined);
    }
    const decision = decide(live, settings.peering.priority, settings.watching.shardSelectors.size > 0);
    if (decision.kind === 'pause') {
      if (decision.reason === 'priority') {
        if (!this.#paused) this.logger.info(`Pausing operations in favour of ${describePeers(decision.peers)}.`);
      } else {
        this.logger.warn(`Possibly conflicting operators with the same priority: ${describePeers(decision.peers)}.`);
        if (!this.#paused) this.logger.warn(`Pausing all operators, including self: ${describePeers(decision.peers)}, ${this.identity} (self)`);
      }
      this.#setPaused(true);
    } else if (this.#paused) {
      this.logger.info('Resuming operations after the pause. Conflicting operators with the same priority are gone.');
      this.#setPaused(false);
    }
    // While peers that matter are alive, look again when the first of them would expire.
    const relevant = decision.kind === 'pause' ? decision.peers : decision.sharded;
    clearTimeout(this.#recheck);
    if (relevant.length) {
      const wait = Math.max(0, Math.min(...relevant.map((peer) => peer.deadlineMs)) - nowMs) + 100;
      this.#recheck = setTimeout(() => void this.#touch(), wait);
      this.#recheck.unref();
    }
  }

  #setPaused(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    this.onPause(paused);
  }
}

/**
 * The peering objects an operator takes part in, following the served namespaces and whether the
 * peering CRD exists, and the pause they add up to: paused while any of them says so — or, when a
 * peering object was named explicitly (mandatory peering), while its CRD is missing.
 */
export class Peerings {
  readonly #scopes = new Map<string, PeeringScope>();
  readonly #pausing = new Set<string>();
  readonly identity = peeringIdentity();

  constructor(
    private readonly runtime: OperatorRuntime,
    private readonly logger: Logger,
    /** Told whenever the operator as a whole becomes paused or resumed. */
    private readonly onPause: (paused: boolean) => void,
  ) {}

  /** Brings the peering objects in line with the discovered resources and the served namespaces (`undefined`: cluster-wide). */
  revise(discovered: readonly Resource[], namespaces: readonly string[] | undefined): void {
    const { peering } = this.runtime.settings;
    if (peering.standalone) return;
    const plural = peering.clusterwide ? 'clusterkopfpeerings' : 'kopfpeerings';
    const resource = discovered.find((candidate) => candidate.group === 'kopf.dev' && candidate.plural === plural && candidate.preferred);
    this.#toggle('missing', peering.mandatory && resource === undefined);
    const wanted = new Set<string>();
    if (resource) {
      for (const namespace of peering.clusterwide ? [undefined] : (namespaces ?? [])) {
        const key = `${plural}@${namespace ?? ''}`;
        wanted.add(key);
        if (this.#scopes.has(key)) continue;
        const scope = new PeeringScope(this.runtime, resource, namespace, this.identity, this.logger, (paused) => this.#toggle(key, paused));
        this.#scopes.set(key, scope);
        scope.start();
      }
    }
    for (const [key, scope] of this.#scopes) {
      if (wanted.has(key)) continue;
      this.#scopes.delete(key);
      void scope.stop();
    }
  }

  /** Leaves every peering object (removing this operator's records). */
  async stop(): Promise<void> {
    const scopes = [...this.#scopes.values()];
    this.#scopes.clear();
    await Promise.all(scopes.map((scope) => scope.stop()));
  }

  #toggle(key: string, on: boolean): void {
    const before = this.#pausing.size > 0;
    if (on) this.#pausing.add(key);
    else this.#pausing.delete(key);
    const after = this.#pausing.size > 0;
    if (before !== after) this.onPause(after);
  }
}
