import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, runExample, type ExampleRun } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

const forbidden = JSON.stringify({ spec: { field: 'forbidden' } });

describe.skipIf(!hasKubectl)('example 17-admission', () => {
  let denial = '';
  let warning = '';
  let labels: Record<string, string> | undefined;

  const run = runExample({
    file: 'examples/17-admission/example.ts',
    startupWords: /Reconfiguring the mutating webhook auto\.kopf\.dev\./,
    // No handler runs for the object itself: the webhooks are configured once the operator has started.
    creationWords: /Reconfiguring the validating webhook auto\.kopf\.dev\./,
    afterCreation: async (run: ExampleRun) => {
      // The API server takes new webhook configurations up on its own schedule: patch until the validator answers.
      denial = await run.cluster.waitFor(
        async () => {
          const result = await run.kubectl(['patch', 'kex', 'kopf-example-1', '--type', 'merge', '-p', forbidden]);
          if (result.code !== 0) return result.stderr;
          await run.kubectlOk(['patch', 'kex', 'kopf-example-1', '--type', 'merge', '-p', JSON.stringify({ spec: { field: 'value' } })]);
          return undefined;
        },
        { timeout: 20_000, description: 'the forbidden patch to be denied' },
      );
      const emptied = await run.kubectl(['patch', 'kex', 'kopf-example-1', '--type', 'merge', '-p', JSON.stringify({ spec: { items: [] } })]);
      expect(emptied.code).toBe(0);
      warning = emptied.stderr;
      const second = ['apiVersion: kopf.dev/v1', 'kind: KopfExample', 'metadata: { name: kopf-example-2 }', 'spec: { field: value, items: [one] }'].join('\n');
      const created = await run.kubectl(['create', '-f', '-'], second);
      expect(created.code, created.stderr).toBe(0);
      labels = (await run.cluster.get('kopfexamples', 'kopf-example-2', 'default'))?.metadata?.labels as Record<string, string> | undefined;
      await run.kubectlOk(['delete', 'kex', 'kopf-example-2']);
    },
    deletionWords: null,
  });

  // Admission handlers run per request, as often as the API server asks: no counts to check.
  itBehavesLikeKopfExample(run, { creation: false, finalizer: false, changing: false, successCounts: {}, failureCounts: {} });

  it('refuses the forbidden value with the handler message, through the API server', () => {
    expect(denial).toContain('admission webhook "checkfield.auto.kopf.dev" denied the request: spec.field must not be "forbidden"');
    expect(run().output()).toContain('[default/kopf-example-1] Refusing spec.field="forbidden".');
  });

  it("passes the validator's warning on to kubectl", () => {
    expect(warning).toContain('Warning: spec.items is empty: this example will do nothing');
  });

  it('labels new objects', () => {
    expect(labels).toEqual({ 'admitted-by': 'kopf-ts' });
  });

  it('empties the webhook configurations when it exits', async () => {
    for (const kind of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']) {
      const configuration = await run().cluster.get(`${kind}.admissionregistration.k8s.io`, 'auto.kopf.dev');
      expect((configuration as { webhooks?: unknown[] } | undefined)?.webhooks ?? []).toEqual([]);
    }
  });
});
