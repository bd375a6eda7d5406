import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, messagesMatching, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 10-builtins', () => {
  const run = runExample({
    file: 'examples/10-builtins/example.ts',
    // On the real backend the pod is not run (no kubelet): it stays Pending, which changes nothing here.
    cluster: { runPods: true, timeScale: 0.05 },
    object: {
      create: ['run', 'kopf-pod-1', '--image', 'busybox', '--', 'sleep', '3600'],
      resource: 'pod',
      name: 'kopf-pod-1',
      namespace: 'default',
    },
    creationWords: /=== Pod killing happens in/,
  });

  itBehavesLikeKopfExample(run, { creation: true, finalizer: true, changing: true });

  it('starts the killer when the pod is created, and cancels it when the pod is deleted', () => {
    expect(messagesMatching(run().output(), /^(Creation is in progress|=== Pod killing|Deletion is in progress)/).map((line) => line.replace(/: \{.*$/, ':'))).toEqual([
      'Creation is in progress:',
      '=== Pod killing happens in 30s.',
      'Deletion is in progress:',
      '=== Pod killing is cancelled!',
    ]);
  });

  it('logs about the pod', () => {
    const output = run().output();
    for (const message of ['Creation is in progress:', '=== Pod killing happens in 30s.', 'Deletion is in progress:', '=== Pod killing is cancelled!']) {
      expect(output).toContain(`[default/kopf-pod-1] ${message}`);
    }
  });
});
