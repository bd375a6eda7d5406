import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createCrd, createNamespace, expectStatus, masked, strategicPatch, widget, widgetCrd, type Api } from './support.ts';

const group = 'sub.conformance.example.com';
const ns = 'sub';
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
const gadgets = `/apis/${group}/v1/gadgets`;
const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;

/** A cluster-scoped CRD without subresources: status is an ordinary field there. */
const gadgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${group}` },
  spec: {
    group,
    scope: 'Cluster',
    names: { plural: 'gadgets', kind: 'Gadget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

describe('status and scale subresources', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns, { serviceAccount: true });
    await createCrd(cluster, widgetCrd(group));
    await createCrd(cluster, gadgetCrd);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describe('status', () => {
    it('drops status on create and ignores it through the main endpoint', async () => {
      const created = await api.post(widgets, { ...widget(group, 's', { size: 1, replicas: 2 }, { labels: { a: '1' } }), status: { phase: 'Creating' } });
      expect(created.status).toBe(201);
      expect(created.body.status).toBeUndefined();
      const ignored = await api.patch(`${widgets}/s`, { status: { phase: 'Other' } });
      expect(ignored.body.status).toBeUndefined();
      expect(ignored.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);
    });

    it('keeps only the status from a /status write of a custom resource', async () => {
      const before = (await api.get(`${widgets}/s`)).body;
      const written = await api.patch(`${widgets}/s/status`, { metadata: { labels: { a: '2' } }, spec: { size: 9 }, status: { phase: 'Running', replicas: 2, selector: 'app=x' } });
      expect(written.status).toBe(200);
      expect(written.body.metadata.labels).toEqual({ a: '1' });
      expect(written.body.spec).toEqual(before.spec);
      expect(written.body.status).toEqual({ phase: 'Running', replicas: 2, selector: 'app=x' });
      expect(written.body.metadata.generation).toBe(before.metadata.generation);
      expect(Number(written.body.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
      // GET /status returns the whole object.
      expect((await api.get(`${widgets}/s/status`)).body).toEqual(written.body);
    });

    it('removes the status for a /status PUT without it', async () => {
      await api.post(widgets, widget(group, 'cleared'));
      const withStatus = (await api.patch(`${widgets}/cleared/status`, { status: { phase: 'Done' } })).body;
      const { status: _status, ...rest } = withStatus;
      const put = await api.put(`${widgets}/cleared/status`, rest);
      expect(put.status).toBe(200);
      expect(put.body.status).toBeUndefined();
    });

    it('gives pods their initial status and keeps label changes made through /status', async () => {
      const pod = await api.post(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Running' } });
      expect(pod.status).toBe(201);
      expect(pod.body.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
      const written = await api.patch(`/api/v1/namespaces/${ns}/pods/p/status`, { metadata: { labels: { a: '2' } }, spec: { nodeName: 'elsewhere' }, status: { phase: 'Running' } });
      expect(written.body.metadata.labels).toEqual({ a: '2' });
      expect(written.body.spec.nodeName).toBeUndefined();
      expect(written.body.status).toMatchObject({ phase: 'Running', qosClass: 'BestEffort' });
    });

    it('treats status as an ordinary field where the CRD declares no status subresource', async () => {
      const created = await api.post(gadgets, { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g' }, spec: { a: 1 }, status: { x: 1 } });
      expect(created.body.status).toEqual({ x: 1 });
      const patched = await api.patch(`${gadgets}/g`, { status: { x: 2 } });
      expect(patched.body.status).toEqual({ x: 2 });
      expect(patched.body.metadata.generation).toBe(2);
      // The subresource does not exist: NotFound naming the object, even though it exists.
      const notFound = { code: 404, reason: 'NotFound', message: `gadgets.${group} "g" not found`, details: { name: 'g', group, kind: 'gadgets' } };
      expectStatus(await api.get(`${gadgets}/g/status`), notFound);
      expectStatus(await api.get(`${gadgets}/g/scale`), notFound);
    });
  });

  describe('scale', () => {
    it('reads and writes a custom resource through its Scale', async () => {
      const scale = await api.get(`${widgets}/s/scale`);
      expect(scale.status).toBe(200);
      expect(masked(scale.body)).toEqual({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: 's', namespace: ns, uid: '<uid>', resourceVersion: '<resourceVersion>', creationTimestamp: '<creationTimestamp>' },
        spec: { replicas: 2 },
        status: { replicas: 2, selector: 'app=x' },
      });
      const before = (await api.get(`${widgets}/s`)).body;
      const patched = await api.patch(`${widgets}/s/scale`, { spec: { replicas: 5 } });
      expect(patched.status).toBe(200);
      expect(patched.body.kind).toBe('Scale');
      expect(patched.body.spec).toEqual({ replicas: 5 });
      const after = (await api.get(`${widgets}/s`)).body;
      expect(after.spec.replicas).toBe(5);
      expect(after.metadata.generation).toBe(before.metadata.generation + 1);
      expect(patched.body.metadata.resourceVersion).toBe(after.metadata.resourceVersion);
    });

    it('takes a Scale PUT without resourceVersion as unconditional, and zero replicas as an empty spec', async () => {
      const put = await api.put(`${widgets}/s/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 's', namespace: ns }, spec: {} });
      expect(put.status).toBe(200);
      expect(put.body.spec).toEqual({});
      expect((await api.get(`${widgets}/s`)).body.spec.replicas).toBe(0);
      expectStatus(await api.put(`${widgets}/s/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 's', namespace: ns, resourceVersion: '1' }, spec: { replicas: 1 } }), {
        code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on widgets.${group} "s": the object has been modified; please apply your changes to the latest version and try again`, details: { name: 's', group, kind: 'widgets' },
      });
      expectStatus(await api.put(`${widgets}/s/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'other', namespace: ns }, spec: { replicas: 1 } }), {
        code: 400, reason: 'BadRequest', message: 'the name of the object (other) does not match the name on the URL (s)',
      });
    });

    it('refuses negative replicas, in the words of each kind', async () => {
      const customCause = { reason: 'FieldValueInvalid', field: '.spec.replicas', message: 'Invalid value: -1: should be a non-negative integer' };
      expectStatus(await api.patch(`${widgets}/s/scale`, { spec: { replicas: -1 } }), {
        code: 422, reason: 'Invalid', message: `Widget.${group} "s" is invalid: .spec.replicas: ${customCause.message}`, details: { name: 's', group, kind: 'Widget', causes: [customCause] },
      });
      await api.post(deployments, {
        metadata: { name: 'web' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      });
      const builtinCause = { reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' };
      expectStatus(await api.patch(`${deployments}/web/scale`, { spec: { replicas: -1 } }), {
        code: 422, reason: 'Invalid', message: `Scale.autoscaling "web" is invalid: spec.replicas: ${builtinCause.message}`, details: { name: 'web', group: 'autoscaling', kind: 'Scale', causes: [builtinCause] },
      });
    });

    it('scales a Deployment, reporting its selector', async () => {
      const scale = await api.get(`${deployments}/web/scale`);
      expect(scale.body.spec).toEqual({ replicas: 2 });
      expect(scale.body.status).toMatchObject({ selector: 'app=web' });
      const scaled = await api.patch(`${deployments}/web/scale`, { spec: { replicas: 3 } });
      expect(scaled.body.spec).toEqual({ replicas: 3 });
      const deployment = (await api.get(`${deployments}/web`)).body;
      expect(deployment.spec.replicas).toBe(3);
      expect(deployment.metadata.generation).toBe(2);
    });

    it('answers the error forms of scale', async () => {
      expectStatus(await api.get(`${deployments}/absent/scale`), {
        code: 404, reason: 'NotFound', message: 'deployments/scale.apps "absent" not found', details: { name: 'absent', group: 'apps', kind: 'deployments/scale' },
      });
      expectStatus(await api.get(`${widgets}/absent/scale`), {
        code: 404, reason: 'NotFound', message: `widgets.${group} "absent" not found`, details: { name: 'absent', group, kind: 'widgets' },
      });
      expectStatus(await api.patch(`${widgets}/s/scale`, { spec: { replicas: 1 } }, strategicPatch), {
        code: 415,
        reason: 'UnsupportedMediaType',
        message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      });
    });
  });
});
