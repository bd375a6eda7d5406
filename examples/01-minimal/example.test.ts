import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 01-minimal', () => {
  const run = runExample({
    file: 'examples/01-minimal/example.ts',
    creationWords: /Creation is processed:/,
    handledWhen: (object) => (object.status as { createFn?: unknown } | undefined)?.createFn !== undefined,
  });

  itBehavesLikeKopfExample(run, { creation: true, finalizer: false, changing: true });

  it('prints the spec from the handler', () => {
    expect(run().output()).toContain('And here we are! Creating: {"duration":"1m","field":"value","items":["item1","item2"]}');
  });

  it("stores the handler's result in status.createFn", () => {
    expect(run().created.status).toEqual({ createFn: { message: 'hello world' } });
  });
});
