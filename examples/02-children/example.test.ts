import { describe, expect, it } from 'vitest';
import { defaultBackend, type KubeObject } from '../../src/testing.ts';
import { itBehavesLikeKopfExample, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('example 02-children: the child Pod is not run (the test control plane has no kubelet); its ownership and garbage collection are checked');

describe.skipIf(!hasKubectl)('example 02-children', () => {
  let children: KubeObject[] = [];
  let log = '';

  const run = runExample({
    file: 'examples/02-children/example.ts',
    // The child runs `sleep 1m`: 3 s at this time scale.
    cluster: { runPods: true, timeScale: 0.05 },
    creationWords: /Creation is processed:/,
    handledWhen: (object) => (object.status as { createFn?: unknown } | undefined)?.createFn !== undefined,
    afterCreation: async (run) => {
      const pods = JSON.parse(await run.kubectlOk(['get', 'pods', '-n', 'default', '-o', 'json'])) as { items: KubeObject[] };
      children = pods.items;
      if (real) return;
      const name = children[0]?.metadata?.name ?? '';
      log = await run.cluster.waitFor(async () => (await run.kubectl(['logs', '-n', 'default', name])).stdout, { timeout: 20_000, description: `the log of pod ${name}` });
    },
  });

  itBehavesLikeKopfExample(run, { creation: true, finalizer: false, changing: true });

  it('creates one Pod, owned by the KopfExample, named after it, in its namespace, with its labels', () => {
    const { uid } = run().created.metadata as { uid: string };
    expect(children).toHaveLength(1);
    const metadata = children[0].metadata as Record<string, unknown>;
    expect(metadata.name).toMatch(/^kopf-example-1-\w{5}$/);
    expect(metadata).toMatchObject({
      generateName: 'kopf-example-1-',
      namespace: 'default',
      labels: { somelabel: 'somevalue' },
      ownerReferences: [{ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'kopf-example-1', uid, controller: true, blockOwnerDeletion: true }],
    });
  });

  it("stores the Pod's uid in status.createFn.children", () => {
    expect(run().created.status).toEqual({ createFn: { children: [children[0].metadata?.uid] } });
    expect(run().output()).toContain(`[default/kopf-example-1] Pod ${children[0].metadata?.name} is created.`);
  });

  it.skipIf(real)('runs the Pod with the spec in its environment', () => {
    expect(log).toContain('FIELD=value\n');
  });

  // kube-controller-manager's garbage collector watches a new CRD's objects only after its next
  // discovery (every 30 s), so on the real backend this can take that long.
  it('lets the Pod go with the KopfExample that owns it', { timeout: 90_000 }, async () => {
    const { cluster } = run();
    const name = children[0].metadata?.name ?? '';
    await cluster.waitFor(async () => (await cluster.get('pods', name, 'default')) === undefined, {
      timeout: 80_000,
      interval: 250,
      description: `pod ${name} to be garbage-collected`,
    });
  });
});
