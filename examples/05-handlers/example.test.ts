import { describe, expect, it } from 'vitest';
import { essenceStored, itBehavesLikeKopfExample, messagesMatching, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 05-handlers', () => {
  const run = runExample({
    file: 'examples/05-handlers/example.ts',
    creationWords: /Creation is processed:/,
    // The essence is stored with the creation's last patch; changing the object before that would
    // mix the change into the creation.
    handledWhen: essenceStored,
    afterCreation: async (run) => {
      await run.kubectlOk(['patch', 'kex', 'kopf-example-1', '--type', 'merge', '-p', '{"spec":{"field":"newvalue","newfield":100}}']);
      await run.waitForOutput(/Updating is processed:/);
    },
  });

  itBehavesLikeKopfExample(run, {
    creation: true,
    finalizer: true,
    changing: true,
    successCounts: { createFn1: 1, createFn2: 1, 'fieldFn/spec.field': 2, updateFn: 1, deleteFn1: 1, deleteFn2: 1 },
  });

  it('runs the handlers of each cause in the order registered', () => {
    expect(messagesMatching(run().output(), /^Handler '.+' succeeded\.$|^\w+ is processed:/)).toEqual([
      "Handler 'createFn1' succeeded.",
      "Handler 'createFn2' succeeded.",
      "Handler 'fieldFn/spec.field' succeeded.",
      'Creation is processed: 3 succeeded; 0 failed.',
      "Handler 'updateFn' succeeded.",
      "Handler 'fieldFn/spec.field' succeeded.",
      'Updating is processed: 2 succeeded; 0 failed.',
      "Handler 'deleteFn1' succeeded.",
      "Handler 'deleteFn2' succeeded.",
      'Deletion is processed: 2 succeeded; 0 failed.',
    ]);
  });

  it('gives the field handler the old and new values of its field', () => {
    expect(run().output()).toContain('FIELD CHANGED: undefined -> "value"');
    expect(run().output()).toContain('FIELD CHANGED: "value" -> "newvalue"');
  });

  it('gives the update handler the diff', () => {
    expect(run().output()).toContain('UPDATED: add spec.newfield, change spec.field');
  });

  it('never resumes an object it saw being created', () => {
    expect(run().output()).not.toContain('RESUMED');
  });

  it('removes its finalizer once the deletion is handled', () => {
    expect(messagesMatching(run().output(), /^\w+ the finalizer/)).toEqual([
      'Adding the finalizer, thus preventing the actual deletion.',
      'Removing the finalizer, thus allowing the actual deletion.',
    ]);
  });
});
