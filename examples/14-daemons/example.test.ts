import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, messagesMatching, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 14-daemons', () => {
  const run = runExample({
    file: 'examples/14-daemons/example.ts',
    // Both daemons ping once their three failures are over (about 3 s).
    creationWords: /=> Ping from a looping daemon[\s\S]*=> Ping from a signalled daemon|=> Ping from a signalled daemon[\s\S]*=> Ping from a looping daemon/,
    handledWhen: (object) => (object.status as { message?: string } | undefined)?.message === 'Failed 3 times.',
  });

  itBehavesLikeKopfExample(run, {
    creation: false,
    finalizer: 'spawning',
    changing: false,
    successCounts: { backgroundLooping: 1, backgroundSignalled: 1 },
  });

  it.each(['backgroundLooping', 'backgroundSignalled'])('retries %s after its temporary errors, and runs it until the deletion', (id) => {
    expect(messagesMatching(run().output(), new RegExp(`^Daemon '${id}' (failed|succeeded|has exited)`))).toEqual([
      `Daemon '${id}' failed temporarily: Simulated failure.`,
      `Daemon '${id}' failed temporarily: Simulated failure.`,
      `Daemon '${id}' failed temporarily: Simulated failure.`,
      `Daemon '${id}' succeeded.`,
      `Daemon '${id}' has exited on request and will not be retried or restarted.`,
    ]);
  });

  it('sees the newest spec and its retry count', () => {
    expect(run().output()).toContain('[default/kopf-example-1] => Ping from a looping daemon: field="value", retry=3\n');
    expect(run().output()).toContain('[default/kopf-example-1] => Ping from a signalled daemon: field="value"\n');
  });

  it('writes what it patched after each attempt', () => {
    expect(messagesMatching(run().output(), /^Merge-patching the status with:/)).toEqual([
      'Merge-patching the status with: {"status":{"message":"Failed 1 times."}}',
      'Merge-patching the status with: {"status":{"message":"Failed 2 times."}}',
      'Merge-patching the status with: {"status":{"message":"Failed 3 times."}}',
      'Merge-patching the status with: {"status":{"message":"Accompanying is finished."}}',
    ]);
    expect(run().created.status).toEqual({ message: 'Failed 3 times.' });
  });

  it('lets the object go once both daemons have exited', () => {
    const output = run().output();
    const removed = output.lastIndexOf('Removing the finalizer, as there are no handlers requiring it.');
    expect(removed).toBeGreaterThan(output.indexOf("Daemon 'backgroundLooping' has exited on request"));
    expect(removed).toBeGreaterThan(output.indexOf("Daemon 'backgroundSignalled' has exited on request"));
  });
});
