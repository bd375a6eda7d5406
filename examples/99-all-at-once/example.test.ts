import { describe, expect, it } from 'vitest';
import { essenceStored, itBehavesLikeKopfExample, messagesMatching, runExample, type ExampleRun } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

/** The Events about the KopfExample, as `type reason message` rows. */
async function eventsOf(run: ExampleRun): Promise<string[]> {
  const list = JSON.parse(await run.kubectlOk(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.name=kopf-example-1', '-o', 'json'])) as {
    items: Array<{ type: string; reason: string; message: string }>;
  };
  return list.items.map((event) => `${event.type} ${event.reason} ${event.message}`).sort();
}

describe.skipIf(!hasKubectl)('example 99-all-at-once', () => {
  let events: string[] = [];
  let childLabels: unknown;

  const run = runExample({
    file: 'examples/99-all-at-once/example.ts',
    creationWords: /Creation is processed:/,
    handledWhen: essenceStored,
    afterCreation: async (run) => {
      await run.waitForOutput(/This pod is special for us\./);
      const pods = JSON.parse(await run.kubectlOk(['get', 'pods', '-n', 'default', '-o', 'json'])) as { items: Array<{ metadata: { labels: unknown } }> };
      childLabels = pods.items.map((pod) => pod.metadata.labels);
      await run.kubectlOk(['patch', 'kex', 'kopf-example-1', '--type', 'merge', '-p', '{"spec":{"lst":["a","b"]}}']);
      await run.waitForOutput(/Updating is processed:/);
      // Events are posted in the background.
      events = await run.cluster.waitFor(async () => ((await eventsOf(run)).length >= 2 ? eventsOf(run) : undefined), { description: 'the Events of example 99' });
    },
  });

  itBehavesLikeKopfExample(run, {
    creation: true,
    finalizer: true,
    changing: true,
    allowStacks: true,
    successCounts: {
      create1: 1,
      create2: 1,
      createPod: 1,
      update: 1,
      'updateLst/spec.lst': 1,
      deleteFn: 1,
      startupFnSimple: 1,
      startupFnRetried: 1,
      cleanupFn: 1,
    },
  });

  it('retries the failing creation handler after its backoff', () => {
    expect(messagesMatching(run().output(), /^Handler 'create2' (failed|succeeded)/)).toEqual([
      "Handler 'create2' failed with an exception and will try again in 1 seconds: Whoops!",
      "Handler 'create2' succeeded.",
    ]);
  });

  it('stores the results of the creation handlers', () => {
    expect(run().created.status).toEqual({ create1: { 'job1-status': 100 }, create2: { 'job2-status': 100 } });
  });

  it('makes a child pod with the parent labels and its own', () => {
    expect(childLabels).toEqual([{ somelabel: 'somevalue', application: 'kopf-example-10' }]);
    expect(run().output()).toMatch(/\[default\/kopf-example-1-\w{5}\] This pod is special for us\./);
  });

  it('handles the change of the spec in the update and field handlers', () => {
    const output = run().output();
    expect(output).toContain('Handling the diff\n[["add",["spec","lst"],null,["a","b"]]]\n');
    expect(output).toContain('Handling the FIELD = undefined -> ["a","b"]\n');
  });

  it('posts the Events about the KopfExample', () => {
    expect(events).toEqual(['Normal AnyReason Creating the children.', 'Warning SomeReason Cannot do something']);
  });

  it('runs the activities around the handling', () => {
    const output = run().output();
    expect(messagesMatching(output, /^Activity '\w+' (failed|succeeded)/)).toEqual([
      "Activity 'startupFnSimple' succeeded.",
      "Activity 'startupFnRetried' failed temporarily: Going to succeed in 1s",
      "Activity 'startupFnRetried' succeeded.",
      "Activity 'cleanupFn' succeeded.",
    ]);
    expect(output.indexOf('Cleanup is done.')).toBeGreaterThan(output.indexOf('Signal SIGINT is received.'));
  });
});
