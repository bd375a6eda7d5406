import { describe, expect, it } from 'vitest';
import { essenceStored, itBehavesLikeKopfExample, messagesMatching, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 07-subhandlers', () => {
  const run = runExample({
    file: 'examples/07-subhandlers/example.ts',
    creationWords: /Creation is processed:/,
    handledWhen: essenceStored,
  });

  itBehavesLikeKopfExample(run, { creation: true, finalizer: false, changing: true });

  it('runs one sub-handler per item of the spec, then finishes the parent', () => {
    expect(messagesMatching(run().output(), /^Handler '.+' (succeeded|has unfinished)/)).toEqual([
      "Handler 'createFn/item1' succeeded.",
      "Handler 'createFn' has unfinished sub-handlers. Will retry soon.",
      "Handler 'createFn/item2' succeeded.",
      "Handler 'createFn' succeeded.",
    ]);
    expect(run().output()).toContain('=== Handling creation for item1. ===\n');
    expect(run().output()).toContain('=== Handling creation for item2. ===\n');
  });

  it('leaves no progress records behind', () => {
    const annotations = Object.keys(run().created.metadata?.annotations ?? {});
    expect(annotations.filter((key) => key.startsWith('kopf.zalando.org/'))).toEqual(['kopf.zalando.org/last-handled-configuration']);
  });
});
