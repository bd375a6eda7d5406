/**
 * `kopf manifests` as a process: the YAML it prints for real examples parses, the API server accepts
 * it, and — on the real backend, which enforces RBAC — the ServiceAccount may do what the operator
 * needs and nothing unrelated. The embedded cluster allows every request, so there the permission
 * checks are skipped (with a warning saying so).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { watchProcess } from '../support/example-e2e.ts';
import { hasKubectl, kubectlFor, type KubectlResult } from '../support/kubectl.ts';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
// The CLI compiles and loads the operator code, and the embedded cluster for --crd: seconds each.
const processTimeoutMs = 90_000;
const slow = { timeout: processTimeoutMs * 2 };

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/kopf.js manifests <args>` to its end. */
function manifests(args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repositoryRoot, 'bin/kopf.js'), 'manifests', ...args],
      { cwd: repositoryRoot, env: { ...process.env, ...env }, timeout: processTimeoutMs },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

interface KubeDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

function parse(yaml: string): KubeDocument[] {
  return parseAllDocuments(yaml).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJSON() as KubeDocument;
  });
}

function ok(result: KubectlResult, what: string): string {
  if (result.code !== 0) throw new Error(`kubectl ${what} exited with ${result.code}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

const noRbac = 'kopf manifests: the embedded cluster does not enforce RBAC (docs/embedded-cluster.md): the permission checks run on the real backend only (KOPF_TS_TEST_BACKEND=real)';

describe.skipIf(!hasKubectl)('kopf manifests', slow, () => {
  let cluster: TestCluster;
  let kubectl: ReturnType<typeof kubectlFor>;
  let emptyKubeconfig: string;

  beforeAll(async () => {
    cluster = await startCluster();
    kubectl = kubectlFor(cluster.kubeconfigPath);
    ok(await kubectl(['apply', '-f', join(repositoryRoot, 'examples/crd.yaml')]), 'apply crd.yaml');
    ok(await kubectl(['apply', '-f', join(repositoryRoot, 'examples/peering.yaml')]), 'apply peering.yaml');
    ok(await kubectl(['wait', '--for', 'condition=Established', '--timeout', '30s', 'crd/kopfexamples.kopf.dev', 'crd/kopfpeerings.kopf.dev', 'crd/clusterkopfpeerings.kopf.dev']), 'wait for the CRDs');
    // A kubeconfig that names no cluster: what --crd resolves against must not come from one.
    emptyKubeconfig = join(mkdtempSync(join(tmpdir(), 'kopf-ts-manifests-')), 'kubeconfig');
    writeFileSync(emptyKubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
  }, processTimeoutMs);

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('for examples/01-minimal, resolved against the cluster', () => {
    let exit: Exit;
    beforeAll(async () => {
      exit = await manifests(['examples/01-minimal/example.ts', '--name', 'minimal', '--image', 'example/minimal:1'], { KUBECONFIG: cluster.kubeconfigPath });
    }, processTimeoutMs);

    it('prints a ServiceAccount, a ClusterRole with its binding and a Deployment', () => {
      expect(exit.stderr).toBe('');
      expect(exit.code).toBe(0);
      expect(parse(exit.stdout).map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
        'ServiceAccount/minimal',
        'ClusterRole/minimal',
        'ClusterRoleBinding/minimal',
        'Deployment/minimal',
      ]);
    });

    it('is accepted by the API server', async () => {
      ok(await kubectl(['apply', '--dry-run=server', '-f', '-'], exit.stdout), 'apply --dry-run=server');
    });

    it('lets the ServiceAccount do what the operator needs and nothing unrelated', async (context) => {
      if (cluster.backend !== 'real') {
        console.warn(noRbac);
        context.skip();
      }
      ok(await kubectl(['apply', '-f', '-'], exit.stdout), 'apply');
      const canI = async (...args: string[]) => {
        const result = await kubectl(['auth', 'can-i', '--as=system:serviceaccount:default:minimal', ...args]);
        return result.stdout.trim();
      };
      expect(await canI('list', 'kopfexamples.kopf.dev', '-A')).toBe('yes');
      expect(await canI('watch', 'kopfexamples.kopf.dev', '-A')).toBe('yes');
      expect(await canI('patch', 'kopfexamples.kopf.dev', '-n', 'default')).toBe('yes');
      expect(await canI('patch', 'kopfexamples.kopf.dev', '--subresource=status', '-n', 'default')).toBe('yes');
      expect(await canI('create', 'events', '-n', 'default')).toBe('yes');
      expect(await canI('watch', 'customresourcedefinitions.apiextensions.k8s.io')).toBe('yes');
      expect(await canI('patch', 'clusterkopfpeerings.kopf.dev')).toBe('yes');
      expect(await canI('delete', 'kopfexamples.kopf.dev', '-n', 'default')).toBe('no');
      expect(await canI('get', 'secrets', '-n', 'default')).toBe('no');
      expect(await canI('delete', 'secrets', '-n', 'default')).toBe('no');
      expect(await canI('create', 'pods', '-n', 'default')).toBe('no');
      expect(await canI('list', 'namespaces')).toBe('no');
    });

    it('is enough for the operator: run with the token of the ServiceAccount alone, it handles an object', async (context) => {
      if (cluster.backend !== 'real') {
        console.warn(noRbac);
        context.skip();
      }
      ok(await kubectl(['apply', '-f', '-'], exit.stdout), 'apply');
      const token = ok(await kubectl(['create', 'token', 'minimal', '-n', 'default']), 'create token').trim();
      const admin = JSON.parse(ok(await kubectl(['config', 'view', '--raw', '--minify', '-o', 'json']), 'config view')) as {
        clusters: Array<{ cluster: Record<string, string> }>;
      };
      const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kopf-ts-manifests-')), 'kubeconfig');
      const asServiceAccount = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'real', cluster: admin.clusters[0].cluster }],
        users: [{ name: 'minimal', user: { token } }],
        contexts: [{ name: 'minimal', context: { cluster: 'real', user: 'minimal', namespace: 'default' } }],
        'current-context': 'minimal',
      };
      writeFileSync(kubeconfig, JSON.stringify(asServiceAccount));
      // The Deployment's own arguments, run here instead of in a pod.
      const deployment = parse(exit.stdout).find((object) => object.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } };
      const args = deployment.spec.template.spec.containers[0].args;
      const operator = spawn(process.execPath, [join(repositoryRoot, 'bin/kopf.js'), ...args, '--verbose'], { cwd: repositoryRoot, env: { ...process.env, KUBECONFIG: kubeconfig } });
      const watched = watchProcess(operator, 'operator');
      try {
        await watched.waitForOutput(/Client is configured/, 60_000);
        ok(await kubectl(['apply', '-f', join(repositoryRoot, 'examples/obj.yaml')]), 'apply obj.yaml');
        await watched.waitForOutput(/Handler 'createFn' succeeded/, 30_000);
        const handled = JSON.parse(ok(await kubectl(['get', 'kex', 'kopf-example-1', '-n', 'default', '-o', 'json']), 'get kex')) as { status?: Record<string, unknown> };
        expect(handled.status?.createFn).toEqual({ message: 'hello world' });
        expect(watched.output()).not.toMatch(/forbidden|403/i);
      } finally {
        operator.kill('SIGINT');
        if (!(await watched.waitForExit(20_000))) operator.kill('SIGKILL');
        await kubectl(['delete', 'kex', 'kopf-example-1', '-n', 'default', '--wait=false']);
      }
    });
  });

  describe('for examples/10-builtins in two namespaces, resolved offline with --crd', () => {
    let exit: Exit;
    beforeAll(async () => {
      for (const namespace of ['manifests-a', 'manifests-b', 'manifests-ops']) ok(await kubectl(['create', 'namespace', namespace]), `create namespace ${namespace}`);
      const args = ['examples/10-builtins/example.ts', '--crd', 'examples/crd.yaml', '-n', 'manifests-a', '-n', 'manifests-b', '--namespace-of-deployment', 'manifests-ops', '--name', 'builtins'];
      exit = await manifests(args, { KUBECONFIG: emptyKubeconfig });
    }, processTimeoutMs);

    it('prints a Role and RoleBinding per namespace besides the cluster-wide part', () => {
      expect(exit.stderr).toBe('');
      expect(exit.code).toBe(0);
      expect(parse(exit.stdout).map((object) => `${object.kind}/${object.metadata.namespace ?? ''}`)).toEqual([
        'ServiceAccount/manifests-ops',
        'ClusterRole/',
        'ClusterRoleBinding/',
        'Role/manifests-a',
        'RoleBinding/manifests-a',
        'Role/manifests-b',
        'RoleBinding/manifests-b',
        'Deployment/manifests-ops',
      ]);
    });

    it('is accepted by the API server', async () => {
      ok(await kubectl(['apply', '--dry-run=server', '-f', '-'], exit.stdout), 'apply --dry-run=server');
    });

    it('lets the ServiceAccount serve pods in its namespaces only', async (context) => {
      if (cluster.backend !== 'real') {
        console.warn(noRbac);
        context.skip();
      }
      ok(await kubectl(['apply', '-f', '-'], exit.stdout), 'apply');
      const canI = async (...args: string[]) => {
        const result = await kubectl(['auth', 'can-i', '--as=system:serviceaccount:manifests-ops:builtins', ...args]);
        return result.stdout.trim();
      };
      for (const namespace of ['manifests-a', 'manifests-b']) {
        expect(await canI('watch', 'pods', '-n', namespace)).toBe('yes');
        expect(await canI('patch', 'pods', '-n', namespace)).toBe('yes');
        expect(await canI('create', 'events', '-n', namespace)).toBe('yes');
        expect(await canI('patch', 'kopfpeerings.kopf.dev', '-n', namespace)).toBe('yes');
      }
      expect(await canI('list', 'namespaces')).toBe('yes');
      expect(await canI('watch', 'pods', '-n', 'default')).toBe('no');
      expect(await canI('list', 'pods', '-A')).toBe('no');
      expect(await canI('delete', 'pods', '-n', 'manifests-a')).toBe('no');
      expect(await canI('delete', 'secrets', '-n', 'manifests-a')).toBe('no');
    });
  });

  describe('errors', () => {
    it('names a selector that matches nothing and exits with 1', async () => {
      const exit = await manifests(['examples/01-minimal/example.ts', '--crd', 'examples/peering.yaml'], { KUBECONFIG: emptyKubeconfig });
      expect(exit.code).toBe(1);
      expect(exit.stderr).toContain('kopf: the handlers cannot be served: "kopfexamples" matches no resource of the cluster (is its CRD installed?)');
      expect(exit.stdout).toBe('');
    });

    it('exits with 2 for -A with -n', async () => {
      const exit = await manifests(['-A', '-n', 'default', 'examples/01-minimal/example.ts'], {});
      expect(exit.code).toBe(2);
      expect(exit.stderr).toContain('error: -A/--all-namespaces and -n/--namespace cannot be used together');
    });
  });
});
