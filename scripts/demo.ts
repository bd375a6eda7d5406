/**
 * `npm run demo`: a newcomer's first look at kopf-ts. It starts the embedded Kubernetes API server in
 * this process, runs example 01's operator against it exactly as `kopf run` runs any operator, creates
 * a KopfExample with real kubectl, shows the operator's log as it handles the object and the result
 * the handler stored in the object's status, deletes the object, and stops everything.
 *
 * Everything that talks to the cluster runs asynchronously: the cluster serves from this very process,
 * so a blocking call (spawnSync) would stall it.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { EmbeddedCluster } from '../src/cluster/cluster.ts';
import { httpHelpers } from '../src/kits/testing/test-cluster.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = 'examples/01-minimal/example.ts';
const kubectl = process.env.KUBECTL ?? '/usr/bin/kubectl';
const waitMs = 30_000;
// Debug lines carry whole objects; a terminal line is enough to follow along.
const shownWidth = 180;

/** What the demo does to the cluster: with kubectl when installed, else through the HTTP API. */
interface Steps {
  apply(file: string): Promise<void>;
  /** Shows the example object as the user would look at it. */
  show(): Promise<void>;
  delete(file: string): Promise<void>;
}

type Api = ReturnType<typeof httpHelpers>;

/** Steps run by real kubectl, each printed with its output. */
function kubectlSteps(kubeconfigPath: string): Steps {
  const home = mkdtempSync(join(tmpdir(), 'kopf-ts-demo-'));
  const run = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      console.log(`\n$ kubectl ${args.join(' ')}`);
      execFile(kubectl, args, { cwd: root, env: { ...process.env, HOME: home, KUBECONFIG: kubeconfigPath } }, (error, stdout, stderr) => {
        console.log(`${stdout}${stderr}`.trimEnd());
        if (error) reject(new Error(`kubectl ${args.join(' ')} failed`));
        else resolve();
      });
    });
  return {
    apply: (file) => run(['apply', '-f', file]),
    show: async () => {
      await run(['get', 'kopfexamples']);
      await run(['get', 'kex', 'kopf-example-1', '-o', 'yaml']);
    },
    delete: (file) => run(['delete', '-f', file]),
  };
}

/** The same steps through the HTTP API, for machines without kubectl. */
function httpSteps(api: Api): Steps {
  return {
    apply: async (file) => {
      console.log(`\nApplying ${file} through the HTTP API.`);
      await api.apply(readFileSync(join(root, file), 'utf8'));
    },
    show: async () => {
      const object = (await api.get('kopfexamples', 'kopf-example-1', 'default'))!;
      // Left out as kubectl leaves it out: it only says which client wrote which field.
      const { managedFields: _, ...metadata } = object.metadata!;
      console.log(`\nGET kopfexamples/kopf-example-1:\n${stringify({ ...object, metadata }).trimEnd()}`);
    },
    delete: async () => {
      console.log('\nDeleting kopf-example-1 through the HTTP API.');
      await api.delete('kopfexamples', 'kopf-example-1', { namespace: 'default' });
    },
  };
}

/** The operator as a child process, its lines shown as they come and kept for waiting on them. */
function startOperator(kubeconfigPath: string) {
  const child = spawn(process.execPath, ['bin/kopf.js', 'run', '-A', '--standalone', '--verbose', example], {
    cwd: root,
    env: { ...process.env, KUBECONFIG: kubeconfigPath },
  });
  let output = '';
  let partial = '';
  const waiters = new Set<() => void>();
  const take = (chunk: Buffer) => {
    output += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) console.log(`  operator │ ${line.length > shownWidth ? `${line.slice(0, shownWidth)}…` : line}`);
    for (const wake of waiters) wake();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  /** Resolves once the operator has printed `pattern`; rejects at the deadline or if it exits first. */
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        waiters.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const check = () => pattern.test(output) && finish();
      const timer = setTimeout(() => finish(new Error(`the operator did not print ${pattern} within ${waitMs / 1000} s`)), waitMs);
      void exited.then((code) => finish(new Error(`the operator exited (${code}) before printing ${pattern}`)));
      waiters.add(check);
      check();
    });

  return { child, exited, waitFor };
}

const started = Date.now();
const cluster = await EmbeddedCluster.start();
console.log(`Embedded Kubernetes API server at ${cluster.url}, ready in ${Date.now() - started} ms.`);
console.log(`Its kubeconfig: ${cluster.kubeconfigPath}`);

const api = httpHelpers({ url: cluster.url, token: cluster.token, caPem: cluster.caPem });
const hasKubectl = existsSync(kubectl);
if (!hasKubectl) {
  console.log(`\nkubectl is not installed (looked at ${kubectl}; set KUBECTL to point elsewhere).`);
  console.log('The demo makes the same requests through the HTTP API instead; any Kubernetes client works against the cluster.');
}
const steps = hasKubectl ? kubectlSteps(cluster.kubeconfigPath) : httpSteps(api);
let operator: ReturnType<typeof startOperator> | undefined;

try {
  await steps.apply('examples/crd.yaml');

  console.log(`\nStarting the operator of ${example}:\n$ kopf run -A --standalone --verbose ${example}`);
  operator = startOperator(cluster.kubeconfigPath);
  await operator.waitFor(/Client is configured/);

  await steps.apply('examples/obj.yaml');
  await operator.waitFor(/Creation is processed:/);
  // The cycle's patch is sent after its last log line: wait for the result to be stored.
  const createFn = await api.waitFor(
    async () => ((await api.get('kopfexamples', 'kopf-example-1', 'default'))?.status as { createFn?: unknown } | undefined)?.createFn,
    { timeout: waitMs, description: 'status.createFn' },
  );
  await steps.show();
  console.log(`\nThe handler's result is stored in the object: status.createFn = ${JSON.stringify(createFn)}`);

  await steps.delete('examples/obj.yaml');
  await operator.waitFor(/Deleted, really deleted/);

  console.log('\nStopping the operator with SIGINT, as Ctrl+C would.');
  operator.child.kill('SIGINT');
  const code = await operator.exited;
  console.log(`The operator exited with ${code}.`);
  if (code !== 0) process.exitCode = 1;
} catch (error) {
  console.error(`\nThe demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  if (operator && operator.child.exitCode === null && operator.child.signalCode === null) operator.child.kill('SIGKILL');
  await api.close();
  await cluster.stop();
}
if (!process.exitCode) {
  console.log('\nEach example in examples/ has a README; `npx kopf run --embedded -A --standalone examples/<name>/example.ts` runs one.');
}
