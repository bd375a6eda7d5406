import { describe, expect, it } from 'vitest';
import { essenceStored, itBehavesLikeKopfExample, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 11-filtering-handlers', () => {
  const run = runExample({
    file: 'examples/11-filtering-handlers/example.ts',
    creationWords: /Creation is processed:/,
    handledWhen: essenceStored,
    afterCreation: async (run) => {
      await run.waitForOutput(/Field daemon is satisfied\./);
      await run.kubectlOk(['patch', 'kex', 'kopf-example-1', '--type', 'merge', '-p', '{"spec":{"field":"changed"}}']);
      await run.waitForOutput(/Updating is processed:/);
    },
  });

  itBehavesLikeKopfExample(run, { creation: true, finalizer: 'spawning', changing: true });

  it.each([
    'Label is matching.',
    'Label is present.',
    'Label is absent.',
    'Label callback matching.',
    'Annotation is matching.',
    'Annotation is present.',
    'Annotation is absent.',
    'Filter satisfied.',
    'Combined filter all() is satisfied.',
    'Combined filter any() is satisfied.',
    'Field value is satisfied.',
    'Field presence is satisfied.',
    'Field change is satisfied.',
    'Field daemon is satisfied.',
  ])('runs the handler that logs "%s"', (message) => {
    expect(run().output()).toContain(`[default/kopf-example-1] ${message}\n`);
  });

  it.each([
    'Annotation callback mismatch.',
    'Filter not satisfied.',
    'Combined filter none() is not satisfied.',
    'Combined filter not() is not satisfied.',
    'Field value is not satisfied.',
    'Field presence is not satisfied.',
  ])('never runs the handler that would log "%s"', (message) => {
    expect(run().output()).not.toContain(message);
  });

  it('stops the daemon when its field no longer has its value', () => {
    const output = run().output();
    // Field handlers, daemons included, get the field in their id.
    const stopped = output.indexOf("Daemon 'daemonWithField/spec.field' has exited on request");
    expect(stopped).toBeGreaterThan(output.indexOf('Creation is processed:'));
    expect(output.lastIndexOf('Field daemon is satisfied.')).toBeLessThan(stopped);
  });
});
