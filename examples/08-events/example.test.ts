import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, messagesMatching, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 08-events', () => {
  const run = runExample({
    file: 'examples/08-events/example.ts',
    creationWords: /Event received:/,
    // Without changing handlers nothing says "really deleted": the spy's second event does.
    deletionWords: /Event received: DELETED/,
  });

  itBehavesLikeKopfExample(run, {
    creation: false,
    finalizer: false,
    changing: false,
    allowStacks: true,
    successCounts: { normalEventFn: 2 },
  });

  it('sees every event of the object', () => {
    // The object may be created before the watch starts: then the initial listing reports it.
    const events = run().output().match(/^Event received: .*$/gm);
    expect(events).toHaveLength(2);
    expect(events?.[0]).toMatch(/^Event received: (ADDED|LISTED) default\/kopf-example-1$/);
    expect(events?.[1]).toBe('Event received: DELETED default/kopf-example-1');
  });

  it('logs the errors of event handlers with their stacks and goes on', () => {
    const output = run().output();
    expect(messagesMatching(output, /^Handler 'eventFnWithError' failed/)).toEqual([
      "Handler 'eventFnWithError' failed with an exception and will ignore it: Oops!",
      "Handler 'eventFnWithError' failed with an exception and will ignore it: Oops!",
    ]);
    expect(output.match(/^Error: Oops!\n[ \t]+at .*eventFnWithError/gm)).toHaveLength(2);
  });

  it('writes nothing to the object', () => {
    expect(messagesMatching(run().output(), /-patching/)).toEqual([]);
    expect(run().created.metadata?.annotations).toEqual(expect.not.objectContaining({ 'kopf.zalando.org/last-handled-configuration': expect.anything() }));
    expect(run().created.status).toBeUndefined();
  });
});
