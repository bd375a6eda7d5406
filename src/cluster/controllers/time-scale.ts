/**
 * The simulated durations of the embedded cluster's workloads (container
 * sleeps, image pulls, crash-loop back-offs, grace periods, Job back-offs)
 * pass `factor` times as fast as written: with 0.01 a 10 s back-off lasts
 * 100 ms. The cluster's clock is not scaled: timestamps stay wall-clock
 * times, so clients compute ages as usual.
 */
export class TimeScale {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    /** Real seconds per simulated second. */
    readonly factor: number,
    /** The cluster's (wall) clock. */
    readonly now: () => Date,
  ) {
    if (!Number.isFinite(factor) || factor <= 0) throw new Error(`the time scale must be a positive number, not ${factor}`);
  }

  /** Real milliseconds that a simulated duration takes. */
  realMs(seconds: number): number {
    return seconds * 1000 * this.factor;
  }

  /** Simulated seconds that have passed since a wall-clock time. */
  secondsSince(time: Date): number {
    return (this.now().getTime() - time.getTime()) / 1000 / this.factor;
  }

  /** Simulated seconds until a wall-clock time (negative once it has passed). */
  secondsUntil(time: Date): number {
    return -this.secondsSince(time);
  }

  /** The wall-clock time a simulated duration after `time`. */
  later(time: Date, seconds: number): Date {
    return new Date(time.getTime() + this.realMs(seconds));
  }

  /**
   * Runs `action` after a simulated duration; answers the cancelling function.
   * Timers do not keep the process alive, and `stop()` cancels them all.
   */
  after(seconds: number, action: () => void): () => void {
    if (this.stopped) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, Math.max(0, this.realMs(seconds)));
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Cancels every pending timer; later ones are ignored (the cluster stopped). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
