/**
 * How to test an operator: a cluster for the test (the embedded API server, or a real one with
 * `KOPF_TS_TEST_BACKEND=real`), the operator in the background with `OperatorRunner`, objects created and
 * deleted as a user would, then assertions on the operator's log, its exit and the objects.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorRunner, startCluster, type TestCluster } from 'kopf-ts/testing';

const operatorFile = fileURLToPath(new URL('./example.ts', import.meta.url));
const crd = readFileSync(new URL('../crd.yaml', import.meta.url), 'utf8');
const obj = readFileSync(new URL('../obj.yaml', import.meta.url), 'utf8');

describe('example 09-testing', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.apply(crd);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('handles a KopfExample from creation to deletion', async () => {
    // `await using`: the operator is stopped at the end of the test even when an assertion fails.
    await using runner = new OperatorRunner({ files: [operatorFile], cluster, args: { clusterwide: true, standalone: true } });
    await runner.start();

    await cluster.apply(obj);
    await runner.waitForLine(/Creation is processed:/);
    const handled = await cluster.waitFor(async () => (await cluster.get('kopfexamples', 'kopf-example-1', 'default'))?.status, {
      description: "the handler's result in the status",
    });

    await cluster.delete('kopfexamples', 'kopf-example-1', { namespace: 'default' });
    await runner.waitForLine(/Deleted, really deleted/);

    const { exitCode, error } = await runner.stop();
    expect({ exitCode, error }).toEqual({ exitCode: 0, error: undefined });
    expect(runner.output).toContain('[default/kopf-example-1] Creation is in progress:');
    expect(runner.output).toContain('[default/kopf-example-1] Something was logged here.');
    expect(handled).toEqual({ createFn: { message: 'kopf-example-1 is handled' } });
  });
});
