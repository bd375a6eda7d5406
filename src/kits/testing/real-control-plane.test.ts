import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findControlPlaneBinaries, startRealControlPlane, type RealControlPlane } from './real-control-plane.ts';

const run = promisify(execFile);
const kubectl = '/usr/bin/kubectl';
const binaries = findControlPlaneBinaries();
const missingBinaries = 'no control-plane binaries found (run scripts/control-plane/build, or set KUBEBUILDER_ASSETS)';

/** The error code of a TCP connection attempt to a loopback port, or 'connected'. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startRealControlPlane with broken binaries', () => {
  let assets: string;
  const saved = { KUBEBUILDER_ASSETS: process.env.KUBEBUILDER_ASSETS, KOPF_TS_CACHE_DIR: process.env.KOPF_TS_CACHE_DIR };

  beforeEach(() => {
    assets = mkdtempSync(join(tmpdir(), 'kopf-ts-fake-assets-'));
    process.env.KUBEBUILDER_ASSETS = assets;
    process.env.KOPF_TS_CACHE_DIR = join(assets, 'no-cache');
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(assets, { recursive: true, force: true });
  });

  function fakeBinary(name: string, script: string): void {
    writeFileSync(join(assets, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  }

  function keptDir(error: Error): string {
    const match = /kept in (\S+)\)/.exec(error.message);
    if (!match) throw new Error(`no kept directory named in: ${error.message}`);
    return match[1];
  }

  it('fails with the end of the log of a component that exits early, and keeps its files', async () => {
    fakeBinary('etcd', 'echo "etcd cannot start: disk on fire"; exit 1');
    fakeBinary('kube-apiserver', 'exit 1');
    const error: Error = await startRealControlPlane().catch((caught) => caught);
    expect(error.message).toContain('etcd exited during start (code 1)');
    expect(error.message).toContain('disk on fire');
    const dir = keptDir(error);
    expect(readFileSync(join(dir, 'etcd.log'), 'utf8')).toContain('disk on fire');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts again with new ports when a port was taken, a few times', async () => {
    const attempts = join(assets, 'attempts');
    fakeBinary('etcd', `echo "$*" >>${attempts}; echo "listen tcp: bind: address already in use"; exit 1`);
    fakeBinary('kube-apiserver', 'exit 1');
    const error: Error = await startRealControlPlane().catch((caught) => caught);
    expect(error.message).toContain('address already in use');
    const clientUrls = readFileSync(attempts, 'utf8')
      .trim()
      .split('\n')
      .map((line) => /--listen-client-urls=(\S+)/.exec(line)?.[1]);
    expect(clientUrls).toHaveLength(3);
    expect(new Set(clientUrls).size).toBe(3);
    rmSync(keptDir(error), { recursive: true, force: true });
  });

  it('refuses a controller manager that was asked for but is missing', async () => {
    fakeBinary('etcd', 'exit 1');
    fakeBinary('kube-apiserver', 'exit 1');
    await expect(startRealControlPlane({ controllerManager: true })).rejects.toThrow(/no kube-controller-manager in/);
  });

  it('says how to get binaries when there are none', async () => {
    await expect(startRealControlPlane()).rejects.toThrow(/run scripts\/control-plane\/build/);
  });
});

if (!binaries && process.env.CI) {
  it('finds the control-plane binaries, which CI must have', () => {
    throw new Error(`${missingBinaries}: CI must run the real control-plane tests`);
  });
} else if (!binaries) {
  // The default reporter lists no names of skipped tests; the warning makes the reason visible in every run.
  console.warn(`real control plane tests skipped: ${missingBinaries}`);
  it.skip(`real control plane skipped: ${missingBinaries}`, () => {});
} else {
  describe(`a real control plane from ${binaries.source}`, () => {
    let plane: RealControlPlane;
    let agent: Agent;

    async function getJson(path: string): Promise<{ status: number; body: any }> {
      const response = await request(`${plane.url}${path}`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${plane.token}` },
      });
      return { status: response.statusCode, body: await response.body.json() };
    }

    async function runKubectl(...args: string[]): Promise<string> {
      const { stdout } = await run(kubectl, ['--kubeconfig', plane.kubeconfigPath, ...args]);
      return stdout;
    }

    beforeAll(async () => {
      plane = await startRealControlPlane();
      agent = new Agent({ connect: { ca: plane.caPem } });
    }, 60_000);

    afterAll(async () => {
      await agent?.close();
      await plane?.stop();
    }, 30_000);

    it('serves /version of Kubernetes 1.32', async () => {
      const { status, body } = await getJson('/version');
      expect(status).toBe(200);
      expect(body).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.13' });
    });

    it('writes a kubeconfig whose cluster, user and context are all "kopf-ts"', () => {
      expect(plane.kubeconfig).toContain('current-context: kopf-ts');
      expect(plane.kubeconfig).toContain(`server: ${plane.url}`);
      expect(plane.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    });

    it.skipIf(!existsSync(kubectl))('lists the built-in namespaces with kubectl', async () => {
      const names = (await runKubectl('get', 'namespaces', '-o', 'name')).split('\n');
      expect(names).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system']));
    });

    it.skipIf(!existsSync(kubectl))('creates a ConfigMap with kubectl', async () => {
      await runKubectl('create', 'configmap', 'greeting', '--namespace=default', '--from-literal=text=hello');
      const { status, body } = await getJson('/api/v1/namespaces/default/configmaps/greeting');
      expect(status).toBe(200);
      expect(body.data).toEqual({ text: 'hello' });
    });

    it.skipIf(!binaries.kubeControllerManager)('gives a new namespace its default ServiceAccount', async () => {
      expect(plane.controllerManager).toBe(true);
      const namespace = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'fresh' },
      };
      const created = await request(`${plane.url}/api/v1/namespaces`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${plane.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(namespace),
      });
      await created.body.dump();
      expect(created.statusCode).toBe(201);
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline) {
        ({ status } = await getJson('/api/v1/namespaces/fresh/serviceaccounts/default'));
        if (status === 200) break;
        await sleep(100);
      }
      expect(status).toBe(200);
    });

    it('stops every process, closes the port and removes its files', async () => {
      const pids = Object.values(plane.pids).filter((pid): pid is number => pid !== undefined);
      expect(pids.length).toBe(plane.controllerManager ? 3 : 2);
      expect(pids.every(isRunning)).toBe(true);
      const port = Number(new URL(plane.url).port);

      await plane.stop();

      expect(pids.filter(isRunning)).toEqual([]);
      expect(await connectOutcome(port)).toBe('ECONNREFUSED');
      expect(existsSync(plane.kubeconfigPath)).toBe(false);
    });
  });
}
