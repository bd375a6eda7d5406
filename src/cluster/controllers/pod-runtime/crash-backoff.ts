import type { TimeScale } from '../time-scale.ts';

/** The kubelet's container restart back-off: 10 s, doubling per crash, at most 300 s. */
export const initialBackOffSeconds = 10;
export const maxBackOffSeconds = 300;

interface Entry {
  /** The current back-off, in simulated seconds. */
  seconds: number;
  /** When the back-off last moved (a restart after it). */
  lastUpdate: Date;
}

/**
 * Per-container restart back-off, with the kubelet's rules: the first
 * restart is immediate and arms a 10 s back-off; each later crash that ends
 * within the back-off waits for it, and the restart after it doubles it
 * (capped at 300 s). A crash more than twice the cap (10 minutes) after the
 * last restart starts over: immediate restart, 10 s back-off.
 */
export class CrashBackOff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly time: TimeScale) {}

  /** Whether a container that finished at `finishedAt` must still wait before it restarts. */
  waiting(key: string, finishedAt: Date): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, finishedAt)) return false;
    return this.time.secondsSince(finishedAt) < entry.seconds;
  }

  /** The back-off in force, in simulated seconds (0 before the first restart). */
  current(key: string): number {
    return this.entries.get(key)?.seconds ?? 0;
  }

  /** When the wait for a container that finished at `finishedAt` ends. */
  endsAt(key: string, finishedAt: Date): Date {
    return this.time.later(finishedAt, this.current(key));
  }

  /** Records a restart of a container that finished at `finishedAt`: arms or doubles the back-off. */
  restarted(key: string, finishedAt: Date): void {
    const entry = this.entries.get(key);
    const now = this.time.now();
    if (!entry || this.expired(entry, finishedAt)) this.entries.set(key, { seconds: initialBackOffSeconds, lastUpdate: now });
    else this.entries.set(key, { seconds: Math.min(entry.seconds * 2, maxBackOffSeconds), lastUpdate: now });
  }

  /** Forgets a pod's containers (the pod is gone). */
  forget(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private expired(entry: Entry, finishedAt: Date): boolean {
    const sinceUpdate = (finishedAt.getTime() - entry.lastUpdate.getTime()) / 1000 / this.time.factor;
    return sinceUpdate > maxBackOffSeconds * 2;
  }
}
