/**
 * `npm run demo`: the embedded Kubernetes API server driven by real kubectl,
 * as a newcomer's first look. Every step prints the command and its output.
 */
import { execFileSync } from 'node:child_process';
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

function run(args: string[], input?: string): void {
  console.log(`$ kubectl ${args.join(' ')}`);
  try {
    const out = execFileSync(kubectl, ['--kubeconfig', cluster.kubeconfigPath, ...args], { input, env: { ...process.env, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    console.log(out.toString().trimEnd() + '\n');
  } catch (e) {
    console.log(`${(e as { stderr?: Buffer }).stderr?.toString().trimEnd()}\n`);
  }
}

try {
  if (!existsSync(kubectl)) {
    console.log(`kubectl is not installed (looked at ${kubectl}); the cluster answers any Kubernetes client at ${cluster.url}.`);
  } else {
    run(['version']);
    run(['get', 'namespaces']);
    run(['apply', '-f', '-'], crd);
    run(['apply', '-f', '-'], example);
    run(['get', 'kopfexamples']);
    run(['apply', '-f', '-'], 'apiVersion: kopf.dev/v1\nkind: KopfExample\nmetadata: { name: broken }\nspec: { duration: 5 }\n');
    run(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
    run(['scale', 'deployment', 'web', '--replicas=3']);
    run(['get', 'deployments', '-o', 'wide']);
    run(['get', 'kex', '-l', 'somelabel=somevalue', '-o', 'yaml']);
    run(['delete', 'kopfexample', 'kopf-example-1']);
    run(['get', 'kopfexamples']);
  }
} finally {
  await cluster.stop();
}
