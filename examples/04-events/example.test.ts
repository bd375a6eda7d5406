import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, runExample, type ExampleRun } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

interface EventSummary {
  object: string;
  type: string;
  reason: string;
  message: string;
}

/** The Events in the example's namespace, as `kind/name type reason message` rows, sorted. */
async function eventsOf(run: ExampleRun): Promise<EventSummary[]> {
  const list = JSON.parse(await run.kubectlOk(['get', 'events', '-n', 'default', '-o', 'json'])) as {
    items: Array<{ involvedObject: { kind: string; name: string }; type: string; reason: string; message: string }>;
  };
  return list.items
    .map((event) => ({ object: `${event.involvedObject.kind}/${event.involvedObject.name}`, type: event.type, reason: event.reason, message: event.message }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

// The Events the handler posts, and the framework's lines that `posting.loggers` turns into Events.
const expectedEvents: EventSummary[] = [
  { object: 'ConfigMap/kopf-example-1-data', type: 'Normal', reason: 'SomeReason', message: 'Made for kopf-example-1.' },
  { object: 'KopfExample/kopf-example-1', type: 'Error', reason: 'SomeReason', message: 'Some exception: Exception text.' },
  { object: 'KopfExample/kopf-example-1', type: 'Normal', reason: 'Logging', message: 'Creation is processed: 1 succeeded; 0 failed.' },
  { object: 'KopfExample/kopf-example-1', type: 'Normal', reason: 'Logging', message: "Handler 'createFn' succeeded." },
  { object: 'KopfExample/kopf-example-1', type: 'Normal', reason: 'SomeReason', message: 'Some message' },
  { object: 'KopfExample/kopf-example-1', type: 'SomeType', reason: 'SomeReason', message: 'Some message' },
  { object: 'KopfExample/kopf-example-1', type: 'Warning', reason: 'SomeReason', message: 'Some message' },
];

describe.skipIf(!hasKubectl)('example 04-events', () => {
  let events: EventSummary[] = [];
  let described = '';

  const run = runExample({
    file: 'examples/04-events/example.ts',
    creationWords: /Creation is processed:/,
    // Events are posted in the background: wait for all of them before looking.
    afterCreation: async (run) => {
      await run.cluster.waitFor(async () => (await eventsOf(run)).length >= expectedEvents.length, { description: 'the Events of example 04' });
      events = await eventsOf(run);
      described = await run.kubectlOk(['describe', 'kex', 'kopf-example-1']);
    },
  });

  itBehavesLikeKopfExample(run, { creation: true, finalizer: false, changing: true });

  it("posts the handler's Events and, with posting.loggers on, the framework's", () => {
    expect(events).toEqual(expectedEvents);
  });

  it('shows the Events in kubectl describe', () => {
    expect(described).toMatch(/^\s+SomeType\s+SomeReason\s+\S+\s+kopf\s+Some message$/m);
    expect(described).toMatch(/^\s+Error\s+SomeReason\s+\S+\s+kopf\s+Some exception: Exception text\.$/m);
    expect(described).toMatch(/^\s+Normal\s+Logging\s+\S+\s+kopf\s+Handler 'createFn' succeeded\.$/m);
  });

  it('turns posting.loggers on in a startup activity', () => {
    expect(run().output()).toContain("Activity 'postLogsAsEvents' succeeded.");
  });

  // kube-controller-manager's garbage collector watches a new CRD's objects only after its next
  // discovery (every 30 s), so on the real backend this can take that long.
  it('lets the ConfigMap go with the KopfExample that owns it', { timeout: 90_000 }, async () => {
    const { cluster } = run();
    await cluster.waitFor(async () => (await cluster.get('configmaps', 'kopf-example-1-data', 'default')) === undefined, {
      timeout: 80_000,
      interval: 250,
      description: 'the ConfigMap to be garbage-collected',
    });
  });
});
