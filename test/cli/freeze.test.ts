/**
 * `kopf freeze` and `kopf resume` as processes, against operators that peer in the same peering object:
 * a freeze pauses an operator of lower priority until it is resumed or its lifetime runs out, with the
 * record in the peering object's status as Kopf writes it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { Settings } from '../../src/registry/settings.ts';
import { createNamespace, example, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator, type TestOperator } from '../support/operator.ts';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const peeringCrds = readFileSync(join(repositoryRoot, 'examples/peering.yaml'), 'utf8');
// Each command is a process that compiles and loads the client: seconds each, more on a busy machine.
const processTimeoutMs = 60_000;
const slow = { timeout: 3 * processTimeoutMs };

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cluster: TestCluster;

/** Runs `node bin/kopf.js <args>` against the test cluster, to its end. */
function kopf(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repositoryRoot, 'bin/kopf.js'), ...args],
      { cwd: repositoryRoot, env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, ...env }, timeout: processTimeoutMs },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/** Runs a command that must succeed, failing with its output otherwise. */
async function succeed(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  const exit = await kopf(args, env);
  if (exit.code !== 0) throw new Error(`kopf ${args.join(' ')} exited with ${exit.code}:\n${exit.stdout}${exit.stderr}`);
  return exit;
}

/** An operator of priority 0 in the peering object `peering`, recording the objects it handles. */
async function peeredOperator(peering: string, namespaces?: string[]): Promise<{ operator: TestOperator; handled: string[] }> {
  const registry = new Registry();
  const handled: string[] = [];
  registry.on.create('kopfexamples', function createFn({ name }) {
    handled.push(name as string);
  });
  const operator = await startOperator(cluster, { registry, settings: Settings({ peering: { lifetime: 60 } }), peering, ...(namespaces ? { namespaces } : {}) });
  return { operator, handled };
}

async function records(plural: string, name: string, namespace?: string): Promise<Record<string, unknown>> {
  return ((await cluster.get(plural, name, namespace))?.status ?? {}) as Record<string, unknown>;
}

const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const pausedLine = (identity: string, priority: number) => new RegExp(`^Pausing operations in favour of ${identity.replace(/[.]/g, '\\.')} \\(priority ${priority}\\)\\.$`);
const resumedLine = /^Resuming operations after the pause\. Conflicting operators with the same priority are gone\.$/;

beforeAll(async () => {
  cluster = await startExampleCluster();
}, 120_000);
afterAll(async () => cluster?.stop());

describe('kopf freeze without the peering CRDs', slow, () => {
  it('says which CRD is missing, and exits with 1', async () => {
    const exit = await kopf(['freeze', '-P', 'team', '-t', '60', '-A']);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe('kopf: the cluster does not serve clusterkopfpeerings.kopf.dev: apply the peering CRDs first (examples/peering.yaml)\n');
  });
});

describe('kopf freeze and kopf resume', slow, () => {
  beforeAll(async () => {
    await cluster.apply(peeringCrds);
  }, 60_000);

  it('pause a namespaced operator of lower priority, and let it go on', async () => {
    const ns = await createNamespace(cluster, 'freeze-namespaced');
    await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'KopfPeering', metadata: { name: 'team', namespace: ns } });
    const { operator, handled } = await peeredOperator('team', [ns]);
    try {
      await cluster.apply(example('before', { field: 'x' }, { namespace: ns }));
      await cluster.waitFor(() => handled.includes('before'));

      const frozen = await succeed(['freeze', '-P', 'team', '-t', '60', '-n', ns, '-i', 'maintainer@laptop']);
      expect(frozen.stdout).toBe(`Frozen: KopfPeering 'team' in '${ns}' holds 'maintainer@laptop' with priority 100 for 60 s.\n`);
      await operator.waitForLine(pausedLine('maintainer@laptop', 100));
      const record = (await records('kopfpeerings', 'team', ns))['maintainer@laptop'] as Record<string, unknown>;
      expect(Object.keys(record).sort()).toEqual(['lastseen', 'lifetime', 'priority']);
      expect(record).toMatchObject({ priority: 100, lifetime: 60 });
      expect(record.lastseen).toMatch(timestamp);

      await cluster.apply(example('during', { field: 'x' }, { namespace: ns }));
      expect(handled).not.toContain('during');

      const resumed = await succeed(['resume', '-P', 'team', '-n', ns, '-i', 'maintainer@laptop']);
      expect(resumed.stdout).toBe(`Resumed: KopfPeering 'team' in '${ns}' no longer holds 'maintainer@laptop'.\n`);
      await operator.waitForLine(resumedLine);
      await cluster.waitFor(() => handled.includes('during'));
      expect(await records('kopfpeerings', 'team', ns)).not.toHaveProperty('maintainer@laptop');
    } finally {
      await operator.stop();
    }
  });

  it('pause a cluster-wide operator through the ClusterKopfPeering, as user@host by default, with the name from the environment', async () => {
    await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'ClusterKopfPeering', metadata: { name: 'cluster-team' } });
    const identity = `${userInfo().username}@${hostname()}`;
    const { operator } = await peeredOperator('cluster-team');
    try {
      await succeed(['freeze', '-A', '-t', '60', '--dev'], { KOPF_FREEZE_PEERING: 'cluster-team' });
      await operator.waitForLine(pausedLine(identity, 666));
      expect((await records('clusterkopfpeerings', 'cluster-team'))[identity]).toMatchObject({ priority: 666, lifetime: 60 });

      const resumed = await succeed(['resume', '-A'], { KOPF_RESUME_PEERING: 'cluster-team' });
      expect(resumed.stdout).toBe(`Resumed: ClusterKopfPeering 'cluster-team' no longer holds '${identity}'.\n`);
      await operator.waitForLine(resumedLine);
      expect(await records('clusterkopfpeerings', 'cluster-team')).not.toHaveProperty(identity);
    } finally {
      await operator.stop();
    }
  });

  it('pause only until the lifetime runs out, after which the operator removes the dead record', async () => {
    const ns = await createNamespace(cluster, 'freeze-lifetime');
    await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'KopfPeering', metadata: { name: 'team', namespace: ns } });
    const { operator, handled } = await peeredOperator('team', [ns]);
    try {
      await succeed(['freeze', '-P', 'team', '-t', '3', '-n', ns, '-i', 'brief-pause']);
      await operator.waitForLine(pausedLine('brief-pause', 100));
      await cluster.apply(example('held', { field: 'x' }, { namespace: ns }));
      await operator.waitForLine(resumedLine, 20_000);
      await cluster.waitFor(() => handled.includes('held'));
      await cluster.waitFor(async () => !('brief-pause' in (await records('kopfpeerings', 'team', ns))), { description: 'the dead record removed' });
    } finally {
      await operator.stop();
    }
  });

  it('write into every namespace the patterns match', async () => {
    const namespaces = [await createNamespace(cluster, 'freeze-many-a'), await createNamespace(cluster, 'freeze-many-b')];
    for (const namespace of namespaces) {
      await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'KopfPeering', metadata: { name: 'team', namespace } });
    }
    const frozen = await succeed(['freeze', '-P', 'team', '-t', '60', '-n', 'freeze-many-*', '-i', 'everywhere']);
    expect(frozen.stdout.trim().split('\n')).toEqual(namespaces.map((ns) => `Frozen: KopfPeering 'team' in '${ns}' holds 'everywhere' with priority 100 for 60 s.`));
    for (const namespace of namespaces) expect(await records('kopfpeerings', 'team', namespace)).toHaveProperty('everywhere');
    await succeed(['resume', '-P', 'team', '-n', 'freeze-many-*', '-i', 'everywhere']);
    for (const namespace of namespaces) expect(await records('kopfpeerings', 'team', namespace)).not.toHaveProperty('everywhere');
  });

  it('name a peering object that does not exist, and exit with 1', async () => {
    const ns = await createNamespace(cluster, 'freeze-missing');
    const namespaced = await kopf(['freeze', '-P', 'nowhere', '-t', '60', '-n', ns]);
    expect(namespaced.code).toBe(1);
    expect(namespaced.stderr).toBe(`kopf: KopfPeering 'nowhere' in '${ns}' does not exist: create it, or name an existing one with -P\n`);
    const clusterwide = await kopf(['resume', '-P', 'nowhere', '-A']);
    expect(clusterwide.code).toBe(1);
    expect(clusterwide.stderr).toBe("kopf: ClusterKopfPeering 'nowhere' does not exist: create it, or name an existing one with -P\n");
    expect((await cluster.list('kopfpeerings', { namespace: ns })).length).toBe(0);
  });

  it('say when no namespace matches', async () => {
    const exit = await kopf(['freeze', '-P', 'team', '-t', '60', '-n', 'no-such-namespace-*']);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe('kopf: no namespace matches -n no-such-namespace-*\n');
  });
});
