import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

const pod = { group: '', kind: 'Pod' };
const deployment = { group: 'apps', kind: 'Deployment' };

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

function badRequestMessage(run: () => unknown): string {
  const error = apiError(run);
  expect(error.code).toBe(400);
  expect(error.reason).toBe('BadRequest');
  return error.message;
}

function podSpec(spec: Record<string, unknown>) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
}

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

describe('what kubectl sends', () => {
  it('applies the body of `kubectl set image`', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 1, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx:1', ports: [{ containerPort: 80 }] }] } } },
    };
    const body = JSON.parse('{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"}],"containers":[{"image":"nginx:2","name":"c"}]}}}}');
    expect(applyStrategicMergePatch(live, body, deployment)).toEqual({
      ...live,
      spec: { replicas: 1, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx:2', ports: [{ containerPort: 80 }] }] } } },
    });
  });

  it('applies a second `kubectl apply` of a Deployment: deltas, $retainKeys, element orders and the annotation', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' }, annotations: { [lastApplied]: '{"old":true}\n' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }], imagePullPolicy: 'IfNotPresent' },
              { name: 'proxy', image: 'envoy' },
            ],
            volumes: [{ name: 'conf', configMap: { name: 'web-conf', defaultMode: 420 } }],
          },
        },
      },
      status: { replicas: 2 },
    };
    const body = {
      metadata: { annotations: { [lastApplied]: '{"new":true}\n' } },
      spec: {
        replicas: 3,
        strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            '$setElementOrder/volumes': [{ name: 'conf' }],
            containers: [{ '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }], env: [{ name: 'B', value: '2' }], image: 'nginx:2', name: 'web' }],
            volumes: [{ $retainKeys: ['name', 'secret'], configMap: null, name: 'conf', secret: { secretName: 'web-secret' } }],
          },
        },
      },
    };
    expect(applyStrategicMergePatch(live, body, deployment)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' }, annotations: { [lastApplied]: '{"new":true}\n' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], imagePullPolicy: 'IfNotPresent' },
              { name: 'proxy', image: 'envoy' },
            ],
            volumes: [{ name: 'conf', secret: { secretName: 'web-secret' } }],
          },
        },
      },
      status: { replicas: 2 },
    });
  });

  it('applies a second `kubectl apply` of a Pod that swaps a container and a label', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: '1' }, finalizers: ['x/y'] },
      spec: { containers: [{ name: 'main', image: 'busybox:1', command: ['sleep', '3600'] }, { name: 'old', image: 'busybox' }], nodeName: 'n1' },
    };
    const body = {
      metadata: { annotations: { [lastApplied]: '{}' }, labels: { a: null, b: '2' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'main' }, { name: 'new' }],
        containers: [{ command: ['sleep', '60'], image: 'busybox:2', name: 'main' }, { image: 'alpine', name: 'new' }, { $patch: 'delete', name: 'old' }],
      },
    };
    expect(applyStrategicMergePatch(live, body, pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { b: '2' }, finalizers: ['x/y'], annotations: { [lastApplied]: '{}' } },
      spec: { containers: [{ name: 'main', image: 'busybox:2', command: ['sleep', '60'] }, { name: 'new', image: 'alpine' }], nodeName: 'n1' },
    });
  });

  it('applies a second `kubectl apply` of a ConfigMap', () => {
    const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { [lastApplied]: '{}' } }, data: { a: '1', b: '2', z: 'server' } };
    const body = { data: { b: null, c: '3' }, metadata: { annotations: { [lastApplied]: '{"data":{}}' } } };
    expect(applyStrategicMergePatch(live, body, { group: '', kind: 'ConfigMap' })).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { [lastApplied]: '{"data":{}}' } },
      data: { a: '1', c: '3', z: 'server' },
    });
  });

  it('keeps a live-only sidecar where upstream puts it when a container is renamed', () => {
    const live = podSpec({ containers: [{ name: 'web', image: 'nginx' }, { name: 'proxy', image: 'envoy' }] });
    const body = { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'app', image: 'httpd' }, { $patch: 'delete', name: 'web' }] } };
    expect(applyStrategicMergePatch(live, body, pod).spec).toEqual({ containers: [{ name: 'proxy', image: 'envoy' }, { name: 'app', image: 'httpd' }] });
  });
});

describe('maps', () => {
  it('merges maps and deletes keys set to null', () => {
    const live = { metadata: { name: 'p', labels: { a: '1', b: '2' } }, spec: { nodeName: 'n' } };
    expect(applyStrategicMergePatch(live, { metadata: { labels: { a: null, c: '3' } }, spec: null }, pod)).toEqual({
      metadata: { name: 'p', labels: { b: '2', c: '3' } },
    });
  });

  it('drops nulls inside values that are new', () => {
    const live = { metadata: { name: 'p' } };
    expect(applyStrategicMergePatch(live, { spec: { nodeName: null, securityContext: { runAsUser: 1, fsGroup: null } } }, pod)).toEqual({
      metadata: { name: 'p' },
      spec: { securityContext: { runAsUser: 1 } },
    });
  });

  it('replaces a map with $patch: replace', () => {
    const live = { metadata: { labels: { a: '1', b: '2' } } };
    expect(applyStrategicMergePatch(live, { metadata: { labels: { $patch: 'replace', c: '3' } } }, pod)).toEqual({ metadata: { labels: { c: '3' } } });
    expect(applyStrategicMergePatch({}, { metadata: { labels: { $patch: 'replace', c: '3' } } }, pod)).toEqual({ metadata: { labels: { c: '3' } } });
  });

  it('empties a live map with $patch: delete and leaves no new one', () => {
    const live = { metadata: { labels: { a: '1' } } };
    expect(applyStrategicMergePatch(live, { metadata: { labels: { $patch: 'delete' } } }, pod)).toEqual({ metadata: { labels: {} } });
    expect(applyStrategicMergePatch(live, { metadata: { annotations: { $patch: 'delete' } } }, pod)).toEqual(live);
  });

  it('merges as usual with $patch: merge', () => {
    const live = { metadata: { labels: { a: '1' } } };
    expect(applyStrategicMergePatch(live, { metadata: { labels: { $patch: 'merge', b: '2' } } }, pod)).toEqual({ metadata: { labels: { a: '1', b: '2' } } });
  });

  it('replaces a scalar with a map and a map with a scalar', () => {
    expect(applyStrategicMergePatch({ spec: { x: 1 } }, { spec: { x: { y: null, z: 2 } } }, pod)).toEqual({ spec: { x: { z: 2 } } });
    expect(applyStrategicMergePatch({ spec: { x: { y: 1 } } }, { spec: { x: 'flat' } }, pod)).toEqual({ spec: { x: 'flat' } });
  });

  it('keeps only the listed keys with $retainKeys', () => {
    const live = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    expect(applyStrategicMergePatch(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deployment)).toEqual({
      spec: { strategy: { type: 'Recreate' } },
    });
    expect(applyStrategicMergePatch(live, { spec: { strategy: { $retainKeys: ['rollingUpdate', 'type'], rollingUpdate: { maxSurge: 2 } } } }, deployment)).toEqual({
      spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2 } } },
    });
  });

  it('rejects $retainKeys that do not list a field the patch sets, or are not a list', () => {
    const live = { spec: { strategy: { type: 'RollingUpdate' } } };
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, deployment))).toBe(
      'invalid patch format of retainKeys',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { spec: { strategy: { $retainKeys: 'type' } } }, deployment))).toBe(
      'invalid patch format of retainKeys',
    );
  });

  it('replaces or empties the whole object with a top-level $patch', () => {
    expect(applyStrategicMergePatch({ a: 1, b: 2 }, { $patch: 'replace', c: 3 }, pod)).toEqual({ c: 3 });
    expect(applyStrategicMergePatch({ a: 1 }, { $patch: 'delete' }, pod)).toEqual({});
  });
});

describe('keyed lists', () => {
  const three = podSpec({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });

  it('merges items by key and puts a new item right after its predecessor in the patch', () => {
    const result = applyStrategicMergePatch(three, { spec: { containers: [{ name: 'b', image: 'x' }, { name: 'd' }] } }, pod);
    expect(result.spec).toEqual({ containers: [{ name: 'a' }, { name: 'b', image: 'x' }, { name: 'd' }, { name: 'c' }] });
  });

  it('puts new items first when nothing precedes them, as upstream does', () => {
    const result = applyStrategicMergePatch(three, { spec: { containers: [{ name: 'z' }] } }, pod);
    expect(result.spec).toEqual({ containers: [{ name: 'z' }, { name: 'a' }, { name: 'b' }, { name: 'c' }] });
    const env = podSpec({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }] });
    const withEnv = applyStrategicMergePatch(env, { spec: { containers: [{ name: 'a', env: [{ name: 'Z', value: '3' }] }] } }, pod);
    expect(withEnv.spec).toEqual({ containers: [{ name: 'a', env: [{ name: 'Z', value: '3' }, { name: 'X', value: '1' }, { name: 'Y', value: '2' }] }] });
  });

  it('deletes items with $patch: delete', () => {
    const result = applyStrategicMergePatch(three, { spec: { containers: [{ name: 'b', $patch: 'delete' }, { name: 'missing', $patch: 'delete' }] } }, pod);
    expect(result.spec).toEqual({ containers: [{ name: 'a' }, { name: 'c' }] });
  });

  it('replaces the list when an item is {"$patch": "replace"}', () => {
    const live = podSpec({ containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81 }] }] });
    const result = applyStrategicMergePatch(live, { spec: { containers: [{ name: 'a', ports: [{ $patch: 'replace' }, { containerPort: 90 }] }] } }, pod);
    expect(result.spec).toEqual({ containers: [{ name: 'a', ports: [{ containerPort: 90 }] }] });
  });

  it('takes $patch: merge as the default, on an item or as a list marker', () => {
    const result = applyStrategicMergePatch(three, { spec: { containers: [{ $patch: 'merge' }, { name: 'c', image: 'y', $patch: 'merge' }] } }, pod);
    expect(result.spec).toEqual({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c', image: 'y' }] });
  });

  it('merges inside matched items: nulls delete, nested keyed lists merge, atomic lists are replaced', () => {
    const live = podSpec({
      containers: [
        {
          name: 'c',
          image: 'i',
          args: ['1', '2'],
          command: ['x'],
          envFrom: [{ configMapRef: { name: 'a' } }],
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          volumeMounts: [{ name: 'v', mountPath: '/v' }],
        },
      ],
      tolerations: [{ key: 'a' }],
    });
    const patch = {
      spec: {
        tolerations: [{ key: 'b', value: null }],
        containers: [
          {
            name: 'c',
            image: null,
            args: ['3'],
            envFrom: [{ secretRef: { name: 's' } }],
            ports: [{ containerPort: 80, name: 'http' }],
            volumeMounts: [{ name: 'w', mountPath: '/w' }],
          },
        ],
      },
    };
    expect(applyStrategicMergePatch(live, patch, pod).spec).toEqual({
      containers: [
        {
          name: 'c',
          args: ['3'],
          command: ['x'],
          envFrom: [{ secretRef: { name: 's' } }],
          ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
          volumeMounts: [{ name: 'w', mountPath: '/w' }, { name: 'v', mountPath: '/v' }],
        },
      ],
      tolerations: [{ key: 'b' }],
    });
  });

  it('cleans new items: nulls go and their own directives apply', () => {
    const result = applyStrategicMergePatch(three, { spec: { containers: [{ name: 'n', image: null, env: [{ name: 'E', $patch: 'delete' }, { name: 'F', value: null }] }] } }, pod);
    expect(result.spec).toEqual({ containers: [{ name: 'n', env: [{ name: 'F' }] }, { name: 'a' }, { name: 'b' }, { name: 'c' }] });
  });

  it('rejects items without the merge key and lists that do not hold maps', () => {
    expect(badRequestMessage(() => applyStrategicMergePatch(three, { spec: { containers: [{ image: 'x' }] } }, pod))).toBe(
      'map: {"image":"x"} does not contain declared merge key: name',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(three, { spec: { containers: [{ $patch: 'delete' }] } }, pod))).toBe(
      'map: {"$patch":"delete"} does not contain declared merge key: name',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(three, { spec: { containers: ['x'] } }, pod))).toBe(
      'list element types are not identical: [{"name":"a"},{"name":"b"},{"name":"c"}] and ["x"]',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(podSpec({}), { spec: { containers: ['x'] } }, pod))).toBe('cannot merge a list of maps with "x"');
  });

  it('answers lists of lists with a bare 422', () => {
    expect(apiError(() => applyStrategicMergePatch(podSpec({}), { spec: { containers: [[1]] } }, pod)).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('merges ownerReferences by uid', () => {
    const live = { metadata: { ownerReferences: [{ uid: 'u1', name: 'o1' }, { uid: 'u2', name: 'o2' }] } };
    const patch = { metadata: { ownerReferences: [{ uid: 'u1', name: 'renamed' }, { uid: 'u2', $patch: 'delete' }, { uid: 'u3', name: 'o3' }] } };
    expect(applyStrategicMergePatch(live, patch, { group: '', kind: 'ConfigMap' })).toEqual({
      metadata: { ownerReferences: [{ uid: 'u1', name: 'renamed' }, { uid: 'u3', name: 'o3' }] },
    });
  });
});

describe('lists of strings that merge (finalizers)', () => {
  const live = { metadata: { finalizers: ['a', 'b'] } };

  it('unions, patch values first in their order', () => {
    expect(applyStrategicMergePatch(live, { metadata: { finalizers: ['c', 'a'] } }, pod)).toEqual({ metadata: { finalizers: ['c', 'a', 'b'] } });
    expect(applyStrategicMergePatch(live, { metadata: { finalizers: ['b', 'c'] } }, pod)).toEqual({ metadata: { finalizers: ['a', 'b', 'c'] } });
    expect(applyStrategicMergePatch({ metadata: {} }, { metadata: { finalizers: ['x'] } }, pod)).toEqual({ metadata: { finalizers: ['x'] } });
  });

  it('removes values with $deleteFromPrimitiveList', () => {
    expect(applyStrategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'zz'] } }, pod)).toEqual({ metadata: { finalizers: ['b'] } });
    expect(applyStrategicMergePatch({ metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, pod)).toEqual({ metadata: {} });
  });

  it('deletes after adding when one patch does both', () => {
    const patch = { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['c', 'a'] } };
    expect(applyStrategicMergePatch(live, patch, pod)).toEqual({ metadata: { finalizers: ['b'] } });
  });

  it('orders and deletes as kubectl apply asks', () => {
    const three = { metadata: { finalizers: ['a', 'b', 'c'] } };
    const patch = { metadata: { '$setElementOrder/finalizers': ['c', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'] } };
    expect(applyStrategicMergePatch(three, patch, pod)).toEqual({ metadata: { finalizers: ['c', 'a'] } });
  });

  it('replaces the list on a {"$patch": "replace"} item', () => {
    expect(applyStrategicMergePatch(live, { metadata: { finalizers: [{ $patch: 'replace' }, 'z'] } }, pod)).toEqual({ metadata: { finalizers: ['z'] } });
  });

  it('also merges Node podCIDRs', () => {
    const node = { spec: { podCIDRs: ['10.0.0.0/24'] } };
    expect(applyStrategicMergePatch(node, { spec: { podCIDRs: ['10.1.0.0/24'] } }, { group: '', kind: 'Node' })).toEqual({
      spec: { podCIDRs: ['10.1.0.0/24', '10.0.0.0/24'] },
    });
  });

  it('rejects maps, mixed types and bad deletion lists', () => {
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { metadata: { finalizers: [{ x: 1 }] } }, pod))).toBe(
      'list element types are not identical: ["a","b"] and [{"x":1}]',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch({}, { metadata: { finalizers: [{ x: 1 }] } }, pod))).toBe(
      'cannot merge lists without merge key: [{"x":1}]',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { metadata: { finalizers: [1] } }, pod))).toBe(
      'list element types are not identical: ["a","b"] and [1]',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, pod))).toBe(
      'invalid patch format of primitive list',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': [{ a: 1 }] } }, pod))).toBe(
      'invalid patch format of primitive list',
    );
  });
});

describe('$setElementOrder', () => {
  const live = podSpec({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });

  it('reorders the live list without a patch list', () => {
    const result = applyStrategicMergePatch(live, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } }, pod);
    expect(result.spec).toEqual({ containers: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] });
  });

  it('places new and merged items by the order list and keeps unlisted live items in their place', () => {
    const patch = { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'new' }, { name: 'a' }], containers: [{ name: 'new', image: 'n' }, { name: 'a', image: 'x' }] } };
    expect(applyStrategicMergePatch(live, patch, pod).spec).toEqual({ containers: [{ name: 'b' }, { name: 'c' }, { name: 'new', image: 'n' }, { name: 'a', image: 'x' }] });
  });

  it('lets the order list override both live and patch order', () => {
    const volumes = podSpec({ volumes: [{ name: 'a' }, { name: 'b' }] });
    const patch = { spec: { '$setElementOrder/volumes': [{ name: 'b' }, { name: 'c' }, { name: 'a' }], volumes: [{ name: 'c', emptyDir: {} }] } };
    expect(applyStrategicMergePatch(volumes, patch, pod).spec).toEqual({ volumes: [{ name: 'b' }, { name: 'c', emptyDir: {} }, { name: 'a' }] });
  });

  it('orders a list the patch creates', () => {
    const patch = { spec: { '$setElementOrder/volumes': [{ name: 'y' }, { name: 'x' }], volumes: [{ name: 'y' }, { name: 'x' }] } };
    expect(applyStrategicMergePatch(podSpec({}), patch, pod).spec).toEqual({ volumes: [{ name: 'y' }, { name: 'x' }] });
  });

  it('orders an atomic list by whole items', () => {
    const withArgs = podSpec({ containers: [{ name: 'a', args: ['1', '2', '3'] }] });
    const patch = { spec: { containers: [{ name: 'a', '$setElementOrder/args': ['3', '1'] }] } };
    expect(applyStrategicMergePatch(withArgs, patch, pod).spec).toEqual({ containers: [{ name: 'a', args: ['2', '3', '1'] }] });
  });

  it('rejects an order that contradicts the patch list', () => {
    const patch = { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'x' }] } };
    expect(badRequestMessage(() => applyStrategicMergePatch(live, patch, pod))).toBe(
      'The order in patch list:\n[{"name":"b","image":"x"}]\n doesn\'t match $setElementOrder list:\n[{"name":"a"}]\n',
    );
  });

  it('rejects malformed order lists', () => {
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { spec: { '$setElementOrder/containers': 'a' } }, pod))).toBe(
      'invalid patch format of setElementOrder list',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { spec: { '$setElementOrder/containers': [{ image: 'a' }] } }, pod))).toBe(
      'invalid patch format of setElementOrder list: every item needs the merge key name',
    );
    expect(badRequestMessage(() => applyStrategicMergePatch(live, { spec: { '$setElementOrder/containers': [], containers: null } }, pod))).toBe(
      'invalid patch format of setElementOrder list',
    );
  });
});

describe('other built-in kinds', () => {
  it.each([
    [
      { group: '', kind: 'Service' },
      { spec: { ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] } },
      { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 8080, name: 'alt' }] } },
      { spec: { ports: [{ port: 80, name: 'http', targetPort: 8080 }, { port: 8080, name: 'alt' }, { port: 443, name: 'https' }] } },
    ],
    [{ group: '', kind: 'ServiceAccount' }, { secrets: [{ name: 's1' }] }, { secrets: [{ name: 's2' }] }, { secrets: [{ name: 's2' }, { name: 's1' }] }],
    [
      { group: '', kind: 'Node' },
      { status: { addresses: [{ type: 'InternalIP', address: '1' }], conditions: [{ type: 'Ready', status: 'False' }] } },
      { status: { addresses: [{ type: 'Hostname', address: 'h' }], conditions: [{ type: 'Ready', status: 'True' }] } },
      { status: { addresses: [{ type: 'Hostname', address: 'h' }, { type: 'InternalIP', address: '1' }], conditions: [{ type: 'Ready', status: 'True' }] } },
    ],
    [
      { group: '', kind: 'Namespace' },
      { status: { phase: 'Active', conditions: [{ type: 'A' }] } },
      { status: { conditions: [{ type: 'B' }] } },
      { status: { phase: 'Active', conditions: [{ type: 'B' }, { type: 'A' }] } },
    ],
    [
      { group: 'batch', kind: 'Job' },
      { status: { conditions: [{ type: 'Complete', status: 'True' }] } },
      { status: { conditions: [{ type: 'Complete', status: 'False' }] } },
      { status: { conditions: [{ type: 'Complete', status: 'False' }] } },
    ],
    [
      { group: 'batch', kind: 'CronJob' },
      { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a' }] } } } } } },
      { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b' }] } } } } } },
      { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b' }, { name: 'a' }] } } } } } },
    ],
    [
      { group: 'apps', kind: 'StatefulSet' },
      { spec: { template: { spec: { containers: [{ name: 'a' }] } }, volumeClaimTemplates: [{ metadata: { name: 'x' } }] } },
      { spec: { template: { spec: { containers: [{ name: 'b' }] } }, volumeClaimTemplates: [{ metadata: { name: 'y' } }] } },
      { spec: { template: { spec: { containers: [{ name: 'b' }, { name: 'a' }] } }, volumeClaimTemplates: [{ metadata: { name: 'y' } }] } },
    ],
    [
      { group: '', kind: 'ConfigMap' },
      { data: { a: '1' }, metadata: { finalizers: ['f'] } },
      { data: { a: null, c: '3' }, metadata: { finalizers: ['g'] } },
      { data: { c: '3' }, metadata: { finalizers: ['g', 'f'] } },
    ],
  ])('%j', (kind, live, patch, result) => {
    expect(applyStrategicMergePatch(live, patch, kind)).toEqual(result);
  });

  it('replaces Pod containerStatuses whole but merges conditions and podIPs', () => {
    const live = { status: { conditions: [{ type: 'Ready', status: 'False' }], podIPs: [{ ip: '10.0.0.1' }], containerStatuses: [{ name: 'c', ready: false, restartCount: 1 }] } };
    const patch = { status: { conditions: [{ type: 'Ready', status: 'True' }], podIPs: [{ ip: '10.0.0.2' }], containerStatuses: [{ name: 'c', ready: true }] } };
    expect(applyStrategicMergePatch(live, patch, pod)).toEqual({
      status: { conditions: [{ type: 'Ready', status: 'True' }], podIPs: [{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }], containerStatuses: [{ name: 'c', ready: true }] },
    });
  });
});

describe('patch documents that are refused', () => {
  it.each([
    [[1, 2], 'array'],
    ['text', 'string'],
    [5, 'number'],
    [false, 'bool'],
  ])('%j is 400 with the decoder message', (patch, goType) => {
    expect(apiError(() => applyStrategicMergePatch({}, patch, pod)).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `json: cannot unmarshal ${goType} into Go value of type map[string]interface {}`,
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('takes a null patch as no change', () => {
    expect(applyStrategicMergePatch({ a: 1 }, null, pod)).toEqual({ a: 1 });
  });

  it.each([
    [{ spec: { $foo: 1 } }, 'unknown strategic merge patch directive: $foo'],
    [{ spec: { '$setElementOrderX/containers': [] } }, 'invalid patch format of setElementOrder list'],
    [{ spec: { $setElementOrder: [] } }, 'invalid patch format of setElementOrder list'],
    [{ metadata: { $deleteFromPrimitiveList: [] } }, 'invalid patch format of primitive list'],
    [{ metadata: { labels: { $patch: 'bogus' } } }, 'unknown patch type: bogus in map: {"$patch":"bogus"}'],
    [{ spec: { containers: [{ name: 'a', $patch: 'bogus' }] } }, 'unknown patch type: bogus in map: {"name":"a","$patch":"bogus"}'],
  ])('%j is 400: %s', (patch, message) => {
    expect(badRequestMessage(() => applyStrategicMergePatch(podSpec({ containers: [{ name: 'a' }] }), patch, pod))).toBe(message);
  });
});

describe('safety', () => {
  it('changes neither the live object nor the patch', () => {
    const live = { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } };
    const patch = { metadata: { labels: { a: null } }, spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }, { name: 'b', x: null }] } };
    const liveCopy = structuredClone(live);
    const patchCopy = structuredClone(patch);
    const result = applyStrategicMergePatch(live, patch, pod) as { spec: { containers: Array<Record<string, unknown>> } };
    expect(live).toEqual(liveCopy);
    expect(patch).toEqual(patchCopy);
    result.spec.containers[0].name = 'changed';
    expect(live.spec.containers[0].name).toBe('a');
  });

  it('stores a "__proto__" key as a plain member', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":true}}}}');
    const result = applyStrategicMergePatch({ metadata: { labels: {} } }, patch, pod) as { metadata: { labels: object } };
    expect(Object.keys(result.metadata.labels)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
