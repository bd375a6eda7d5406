import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createNamespace, expectStatus, widget, widgetCrd, type Api } from './support.ts';

const group = 'crd.conformance.example.com';
const ns = 'crd';
const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
const hold = 'example.com/hold';

type Condition = { type: string; status: string; reason: string; message: string };
const conditionsOf = (crd: { status?: { conditions?: Condition[] | null } }) => (crd.status?.conditions ?? []).map(({ type, status, reason, message }) => ({ type, status, reason, message }));

describe('CustomResourceDefinitions', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describe('lifecycle', () => {
    it('creates a CRD without conditions or finalizers, then accepts its names and establishes it', async () => {
      const response = await api.post(crds, widgetCrd(group));
      expect(response.status).toBe(201);
      const created = response.body;
      expect(created.metadata.generation).toBe(1);
      expect(created.metadata.finalizers).toBeUndefined();
      expect(created.spec.names).toEqual({ plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] });
      expect(created.spec.conversion).toEqual({ strategy: 'None' });
      expect(created.status).toEqual({ conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] });
      await createCrdServed();
      const established = (await api.get(`${crds}/widgets.${group}`)).body;
      expect(conditionsOf(established)).toEqual([
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      ]);
      expect(established.status.acceptedNames).toEqual(created.spec.names);
    });

    it('validates a CRD on create', async () => {
      const base = widgetCrd(group);
      const schema = { openAPIV3Schema: { type: 'object' } };
      const nodot = { ...base, metadata: { name: 'things.nodot' }, spec: { group: 'nodot', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }] } };
      expectStatus(await api.post(crds, nodot), {
        code: 422,
        reason: 'Invalid',
        message: 'CustomResourceDefinition.apiextensions.k8s.io "things.nodot" is invalid: [spec.group: Invalid value: "nodot": should be a domain with at least one dot, spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields]',
        details: {
          name: 'things.nodot',
          group: 'apiextensions.k8s.io',
          kind: 'CustomResourceDefinition',
          causes: [
            { reason: 'FieldValueInvalid', field: 'spec.group', message: 'Invalid value: "nodot": should be a domain with at least one dot' },
            { reason: 'FieldValueRequired', field: 'spec.validation.openAPIV3Schema.properties[spec].type', message: 'Required value: must not be empty for specified object fields' },
          ],
        },
      });
      const noStorage = await api.post(crds, { ...base, metadata: { name: `bad.${group}` }, spec: { group, scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: false, schema }] } });
      expect(noStorage.status).toBe(422);
      expect(noStorage.body.details.causes.map((c: { field: string }) => c.field)).toEqual(['metadata.name', 'spec.versions', 'status.storedVersions']);
      expect(noStorage.body.details.causes[1].message).toMatch(/: must have exactly one version marked as storage version$/);
      expect(noStorage.body.details.causes[2]).toEqual({ reason: 'FieldValueInvalid', field: 'status.storedVersions', message: 'Invalid value: []string(nil): must have at least one stored version' });
      const badDefault = await api.post(crds, {
        ...base,
        metadata: { name: `things.${group}` },
        spec: { group, scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string', default: 5 } } } } } } }] },
      });
      expect(badDefault.status).toBe(422);
      expect(badDefault.body.details.causes).toHaveLength(1);
      expect(badDefault.body.details.causes[0]).toMatchObject({ reason: 'FieldValueTypeInvalid', field: 'spec.validation.openAPIV3Schema.properties[spec].properties[a].default' });
      expect(badDefault.body.details.causes[0].message).toMatch(/^Invalid value: "integer": +in body must be of type string: "integer"$/);
    });

    async function createCrdServed() {
      await cluster.waitFor(
        async () => {
          const crd = (await api.get(`${crds}/widgets.${group}`)).body;
          return conditionsOf(crd).some((c) => c.type === 'Established' && c.status === 'True') && (await api.get(`${widgets}?limit=1`)).status === 200;
        },
        { description: 'the CRD to be served', timeout: 30_000 },
      );
    }
  });

  describe('schema', () => {
    it('validates custom resources against the schema, reporting every error', async () => {
      const invalid = await api.post(widgets, widget(group, 'bad', { size: 'big', color: 'pink', name: 'ABC', items: ['a', 'b', 'c', 'd'] }));
      const causes = [
        { reason: 'FieldValueTypeInvalid', field: 'spec.size', message: 'Invalid value: "string": spec.size in body must be of type integer: "string"' },
        { reason: 'FieldValueNotSupported', field: 'spec.color', message: 'Unsupported value: "pink": supported values: "red", "blue"' },
        { reason: 'FieldValueInvalid', field: 'spec.name', message: "Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'" },
        { reason: 'FieldValueTooMany', field: 'spec.items', message: 'Too many: 4: must have at most 3 items' },
      ];
      expectStatus(invalid, { code: 422, reason: 'Invalid', message: /^Widget\.crd\.conformance\.example\.com "bad" is invalid: \[.*\]$/, details: { name: 'bad', group, kind: 'Widget', causes } });
      // Upstream lists the errors in no fixed order.
      for (const cause of causes) expect(invalid.body.message).toContain(`${cause.field}: ${cause.message}`);
      const single = (spec: Record<string, unknown>, cause: { reason: string; field: string; message: string }) =>
        api.post(widgets, widget(group, 'bad', spec)).then((response) =>
          expectStatus(response, { code: 422, reason: 'Invalid', message: `Widget.${group} "bad" is invalid: ${cause.field}: ${cause.message}`, details: { name: 'bad', group, kind: 'Widget', causes: [cause] } }),
        );
      await single({}, { reason: 'FieldValueRequired', field: 'spec.size', message: 'Required value' });
      await single({ size: 0 }, { reason: 'FieldValueInvalid', field: 'spec.size', message: 'Invalid value: 0: spec.size in body should be greater than or equal to 1' });
      await single({ size: 101 }, { reason: 'FieldValueInvalid', field: 'spec.size', message: 'Invalid value: 101: spec.size in body should be less than or equal to 100' });
      await single({ size: 1, name: 'abcdefghijk' }, { reason: 'FieldValueTooLong', field: 'spec.name', message: 'Too long: may not be more than 8 bytes' });
    });

    it('prunes unknown fields, keeping those under x-kubernetes-preserve-unknown-fields', async () => {
      const created = await api.post(widgets, { ...widget(group, 'pruned', { size: 1, junk: 1, free: { any: { thing: true } } }, { foo: 'bar' }), status: { phase: 'x' }, extra: 1 });
      expect(created.status).toBe(201);
      expect(created.body.spec).toEqual({ size: 1, color: 'red', free: { any: { thing: true } } });
      expect(created.body.extra).toBeUndefined();
      expect(created.body.metadata.foo).toBeUndefined();
      expect(created.headers.warning).toEqual(['299 - "unknown field \\"metadata.foo\\""', '299 - "unknown field \\"extra\\""', '299 - "unknown field \\"spec.junk\\""']);
    });

    it('applies defaults to absent fields of present objects, and to nulls where the field is not nullable', async () => {
      const created = await api.post(widgets, widget(group, 'defaulted', { size: 1, nested: {}, color: null, name: null }));
      expect(created.status).toBe(201);
      expect(created.body.spec).toEqual({ size: 1, color: 'red', nested: { flag: true } });
      const patched = await api.patch(`${widgets}/defaulted`, { spec: { color: 'blue', nested: null } });
      expect(patched.body.spec).toEqual({ size: 1, color: 'blue' });
    });
  });

  describe('deletion', () => {
    it('adds the cleanup finalizer, refuses new objects, waits for held ones, then goes with them', async () => {
      await api.post(widgets, widget(group, 'held', { size: 1 }, { finalizers: [hold] }));
      await api.post(widgets, widget(group, 'free'));
      const deleting = await api.del(`${crds}/widgets.${group}`);
      expect(deleting.status).toBe(200);
      expect(deleting.body.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
      expect(deleting.body.metadata.deletionTimestamp).toEqual(expect.any(String));
      expect(deleting.body.metadata.generation).toBe(1);
      expect(conditionsOf(deleting.body)).toContainEqual({
        type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
      });
      await cluster.waitFor(async () => (await api.get(`${widgets}/free`)).status === 404, { description: 'the free widget to go', timeout: 60_000 });
      expectStatus(await api.post(widgets, widget(group, 'late')), {
        code: 405, reason: 'MethodNotAllowed', message: 'create not allowed while custom resource definition is terminating', details: { group, kind: 'widgets' },
      });
      const resources = (await api.get(`/apis/${group}/v1`)).body.resources;
      expect(resources[0].verbs).toEqual(['delete', 'deletecollection', 'get', 'list', 'watch']);
      await cluster.waitFor(
        async () => conditionsOf((await api.get(`${crds}/widgets.${group}`)).body).some((c) => c.type === 'Terminating' && c.reason === 'InstanceDeletionInProgress'),
        { description: 'the cleanup to be in progress', timeout: 60_000 },
      );
      const held = (await api.get(`${widgets}/held`)).body;
      expect(held.metadata.deletionTimestamp).toEqual(expect.any(String));
      // Objects can still be patched, so operators can release their finalizers.
      expect((await api.patch(`${widgets}/held`, { metadata: { finalizers: null } })).status).toBe(200);
      await cluster.waitFor(async () => (await api.get(`${crds}/widgets.${group}`)).status === 404, { description: 'the CRD to go', timeout: 60_000 });
    });
  });
});
