/**
 * Interruptible sleeps of the per-object workers: a retry delay or the consistency wait ends early when
 * a newer event of the object arrives (pressure) or the operator stops. Built on `setTimeout`, so tests
 * with fake timers control it.
 */

/**
 * Sleeps `seconds`, or less if `wakeup` resolves or `signal` aborts first. Resolves with the seconds
 * left when cut short, undefined when slept in full.
 */
export async function sleep(seconds: number, options: { wakeup?: Promise<unknown>; signal?: AbortSignal } = {}): Promise<number | undefined> {
  const { wakeup, signal } = options;
  if (signal?.aborted) return Math.max(0, seconds);
  if (seconds <= 0) return undefined;
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const full = await Promise.race([
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), seconds * 1000);
    }),
    new Promise<boolean>((resolve) => {
      onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
    ...(wakeup ? [wakeup.then(() => false)] : []),
  ]);
  clearTimeout(timer);
  if (onAbort) signal?.removeEventListener('abort', onAbort);
  if (full) return undefined;
  return Math.max(0, seconds - (Date.now() - started) / 1000);
}
