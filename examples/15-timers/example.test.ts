import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

/** The epoch milliseconds of the log lines matching `pattern` (in the `full` format, with their times). */
function timesOf(output: string, pattern: RegExp): number[] {
  return output
    .split('\n')
    .filter((line) => pattern.test(line))
    .map((line) => /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})\]/.exec(line)!)
    .map(([, date, time, ms]) => Date.parse(`${date}T${time}.${ms}`));
}

describe.skipIf(!hasKubectl)('example 15-timers', () => {
  let patchedMs = 0;

  const run = runExample({
    file: 'examples/15-timers/example.ts',
    creationWords: /Ping from an async timer: field="value"/,
    afterCreation: async (run) => {
      patchedMs = Date.now();
      await run.kubectlOk(['patch', 'kex', 'kopf-example-1', '--type', 'merge', '-p', '{"spec":{"field":"changed"}}']);
      await run.waitForOutput(/Ping from an async timer: field="changed"/);
    },
  });

  // The timers run as often as time allows: no counts to check.
  itBehavesLikeKopfExample(run, { creation: false, finalizer: 'spawning', changing: false, successCounts: {} });

  it('runs each timer only once the object has been quiet for its idle time', () => {
    const output = run().output();
    // The finalizer's patch is the object's last change before the timers run.
    const [changedMs] = timesOf(output, /Adding the finalizer/);
    const [firstSync] = timesOf(output, /Ping from a sync timer: field="value"/);
    const [firstAsync] = timesOf(output, /Ping from an async timer: field="value"/);
    expect(firstSync - changedMs).toBeGreaterThanOrEqual(2_000 - 50);
    expect(firstAsync - changedMs).toBeGreaterThanOrEqual(4_000 - 50);
  });

  it('runs each timer every interval while the object stays quiet', () => {
    const syncPings = timesOf(run().output(), /Ping from a sync timer: field="value"/);
    expect(syncPings.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < syncPings.length; i++) expect(syncPings[i] - syncPings[i - 1]).toBeGreaterThanOrEqual(1_000 - 50);
  });

  it('puts the timers off after a change, and then sees the new spec', () => {
    const output = run().output();
    const [firstChangedSync] = timesOf(output, /Ping from a sync timer: field="changed"/);
    const [firstChangedAsync] = timesOf(output, /Ping from an async timer: field="changed"/);
    expect(firstChangedSync - patchedMs).toBeGreaterThanOrEqual(2_000 - 50);
    expect(firstChangedAsync - patchedMs).toBeGreaterThanOrEqual(4_000 - 50);
  });
});
