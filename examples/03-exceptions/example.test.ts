import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, messagesMatching, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 03-exceptions', () => {
  const run = runExample({
    file: 'examples/03-exceptions/example.ts',
    // Only once every handler has succeeded or failed for good is the essence stored, and the next
    // event is a change the operator is not interested in.
    creationWords: /Something has changed,/,
  });

  itBehavesLikeKopfExample(run, {
    creation: true,
    finalizer: false,
    changing: true,
    allowStacks: true,
    successCounts: { eventualSuccessWithAFewMessages: 1 },
    failureCounts: { eventualFailureWithTracebacks: 1, instantFailureWithTraceback: 1, instantFailureWithOnlyAMessage: 1 },
  });

  it('retries a temporary error after its delay until the handler succeeds', () => {
    expect(messagesMatching(run().output(), /^Handler 'eventualSuccessWithAFewMessages' (failed|succeeded)/)).toEqual([
      "Handler 'eventualSuccessWithAFewMessages' failed temporarily: Expected recoverable error.",
      "Handler 'eventualSuccessWithAFewMessages' failed temporarily: Expected recoverable error.",
      "Handler 'eventualSuccessWithAFewMessages' failed temporarily: Expected recoverable error.",
      "Handler 'eventualSuccessWithAFewMessages' succeeded.",
    ]);
  });

  it('retries an arbitrary error until its retries are used up', () => {
    expect(messagesMatching(run().output(), /^Handler 'eventualFailureWithTracebacks' (failed|succeeded)/)).toEqual([
      "Handler 'eventualFailureWithTracebacks' failed with an exception and will try again in 1 seconds: An error that is supposed to be recoverable.",
      "Handler 'eventualFailureWithTracebacks' failed with an exception and will try again in 1 seconds: An error that is supposed to be recoverable.",
      "Handler 'eventualFailureWithTracebacks' failed with an exception and will stop now (it would exceed 3 retries on the next attempt): An error that is supposed to be recoverable.",
    ]);
  });

  it('stops at once on a permanent error, and on any error with errors: permanent', () => {
    expect(messagesMatching(run().output(), /^Handler 'instant\w+' (failed|succeeded)/)).toEqual([
      "Handler 'instantFailureWithOnlyAMessage' failed permanently: Fail once and for all.",
      "Handler 'instantFailureWithTraceback' failed with an exception and will stop now: An error that is supposed to be recoverable.",
    ]);
  });

  it('logs the stacks of arbitrary errors only', () => {
    const output = run().output();
    expect(output).toMatch(/^MyError: An error that is supposed to be recoverable\.\n[ \t]+at .*eventualFailureWithTracebacks/m);
    expect(output).toMatch(/^MyError: An error that is supposed to be recoverable\.\n[ \t]+at .*instantFailureWithTraceback/m);
    expect(output).not.toMatch(/^[ \t]+at .*(instantFailureWithOnlyAMessage|eventualSuccessWithAFewMessages)/m);
  });
});
