/** Small statistics of the benchmarks' samples. */

/** The p-th percentile (0–100) of the samples, nearest rank; NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of the samples (the lower middle one for an even count); NaN when there are none. */
export function median(samples: number[]): number {
  return percentile(samples, 50);
}

/**
 * One result from several rounds of the same measurement: every number the median of that number over
 * the rounds (nested records likewise); anything else is the first round's.
 */
export function medianOf<T>(rounds: T[]): T {
  const [first] = rounds;
  if (typeof first === 'number') return median(rounds as number[]) as T;
  if (first === null || typeof first !== 'object') return first;
  const combined: Record<string, unknown> = {};
  for (const key of Object.keys(first)) combined[key] = medianOf(rounds.map((round) => (round as Record<string, unknown>)[key]));
  return combined as T;
}

/** Milliseconds between two `process.hrtime.bigint()` readings. */
export function millisBetween(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

/**
 * Per name, the milliseconds from its moment in `from` to its moment in `to` (`process.hrtime` readings);
 * names missing from either map are left out.
 */
export function millisPerName(names: Iterable<string>, from: Map<string, bigint>, to: Map<string, bigint>): number[] {
  const spans: number[] = [];
  for (const name of names) {
    const start = from.get(name);
    const end = to.get(name);
    if (start !== undefined && end !== undefined) spans.push(millisBetween(start, end));
  }
  return spans;
}

/** Bytes in MiB. */
export function mebibytes(bytes: number): number {
  return bytes / (1024 * 1024);
}
