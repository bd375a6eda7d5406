import { describe, expect, it } from 'vitest';
import { describeRequest, describeTarget } from './request-subject.ts';

describe('describeRequest', () => {
  it('reads verbs from methods, names and the watch parameter', () => {
    const verbs = [
      describeRequest('GET', '/api/v1/namespaces/ns/pods/p1'),
      describeRequest('GET', '/api/v1/namespaces/ns/pods'),
      describeRequest('GET', '/api/v1/pods', { watch: true }),
      describeRequest('POST', '/api/v1/namespaces/ns/pods'),
      describeRequest('PUT', '/api/v1/namespaces/ns/pods/p1'),
      describeRequest('PATCH', '/api/v1/namespaces/ns/pods/p1'),
      describeRequest('DELETE', '/api/v1/namespaces/ns/pods/p1'),
      describeRequest('DELETE', '/api/v1/namespaces/ns/pods'),
    ].map((s) => s.verb);
    expect(verbs).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']);
  });

  it('names grouped resources plural.group, with subresources', () => {
    expect(describeRequest('PATCH', '/apis/kopf.dev/v1/namespaces/default/kopfexamples/ex1/status')).toEqual({
      verb: 'patch',
      resource: 'kopfexamples.kopf.dev/status',
      namespace: 'default',
      name: 'ex1',
      path: '/apis/kopf.dev/v1/namespaces/default/kopfexamples/ex1/status',
    });
  });

  it('tells namespaces apart from resources in a namespace', () => {
    expect(describeRequest('GET', '/api/v1/namespaces/ns1')).toMatchObject({ resource: 'namespaces', name: 'ns1', namespace: undefined });
    expect(describeRequest('PUT', '/api/v1/namespaces/ns1/finalize')).toMatchObject({ resource: 'namespaces/finalize', name: 'ns1' });
    expect(describeRequest('GET', '/api/v1/namespaces/ns1/configmaps')).toMatchObject({ resource: 'configmaps', namespace: 'ns1', verb: 'list' });
  });

  it('keeps other paths as they are', () => {
    expect(describeRequest('GET', '/apis/kopf.dev')).toEqual({ verb: 'get', path: '/apis/kopf.dev' });
    expect(describeRequest('GET', '/version?x=1')).toEqual({ verb: 'get', path: '/version' });
  });
});

describe('describeTarget', () => {
  it('writes namespace/name, the namespace of a collection, or the path', () => {
    expect(describeTarget(describeRequest('GET', '/api/v1/namespaces/ns/pods/p1'))).toBe('pods ns/p1');
    expect(describeTarget(describeRequest('GET', '/api/v1/namespaces/ns/pods'))).toBe('pods in ns');
    expect(describeTarget(describeRequest('GET', '/apis/apps/v1/deployments'))).toBe('deployments.apps');
    expect(describeTarget(describeRequest('GET', '/api/v1/nodes/n1'))).toBe('nodes n1');
    expect(describeTarget(describeRequest('GET', '/apis'))).toBe('/apis');
  });
});
