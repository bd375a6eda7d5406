import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, applyPatch, createCrd, createNamespace, expectStatus, jsonPatch, mergePatch, strategicPatch, widget, widgetCrd, type Api } from './support.ts';

const group = 'patch.conformance.example.com';
const ns = 'patch';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
const rejected = { code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request', details: {} };

describe('patches', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns);
    await createCrd(cluster, widgetCrd(group));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describe('merge patch', () => {
    it('merges maps, deletes on null and replaces arrays', async () => {
      await api.post(widgets, widget(group, 'm', { size: 1, items: ['a', 'b'], free: { x: 1, y: { z: 2 } } }, { labels: { keep: 'me', drop: 'me' } }));
      const patched = await api.patch(`${widgets}/m`, { metadata: { labels: { drop: null, add: 'me' } }, spec: { items: ['c'], free: { y: { z: null, w: 3 } } } });
      expect(patched.status).toBe(200);
      expect(patched.body.metadata.labels).toEqual({ keep: 'me', add: 'me' });
      expect(patched.body.spec).toEqual({ size: 1, color: 'red', items: ['c'], free: { x: 1, y: { w: 3 } } });
    });

    it('answers 400 for a patch that is no JSON object, and 404 for a missing object', async () => {
      await api.post(cms, { metadata: { name: 'm' } });
      expectStatus(await api.patch(`${cms}/m`, [1, 2]), {
        code: 400, reason: 'BadRequest', message: 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
      });
      expectStatus(await api.patch(`${cms}/m`, '"text"'), {
        code: 400, reason: 'BadRequest', message: 'error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}',
      });
      expectStatus(await api.patch(`${cms}/m`, 'null'), { code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' });
      expectStatus(await api.patch(`${cms}/m`, 'not json'), { code: 400, reason: 'BadRequest', message: /^error decoding patch: / });
      expectStatus(await api.patch(`${cms}/absent`, { data: { a: 'b' } }), {
        code: 404, reason: 'NotFound', message: 'configmaps "absent" not found', details: { name: 'absent', kind: 'configmaps' },
      });
    });

    it('ignores parameters of the patch Content-Type', async () => {
      const patched = await api.patch(`${cms}/m`, { data: { charset: 'ok' } }, `${mergePatch}; charset=utf-8`);
      expect(patched.status).toBe(200);
      expect(patched.body.data).toEqual({ charset: 'ok' });
    });
  });

  describe('JSON patch', () => {
    it('applies add, remove, replace, move, copy and test with escaped pointers', async () => {
      await api.post(cms, { metadata: { name: 'j', annotations: { 'example.com/a': 'x' } }, data: { one: '1', two: '2' } });
      const patched = await api.patch(
        `${cms}/j`,
        [
          { op: 'test', path: '/data/one', value: '1' },
          { op: 'add', path: '/data/three', value: '3' },
          { op: 'remove', path: '/data/two' },
          { op: 'replace', path: '/data/one', value: 'uno' },
          { op: 'move', from: '/data/three', path: '/data/tres' },
          { op: 'copy', from: '/data/one', path: '/data/eins' },
          { op: 'replace', path: '/metadata/annotations/example.com~1a', value: 'y' },
          // Replacing a missing key of an object adds it.
          { op: 'replace', path: '/data/new', value: 'n' },
        ],
        jsonPatch,
      );
      expect(patched.status).toBe(200);
      expect(patched.body.data).toEqual({ one: 'uno', tres: '3', eins: 'uno', new: 'n' });
      expect(patched.body.metadata.annotations).toEqual({ 'example.com/a': 'y' });
      const appended = await api.patch(`${widgets}/m`, [{ op: 'add', path: '/spec/items/-', value: 'd' }], jsonPatch);
      expect(appended.body.spec.items).toEqual(['c', 'd']);
    });

    it('answers 422 with the generic message for any failing operation', async () => {
      expectStatus(await api.patch(`${cms}/j`, [{ op: 'test', path: '/data/one', value: 'wrong' }], jsonPatch), rejected);
      expectStatus(await api.patch(`${cms}/j`, [{ op: 'remove', path: '/data/missing' }], jsonPatch), rejected);
      expectStatus(await api.patch(`${cms}/j`, [{ op: 'add', path: '/metadata/nothere/x', value: 1 }], jsonPatch), rejected);
      expectStatus(await api.patch(`${cms}/j`, [{ op: 'bogus', path: '/x' }], jsonPatch), rejected);
    });

    it('answers 400 for a JSON patch that is not a list of operations', async () => {
      expectStatus(await api.patch(`${cms}/j`, { op: 'add' }, jsonPatch), {
        code: 400, reason: 'BadRequest', message: 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
      });
    });
  });

  describe('strategic merge patch', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { app: 'd' } },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            containers: [
              { name: 'a', image: 'nginx:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], ports: [{ containerPort: 80 }] },
              { name: 'b', image: 'busybox:1' },
            ],
            tolerations: [{ key: 'k1', operator: 'Exists' }],
          },
        },
      },
    };

    it('merges keyed lists by their keys and replaces atomic ones', async () => {
      expect((await api.post(deployments, deployment)).status).toBe(201);
      const patched = await api.patch(
        `${deployments}/d`,
        {
          spec: {
            template: {
              spec: {
                '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
                containers: [{ name: 'a', image: 'nginx:2', env: [{ name: 'Z', value: '3' }, { name: 'X', $patch: 'delete' }] }],
                tolerations: [{ key: 'k2', operator: 'Exists' }],
              },
            },
          },
        },
        strategicPatch,
      );
      expect(patched.status).toBe(200);
      const spec = patched.body.spec.template.spec;
      expect(spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['a=nginx:2', 'b=busybox:1']);
      expect(spec.containers[0].env).toEqual([{ name: 'Z', value: '3' }, { name: 'Y', value: '2' }]);
      expect(spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
      expect(spec.tolerations).toEqual([{ key: 'k2', operator: 'Exists' }]);
      expect(patched.body.spec.template.metadata).toEqual({ creationTimestamp: null, labels: { app: 'd' } });
    });

    it('unions finalizers, removes them with $deleteFromPrimitiveList and drops the emptied list', async () => {
      await api.patch(`${deployments}/d`, { metadata: { finalizers: ['example.com/a'] } }, strategicPatch);
      const union = await api.patch(`${deployments}/d`, { metadata: { finalizers: ['example.com/b'] } }, strategicPatch);
      expect(union.body.metadata.finalizers).toEqual(['example.com/b', 'example.com/a']);
      const removed = await api.patch(`${deployments}/d`, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a', 'example.com/b'] } }, strategicPatch);
      expect(removed.status).toBe(200);
      expect(removed.body.metadata.finalizers).toBeUndefined();
    });

    it('clears what $retainKeys does not list', async () => {
      const patched = await api.patch(`${deployments}/d`, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, strategicPatch);
      expect(patched.body.spec.strategy).toEqual({ type: 'Recreate' });
    });

    it('answers 415 for strategic merge on custom resources and for unknown patch types', async () => {
      const crMessage = 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
      expectStatus(await api.patch(`${widgets}/m`, { spec: { size: 2 } }, strategicPatch), { code: 415, reason: 'UnsupportedMediaType', message: crMessage });
      expectStatus(await api.patch(`${widgets}/m`, { spec: { size: 2 } }, 'text/plain'), { code: 415, reason: 'UnsupportedMediaType', message: crMessage });
      expectStatus(await api.patch(`${cms}/m`, { data: {} }, 'application/foo+json'), { code: 415, reason: 'UnsupportedMediaType', message: '415: Unsupported Media Type', details: {} });
    });
  });

  describe('server-side apply (basic forms)', () => {
    it('creates an absent object (201) and updates it (200)', async () => {
      const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: 'v' } };
      const created = await api.patch(`${cms}/applied?fieldManager=tester`, config, applyPatch);
      expect(created.status).toBe(201);
      expect(created.body.data).toEqual({ k: 'v' });
      const updated = await api.patch(`${cms}/applied?fieldManager=tester`, { ...config, data: { k: 'w' } }, applyPatch);
      expect(updated.status).toBe(200);
      expect(updated.body.data).toEqual({ k: 'w' });
      const custom = await api.patch(`${widgets}/applied?fieldManager=tester`, widget(group, 'applied', { size: 4 }), applyPatch);
      expect(custom.status).toBe(201);
      expect(custom.body.spec).toEqual({ size: 4, color: 'red' });
    });

    it('answers the error forms of apply', async () => {
      const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' } };
      expectStatus(await api.patch(`${cms}/applied`, config, applyPatch), {
        code: 422,
        reason: 'Invalid',
        message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }] },
      });
      expectStatus(await api.patch(`${cms}/applied?force=true`, { data: {} }, mergePatch), {
        code: 422,
        reason: 'Invalid',
        message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
        details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' }] },
      });
      expectStatus(await api.patch(`${cms}/applied?fieldManager=tester`, { ...config, apiVersion: 'v2' }, applyPatch), {
        code: 400, reason: 'BadRequest', message: 'invalid object type: /v2, Kind=ConfigMap',
      });
      expectStatus(await api.patch(`${deployments}/d?fieldManager=tester`, { apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'd' } }, applyPatch), {
        code: 400, reason: 'BadRequest', message: 'invalid object type: apps/v1beta2, Kind=Deployment',
      });
      expectStatus(await api.patch(`${widgets}/m?fieldManager=tester`, { ...widget(group, 'm'), apiVersion: `${group}/v2` }, applyPatch), {
        code: 400, reason: 'BadRequest', message: `invalid object type: ${group}/v2, Kind=Widget`,
      });
      expectStatus(await api.patch(`${cms}/applied?fieldManager=tester`, { ...config, metadata: { name: 'applied', managedFields: [{ manager: 'x' }] } }, applyPatch), {
        code: 400, reason: 'BadRequest', message: 'metadata.managedFields must be nil',
      });
      expectStatus(await api.patch(`${cms}/applied?fieldManager=tester`, { ...config, metadata: { name: 'other' } }, applyPatch), {
        code: 400, reason: 'BadRequest', message: 'the name of the object (other) does not match the name on the URL (applied)',
      });
    });
  });
});
