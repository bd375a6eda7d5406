import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { hasKubectl, kubectlFor, spawnKubectl, type KubectlResult } from '../support/kubectl.ts';

const widgetsCrd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all] }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      additionalPrinterColumns:
        - { name: Size, type: integer, jsonPath: .spec.size }
        - { name: Color, type: string, jsonPath: .spec.color }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer, minimum: 1 }
                color: { type: string, enum: [red, blue], default: red }
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;

/**
 * What an operator author does with real kubectl, against the cluster of
 * this test run (the embedded one by default, the real control plane with
 * KOPF_TS_TEST_BACKEND=real): the same commands, the same outcomes.
 */
describe.skipIf(!hasKubectl)('kubectl against the cluster', () => {
  let cluster: TestCluster;
  let kubectl: (args: string[], input?: string, timeoutMs?: number) => Promise<KubectlResult>;
  const ok = async (args: string[], input?: string) => {
    const result = await kubectl(args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    cluster = await startCluster();
    kubectl = kubectlFor(cluster.kubeconfigPath);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reports version 1.32 and lists the standard namespaces', async () => {
    const version = JSON.parse(await ok(['version', '-o', 'json']));
    expect(version.serverVersion.minor).toBe('32');
    const names = await ok(['get', 'namespaces', '-o', 'name']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(names).toContain(`namespace/${ns}`);
  });

  it('creates namespaces, configmaps and secrets with the typed create commands (protobuf bodies)', async () => {
    await ok(['create', 'namespace', 'kc-typed']);
    await ok(['create', 'configmap', 'settings', '-n', 'kc-typed', '--from-literal=mode=fast']);
    await ok(['create', 'secret', 'generic', 'creds', '-n', 'kc-typed', '--from-literal=password=s3cret']);
    const cm = JSON.parse(await ok(['get', 'configmap', 'settings', '-n', 'kc-typed', '-o', 'json']));
    expect(cm.data).toEqual({ mode: 'fast' });
    const secret = JSON.parse(await ok(['get', 'secret', 'creds', '-n', 'kc-typed', '-o', 'json']));
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('s3cret');
    expect(secret.type).toBe('Opaque');
  });

  it('applies a CRD and objects, shows printer columns, and explains the schema', async () => {
    await ok(['apply', '-f', '-'], widgetsCrd);
    await ok(['wait', '--for', 'condition=established', 'crd/widgets.example.com', '--timeout=30s']);
    await ok(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1 }\nspec: { size: 3 }\n');
    const table = await ok(['get', 'widgets']);
    expect(table).toMatch(/NAME\s+SIZE\s+COLOR/);
    expect(table).toMatch(/w1\s+3\s+red/);
    const short = await ok(['get', 'wd', 'w1', '-o', 'jsonpath={.spec.color}']);
    expect(short).toBe('red');
    const explain = await ok(['explain', 'widgets.spec']);
    expect(explain).toContain('size');
  });

  it('rejects schema violations and unknown fields with the real messages', async () => {
    const invalid = await kubectl(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: bad }\nspec: { size: 0, color: pink }\n');
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1');
    expect(invalid.stderr).toContain('spec.color: Unsupported value: "pink": supported values: "red", "blue"');
    const unknown = await kubectl(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: junk }\nspec: { size: 1, junk: 1 }\n');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.junk"');
  });

  it('labels, annotates, patches and scales', async () => {
    await ok(['label', 'widget', 'w1', 'tier=gold']);
    await ok(['annotate', 'widget', 'w1', 'note=hello']);
    await ok(['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"size":5}}']);
    const w1 = JSON.parse(await ok(['get', 'widget', 'w1', '-o', 'json']));
    expect(w1.metadata.labels.tier).toBe('gold');
    expect(w1.metadata.annotations.note).toBe('hello');
    expect(w1.spec.size).toBe(5);
    expect(w1.metadata.generation).toBe(2);
    const selected = await ok(['get', 'widgets', '-l', 'tier=gold', '-o', 'name']);
    expect(selected.trim()).toBe('widget.example.com/w1');

    await ok(['apply', '-f', '-'], 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: 1\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec: { containers: [{ name: web, image: nginx }] }\n');
    await ok(['scale', 'deployment', 'web', '--replicas=3']);
    expect(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
  });

  it('applies server-side', async () => {
    await ok(['apply', '--server-side', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ssa }\ndata: { a: "1" }\n');
    await ok(['apply', '--server-side', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ssa }\ndata: { a: "2" }\n');
    expect(await ok(['get', 'configmap', 'ssa', '-o', 'jsonpath={.data.a}'])).toBe('2');
  });

  it('shows events in describe', async () => {
    await ok(['create', 'configmap', 'described']);
    const cm = JSON.parse(await ok(['get', 'configmap', 'described', '-o', 'json']));
    const now = new Date().toISOString().replace('Z', '000Z');
    const event = {
      apiVersion: 'v1', kind: 'Event', metadata: { generateName: 'kopf-event-', namespace: 'default' },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'described', namespace: 'default', uid: cm.metadata.uid },
      reason: 'Logging', message: 'Handler create_fn succeeded.', type: 'Normal', action: 'Action?',
      source: { component: 'kopf' }, reportingComponent: 'kopf', reportingInstance: 'dev',
      firstTimestamp: now, lastTimestamp: now, eventTime: now,
    };
    await ok(['create', '-f', '-'], JSON.stringify(event));
    const described = await ok(['describe', 'configmap', 'described']);
    expect(described).toMatch(/Events:[\s\S]*Normal\s+Logging[\s\S]*Handler create_fn succeeded\./);
  });

  it('answers auth can-i', async () => {
    expect((await ok(['auth', 'can-i', 'create', 'pods'])).trim()).toBe('yes');
  });

  it('holds deletion on a finalizer until it is removed', async () => {
    await ok(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: held, finalizers: [example.com/hold] }\nspec: { size: 1 }\n');
    await ok(['delete', 'widget', 'held', '--wait=false']);
    const held = JSON.parse(await ok(['get', 'widget', 'held', '-o', 'json']));
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    await ok(['patch', 'widget', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await ok(['wait', '--for=delete', 'widget/held', '--timeout=10s']);
  });

  it('garbage-collects children with their owner', async () => {
    const parent = JSON.parse(await ok(['create', '-o', 'json', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: parent }\n'));
    await ok(['create', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child\n  ownerReferences: [{ apiVersion: v1, kind: ConfigMap, name: parent, uid: ${parent.metadata.uid} }]\n`);
    await ok(['delete', 'configmap', 'parent']);
    await ok(['wait', '--for=delete', 'configmap/child', '--timeout=20s']);
  });

  it('deletes a namespace with its content', async () => {
    await ok(['create', 'namespace', 'kc-doomed']);
    await ok(['create', 'configmap', 'x', '-n', 'kc-doomed']);
    await ok(['delete', 'namespace', 'kc-doomed', '--timeout=30s']);
    const gone = await kubectl(['get', 'namespace', 'kc-doomed']);
    expect(gone.stderr).toContain('NotFound');
  });

  it('reports conflicts on stale updates', async () => {
    const cm = JSON.parse(await ok(['create', '-o', 'json', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: racy }\ndata: { a: "1" }\n'));
    await ok(['patch', 'configmap', 'racy', '-p', '{"data":{"a":"2"}}']);
    const stale = { ...cm, data: { a: '3' } };
    const result = await kubectl(['replace', '-f', '-'], JSON.stringify(stale));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
  });

  it('streams changes with get -w', async () => {
    await ok(['create', 'configmap', 'watched']);
    const watch = spawnKubectl(cluster.kubeconfigPath, ['get', 'configmaps', 'watched', '-w', '-o', 'custom-columns=NAME:.metadata.name,SEEN:.metadata.labels.seen', '--no-headers']);
    try {
      await cluster.waitFor(() => watch.output().includes('watched'), { description: 'the initial listing' });
      await ok(['label', 'configmap', 'watched', 'seen=yes']);
      await cluster.waitFor(() => /watched\s+yes/.test(watch.output()), { description: 'the watched change' });
    } finally {
      watch.stop();
    }
  });
});
