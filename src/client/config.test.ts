import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { loadConnection } from './config.ts';

let dir: string;
const savedEnv = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopf-ts-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const name of ['KUBECONFIG', 'HOME', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

const caPem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');

interface Entry {
  name: string;
  [field: string]: unknown;
}

function kubeconfig(file: string, config: { clusters?: Entry[]; users?: Entry[]; contexts?: Entry[]; current?: string }): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: (config.clusters ?? []).map(({ name, ...cluster }) => ({ name, cluster })),
      users: (config.users ?? []).map(({ name, ...user }) => ({ name, user })),
      contexts: (config.contexts ?? []).map(({ name, ...context }) => ({ name, context })),
      ...(config.current ? { 'current-context': config.current } : {}),
    }),
  );
  return path;
}

function simple(file: string, user: Record<string, unknown>, cluster: Record<string, unknown> = { server: 'https://10.0.0.1:6443', 'certificate-authority-data': b64(caPem) }): string {
  return kubeconfig(file, {
    clusters: [{ name: 'c', ...cluster }],
    users: [{ name: 'u', ...user }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u', namespace: 'team-a' }],
    current: 'ctx',
  });
}

describe('kubeconfig files', () => {
  it('reads the server, CA, namespace, token and identity of the current context', async () => {
    const path = simple('token.yaml', { token: 'abc' });
    const connection = await loadConnection({ kubeconfig: path });
    expect(connection.server).toBe('https://10.0.0.1:6443');
    expect(connection.caPem).toBe(caPem);
    expect(connection.insecure).toBe(false);
    expect(connection.namespace).toBe('team-a');
    expect(connection.identity).toBe(`user "u" of context "ctx" (bearer token) from kubeconfig ${path}`);
    expect(connection.source).toBe('kubeconfig');
    expect(await connection.credentials()).toEqual({ headers: { Authorization: 'Bearer abc' }, clientCertificate: undefined });
  });

  it('says where the configuration came from: text, or a KubeConfig the caller loaded', async () => {
    const text = readFileSync(simple('text.yaml', { token: 'abc' }), 'utf8');
    const fromText = await loadConnection({ kubeconfigText: text });
    expect(fromText.source).toBe('text');
    expect(fromText.identity).toContain('from the given kubeconfig text');
    const { KubeConfig } = await import('@kubernetes/client-node');
    const given = new KubeConfig();
    given.loadFromString(text);
    expect((await loadConnection({ kubeConfig: given })).source).toBe('kubeconfig');
  });

  it('reads a CA file relative to the kubeconfig', async () => {
    mkdirSync(join(dir, 'certs'), { recursive: true });
    writeFileSync(join(dir, 'certs', 'ca.crt'), caPem);
    const path = simple('cafile.yaml', { token: 'abc' }, { server: 'https://k:6443', 'certificate-authority': 'certs/ca.crt' });
    expect((await loadConnection({ kubeconfig: path })).caPem).toBe(caPem);
  });

  it('skips verification with insecure-skip-tls-verify', async () => {
    const connection = await loadConnection({ kubeconfig: simple('insecure.yaml', { token: 'abc' }, { server: 'https://k:6443', 'insecure-skip-tls-verify': true }) });
    expect(connection.insecure).toBe(true);
    expect(connection.caPem).toBeUndefined();
  });

  it('serves plain HTTP servers, credentials included, with the default namespace', async () => {
    const path = kubeconfig('http.yaml', {
      clusters: [{ name: 'c', server: 'http://127.0.0.1:8080' }],
      users: [{ name: 'u', token: 'abc' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      current: 'ctx',
    });
    const connection = await loadConnection({ kubeconfig: path });
    expect(connection).toMatchObject({ server: 'http://127.0.0.1:8080', insecure: false, caPem: undefined, namespace: 'default' });
    expect((await connection.credentials()).headers).toEqual({ Authorization: 'Bearer abc' });
  });

  it('presents client certificates', async () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n';
    const connection = await loadConnection({ kubeconfig: simple('cert.yaml', { 'client-certificate-data': b64(cert), 'client-key-data': b64(key) }) });
    expect(await connection.credentials()).toEqual({ headers: {}, clientCertificate: { cert, key } });
    expect(connection.identity).toContain('(client certificate)');
  });

  it('sends basic auth and impersonation headers', async () => {
    const connection = await loadConnection({ kubeconfig: simple('basic.yaml', { username: 'admin', password: 's3cret', as: 'alice' }) });
    expect((await connection.credentials()).headers).toEqual({ Authorization: `Basic ${b64('admin:s3cret')}`, 'Impersonate-User': 'alice' });
    expect(connection.identity).toContain('(basic auth)');
  });

  it('switches to another context, and names the known ones when it does not exist', async () => {
    const path = kubeconfig('contexts.yaml', {
      clusters: [
        { name: 'one', server: 'https://one:6443' },
        { name: 'two', server: 'https://two:6443' },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [
        { name: 'first', cluster: 'one', user: 'u' },
        { name: 'second', cluster: 'two', user: 'u', namespace: 'ns2' },
      ],
      current: 'first',
    });
    expect(await loadConnection({ kubeconfig: path, context: 'second' })).toMatchObject({ server: 'https://two:6443', namespace: 'ns2' });
    await expect(loadConnection({ kubeconfig: path, context: 'third' })).rejects.toThrow(`context "third" is not in kubeconfig ${path} (contexts: first, second)`);
  });

  it('merges a KUBECONFIG list: the first file naming something wins', async () => {
    const a = kubeconfig('merge-a.yaml', {
      clusters: [{ name: 'shared', server: 'https://from-a:6443' }],
      users: [{ name: 'u', token: 'token-a' }],
      contexts: [{ name: 'ctx-a', cluster: 'shared', user: 'u' }],
      current: 'ctx-a',
    });
    const b = kubeconfig('merge-b.yaml', {
      clusters: [
        { name: 'shared', server: 'https://from-b:6443' },
        { name: 'only-b', server: 'https://only-b:6443' },
      ],
      users: [{ name: 'u', token: 'token-b' }],
      contexts: [
        { name: 'ctx-b', cluster: 'only-b', user: 'u' },
        { name: 'ctx-shared', cluster: 'shared', user: 'u' },
      ],
      current: 'ctx-b',
    });
    process.env.KUBECONFIG = `${a}:${b}`;
    const current = await loadConnection();
    expect(current.server).toBe('https://from-a:6443');
    expect(current.identity).toContain(`from KUBECONFIG=${a}:${b}`);
    expect(current.source).toBe('kubeconfig');
    const other = await loadConnection({ context: 'ctx-b' });
    expect(other.server).toBe('https://only-b:6443');
    expect((await other.credentials()).headers.Authorization).toBe('Bearer token-a');
    expect((await loadConnection({ context: 'ctx-shared' })).server).toBe('https://from-a:6443');
  });

  it('takes the current context from a later file when the first has none', async () => {
    const a = kubeconfig('nocurrent-a.yaml', { clusters: [{ name: 'c', server: 'https://a:6443' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }] });
    const b = kubeconfig('nocurrent-b.yaml', { current: 'x' });
    expect((await loadConnection({ kubeconfig: [a, b] })).server).toBe('https://a:6443');
  });
});

describe('rotating credentials', () => {
  it('re-reads a token file when re-authenticating', async () => {
    const tokenFile = join(dir, 'rotating-token');
    writeFileSync(tokenFile, 'old');
    const connection = await loadConnection({ kubeconfig: simple('tokenfile.yaml', { 'token-file': tokenFile }) });
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer old');
    writeFileSync(tokenFile, 'new');
    await connection.reauthenticate();
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer new');
  });

  it('runs an exec plugin, and runs it again when re-authenticating', async () => {
    const source = join(dir, 'exec-token');
    writeFileSync(source, 'one');
    const script = `const t=require('fs').readFileSync(${JSON.stringify(source)},'utf8');console.log(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:t}}))`;
    const path = simple('exec.yaml', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: ['-e', script] } });
    const connection = await loadConnection({ kubeconfig: path });
    expect(connection.identity).toContain(`(exec plugin ${JSON.stringify(process.execPath)})`);
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer one');
    writeFileSync(source, 'two');
    await connection.reauthenticate();
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer two');
  });

  it('asks a plugin again once its credentials are 10 seconds old, without waiting for a 401', async () => {
    const source = join(dir, 'aging-token');
    writeFileSync(source, 'early');
    const script = `const t=require('fs').readFileSync(${JSON.stringify(source)},'utf8');console.log(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:t}}))`;
    const connection = await loadConnection({ kubeconfig: simple('aging.yaml', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: ['-e', script] } }) });
    writeFileSync(source, 'late');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      expect((await connection.credentials()).headers.Authorization).toBe('Bearer early');
      vi.setSystemTime(Date.now() + 10_001);
      expect((await connection.credentials()).headers.Authorization).toBe('Bearer late');
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets concurrent re-authentications share one reload', async () => {
    const tokenFile = join(dir, 'shared-token');
    writeFileSync(tokenFile, 't1');
    const connection = await loadConnection({ kubeconfig: simple('shared.yaml', { 'token-file': tokenFile }) });
    writeFileSync(tokenFile, 't2');
    await Promise.all([connection.reauthenticate(), connection.reauthenticate(), connection.reauthenticate()]);
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer t2');
  });
});

describe('in-cluster', () => {
  function serviceAccount(prefix: string, token: string): void {
    const accountDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(accountDir, { recursive: true });
    writeFileSync(join(accountDir, 'token'), token);
    writeFileSync(join(accountDir, 'ca.crt'), caPem);
    writeFileSync(join(accountDir, 'namespace'), 'operators');
  }

  it('uses the service account of the pod', async () => {
    const prefix = join(dir, 'pod-root');
    serviceAccount(prefix, 'sa-token');
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    delete process.env.KUBECONFIG;
    const connection = await loadConnection({ inClusterPathPrefix: prefix });
    expect(connection).toMatchObject({ server: 'https://10.96.0.1:443', caPem, namespace: 'operators', insecure: false });
    expect(connection.identity).toContain('(token file');
    expect(connection.identity).toContain('from the in-cluster service account');
    expect(connection.source).toBe('in-cluster');
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer sa-token');
  });

  it('re-reads the rotated service-account token when re-authenticating', async () => {
    const prefix = join(dir, 'pod-rotating');
    serviceAccount(prefix, 'first');
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    const connection = await loadConnection({ inCluster: true, inClusterPathPrefix: prefix });
    expect(connection.source).toBe('in-cluster');
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer first');
    serviceAccount(prefix, 'second');
    await connection.reauthenticate();
    expect((await connection.credentials()).headers.Authorization).toBe('Bearer second');
  });

  it('says what to do when there is no configuration at all', async () => {
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
    process.env.HOME = join(dir, 'empty-home');
    mkdirSync(process.env.HOME, { recursive: true });
    await expect(loadConnection()).rejects.toThrow('no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account');
  });
});
