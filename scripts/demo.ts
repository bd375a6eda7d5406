/**
 * `npm run demo`: the embedded Kubernetes API server driven by real kubectl,
 * as a newcomer's first look. Every step prints the command and its output.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedCluster } from '../src/cluster/cluster.ts';

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: kopfexamples.kopf.dev }
spec:
  group: kopf.dev
  scope: Namespaced
  names: { plural: kopfexamples, singular: kopfexample, kind: KopfExample, shortNames: [kopfexes, kex] }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      additionalPrinterColumns:
        - { name: Duration, type: string, jsonPath: .spec.duration }
        - { name: Field, type: string, jsonPath: .spec.field }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true, properties: { duration: { type: string }, field: { type: string } } }
            status: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
const example = `apiVersion: kopf.dev/v1
kind: KopfExample
metadata: { name: kopf-example-1, labels: { somelabel: somevalue } }
spec: { duration: 1m, field: value, items: [item1, item2] }
`;

const started = Date.now();
const cluster = await EmbeddedCluster.start();
console.log(`Embedded cluster at ${cluster.url}, ready in ${Date.now() - started} ms; kubeconfig ${cluster.kubeconfigPath}\n`);
const kubectl = process.env.KUBECTL ?? '/usr/bin/kubectl';
const home = mkdtempSync(join(tmpdir(), 'kopf-ts-demo-'));

/** Runs kubectl asynchronously: the cluster serves from this very process, so it must not be blocked. */
function run(args: string[], input?: string): Promise<void> {
  console.log(`$ kubectl ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = execFile(kubectl, ['--kubeconfig', cluster.kubeconfigPath, ...args], { env: { ...process.env, HOME: home } }, (_error, stdout, stderr) => {
      console.log(`${stdout}${stderr}`.trimEnd() + '\n');
      resolve();
    });
    child.stdin!.end(input ?? '');
  });
}

try {
  if (!existsSync(kubectl)) {
    console.log(`kubectl is not installed (looked at ${kubectl}); the cluster answers any Kubernetes client at ${cluster.url}.`);
  } else {
    await run(['version']);
    await run(['get', 'namespaces']);
    await run(['apply', '-f', '-'], crd);
    await run(['apply', '-f', '-'], example);
    await run(['get', 'kopfexamples']);
    await run(['apply', '-f', '-'], 'apiVersion: kopf.dev/v1\nkind: KopfExample\nmetadata: { name: broken }\nspec: { duration: 5 }\n');
    await run(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
    await run(['scale', 'deployment', 'web', '--replicas=3']);
    await run(['get', 'deployments', '-o', 'wide']);
    await run(['get', 'kex', '-l', 'somelabel=somevalue', '-o', 'yaml']);
    await run(['delete', 'kopfexample', 'kopf-example-1']);
    await run(['get', 'kopfexamples']);
  }
} finally {
  await cluster.stop();
}
