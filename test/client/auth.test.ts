import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { connect, type Api } from '../../src/client/api.ts';
import { loadConnection, type ConnectionInfo } from '../../src/client/config.ts';
import { ConnectionError, ForbiddenError, UnauthorizedError, isTerminal } from '../../src/client/errors.ts';
import { createServingCertificates } from '../../src/core/certificates.ts';
import { defaultBackend, startCluster, type TestCluster } from '../../src/testing.ts';

// Every way of proving who we are, against the server of this run.

const real = defaultBackend() === 'real';
if (real) console.warn('client-certificate tests need a client CA of our own and run on the embedded backend only');
else console.warn('the 403 test needs RBAC and runs on the real backend only (KOPF_TS_TEST_BACKEND=real)');

const Namespaces = { apiVersion: 'v1', kind: 'Namespace' } as const;

let cluster: TestCluster;
let dir: string;
let server: string;
let token: string;
let caPem: string;
const apis: Api[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  cluster = await startCluster();
  dir = mkdtempSync(join(tmpdir(), 'kopf-ts-auth-'));
  const config = parse(cluster.kubeconfig);
  server = config.clusters[0].cluster.server;
  token = config.users[0].user.token;
  caPem = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
});

afterEach(async () => {
  await Promise.all(apis.splice(0).map((a) => a.close()));
  for (const name of ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function kubeconfigFile(user: Record<string, unknown>, clusterFields: Record<string, unknown> = { 'certificate-authority-data': Buffer.from(caPem).toString('base64') }, url = server): string {
  const path = join(dir, `kubeconfig-${++files}`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: url, ...clusterFields } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

async function apiFor(connection: ConnectionInfo | string, retries = 2): Promise<Api> {
  const api = await connect({ ...(typeof connection === 'string' ? { kubeconfig: connection } : { connection }), transport: { retries, backoff: { initialMs: 10, maxMs: 20, factor: 2, jitter: 0 } } });
  apis.push(api);
  return api;
}

/** A connection that counts its re-authentications. */
function counting(connection: ConnectionInfo): ConnectionInfo & { reauthentications: number } {
  const counted = {
    ...connection,
    reauthentications: 0,
    reauthenticate: async () => {
      counted.reauthentications++;
      await connection.reauthenticate();
    },
  };
  return counted;
}

describe('bearer tokens and the CA', () => {
  it('authenticates with the token and verifies the server with the CA', async () => {
    const api = await apiFor(kubeconfigFile({ token }));
    expect((await api.get(Namespaces, 'default')).metadata?.name).toBe('default');
    expect(api.connection.identity).toMatch(/^user "u" of context "ctx" \(bearer token\) from kubeconfig /);
  });

  it('refuses a server whose certificate another CA signed, without retrying', async () => {
    const other = await createServingCertificates({ hosts: ['elsewhere'], ips: ['127.0.0.1'] });
    const retries: unknown[] = [];
    const connection = await loadConnection({ kubeconfig: kubeconfigFile({ token }, { 'certificate-authority-data': Buffer.from(other.caCert).toString('base64') }) });
    const api = await connect({ connection, transport: { retries: 3, onRetry: (n) => retries.push(n) } });
    apis.push(api);
    const error = await api.transport.request({ method: 'GET', path: '/api/v1/namespaces/default' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /^get namespaces default: cannot reach https:\/\/127\.0\.0\.1:\d+: its certificate is not trusted \(.+\); check the CA \(certificate-authority\) of the kubeconfig$/,
    );
    expect(retries).toEqual([]);
  });

  it('skips verification when the kubeconfig says insecure-skip-tls-verify', async () => {
    const api = await apiFor(kubeconfigFile({ token }, { 'insecure-skip-tls-verify': true }));
    expect(api.connection.insecure).toBe(true);
    expect((await api.get(Namespaces, 'default')).metadata?.name).toBe('default');
  });

  it('reports rejected credentials as terminal, once re-authenticating did not help', async () => {
    const connection = counting(await loadConnection({ kubeconfig: kubeconfigFile({ token: 'not-the-token' }) }));
    const api = await apiFor(connection);
    // One request (no discovery before it), so exactly one re-authentication.
    const error = await api.transport.request({ method: 'GET', path: '/api/v1/namespaces/default' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(isTerminal(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^get namespaces default: 401 Unauthorized: the server rejected the credentials of user "u" of context "ctx" \(bearer token\) from kubeconfig \S+, also after re-authenticating; this is terminal until the credentials are fixed$/,
    );
    expect(connection.reauthentications).toBe(1);
  });

  it('re-reads a rotated token file when the server rejects the old token', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'expired-token');
    const connection = counting(await loadConnection({ kubeconfig: kubeconfigFile({ 'token-file': tokenFile }) }));
    const api = await apiFor(connection);
    // The token rotates after the connection read the file: the next request fails once, then succeeds.
    writeFileSync(tokenFile, token);
    const get = (name: string) => api.transport.request<{ metadata: { name: string } }>({ method: 'GET', path: `/api/v1/namespaces/${name}` });
    expect((await get('default')).metadata.name).toBe('default');
    expect(connection.reauthentications).toBe(1);
    expect((await get('kube-system')).metadata.name).toBe('kube-system');
    expect(connection.reauthentications).toBe(1);
    // The facade works on the renewed credentials too.
    expect((await api.get(Namespaces, 'kube-public')).metadata?.name).toBe('kube-public');
  });

  it('runs as the pod service account in a cluster', async () => {
    const prefix = join(dir, 'pod');
    const accountDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(accountDir, { recursive: true });
    writeFileSync(join(accountDir, 'token'), token);
    writeFileSync(join(accountDir, 'ca.crt'), caPem);
    writeFileSync(join(accountDir, 'namespace'), 'kube-system');
    const url = new URL(server);
    process.env.KUBERNETES_SERVICE_HOST = url.hostname;
    process.env.KUBERNETES_SERVICE_PORT = url.port;
    const api = await connect({ inCluster: true, inClusterPathPrefix: prefix });
    apis.push(api);
    expect(api.namespace).toBe('kube-system');
    expect((await api.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: api.namespace })).kind).toBe('ConfigMapList');
  });
});

describe.skipIf(real)('client certificates (embedded: a client CA of our own)', () => {
  let certCluster: TestCluster;
  let clientCa: Awaited<ReturnType<typeof createServingCertificates>>;

  beforeAll(async () => {
    // A CA and a certificate for the user "alice": CN is the user, as kube-apiserver reads it.
    clientCa = await createServingCertificates({ hosts: ['alice'], ips: [] });
    certCluster = await startCluster({ clientCaPem: clientCa.caCert });
  });

  afterAll(async () => {
    await certCluster?.stop();
  });

  function certificateKubeconfig(cert: string, key: string): string {
    const config = parse(certCluster.kubeconfig);
    return kubeconfigFile(
      { 'client-certificate-data': Buffer.from(cert).toString('base64'), 'client-key-data': Buffer.from(key).toString('base64') },
      { 'certificate-authority-data': config.clusters[0].cluster['certificate-authority-data'] },
      certCluster.url,
    );
  }

  it('authenticates with a certificate the client CA signed, without a token', async () => {
    const api = await apiFor(certificateKubeconfig(clientCa.cert, clientCa.key));
    expect(api.connection.identity).toContain('(client certificate)');
    expect((await api.get(Namespaces, 'default')).metadata?.name).toBe('default');
  });

  it('rejects a certificate from another CA with 401', async () => {
    const stranger = await createServingCertificates({ hosts: ['mallory'], ips: [] });
    const api = await apiFor(certificateKubeconfig(stranger.cert, stranger.key));
    await expect(api.get(Namespaces, 'default')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('keeps accepting the bearer token beside certificates', async () => {
    const api = await apiFor(certCluster.kubeconfigPath);
    expect((await api.get(Namespaces, 'default')).metadata?.name).toBe('default');
  });
});

describe.skipIf(!real)('missing permissions (real: RBAC)', () => {
  it('reports an RBAC denial as terminal, naming the user, verb and resource', async () => {
    const admin = await apiFor(cluster.kubeconfigPath);
    await admin.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nobody', namespace: 'default' } });
    const request = await admin.transport.request<{ status: { token: string } }>({
      method: 'POST',
      path: '/api/v1/namespaces/default/serviceaccounts/nobody/token',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    });
    const api = await apiFor(kubeconfigFile({ token: request.status.token }));
    const error = await api.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'default' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(isTerminal(error)).toBe(true);
    expect((error as Error).message).toBe(
      'list pods in default: 403 Forbidden: pods is forbidden: User "system:serviceaccount:default:nobody" cannot list resource "pods" in API group "" in the namespace "default"; a missing permission is terminal until RBAC grants it',
    );
  });
});
