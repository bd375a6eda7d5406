/**
 * Credentials from `on.login` handlers: the operator connects with them (startup handlers run first),
 * a refused one (401) gives way to the next, and once none is left the handlers run again.
 */
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginWithKubeconfig, type LoginCredentials } from '../../src/engine/login.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { createNamespace, example, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;
let good: LoginCredentials;

beforeAll(async () => {
  cluster = await startExampleCluster();
  const config = parse(cluster.kubeconfig);
  const { server, 'certificate-authority-data': ca } = config.clusters[0].cluster;
  good = { server, caPem: Buffer.from(ca, 'base64').toString('utf8'), token: config.users[0].user.token };
});
afterAll(async () => cluster?.stop());

describe('login handlers', () => {
  it('provide the connection, after the startup handlers', async () => {
    const ns = await createNamespace(cluster, 'login-kubeconfig');
    const registry = new Registry();
    const order: string[] = [];
    registry.on.startup(function startFn() {
      order.push('startup');
    });
    registry.on.login(function loginFn() {
      order.push('login');
      return loginWithKubeconfig({ kubeconfig: cluster.kubeconfigPath });
    });
    registry.on.create('kopfexamples', function createFn() {
      return 'created';
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] }, { counting: false });
    try {
      await cluster.apply(example('logged-in', { field: 'x' }, { namespace: ns }));
      await operator.waitForLine(/^\[login-kubeconfig\/logged-in\] Handler 'createFn' succeeded\.$/);
      expect(order).toEqual(['startup', 'login']);
      expect(operator.matching(/^Initial authentication has (been initiated|finished)\.$/)).toHaveLength(2);
    } finally {
      await operator.stop();
    }
  });

  it('give way to the next credentials on a 401, and run again when none is left', async () => {
    const ns = await createNamespace(cluster, 'login-rotation');
    const registry = new Registry();
    let logins = 0;
    registry.on.login(function rotatingFn() {
      logins++;
      // The first login gives only refused credentials; the second one a good token.
      return logins === 1 ? { ...good, token: 'wrong', priority: 10 } : good;
    });
    registry.on.create('kopfexamples', function createFn() {
      return 'created';
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] }, { counting: false });
    try {
      await cluster.apply(example('rotated', { field: 'x' }, { namespace: ns }));
      await operator.waitForLine(/^\[login-rotation\/rotated\] Handler 'createFn' succeeded\.$/, 20_000);
      expect(logins).toBe(2);
      expect(operator.matching(/^Re-authentication has finished\.$/)).toHaveLength(1);
    } finally {
      await operator.stop();
    }
  });
});
