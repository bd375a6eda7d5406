import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeProtobufBody, InvalidProtobufBody, PROTOBUF_MEDIA_TYPE, UnsupportedProtobufField, UnsupportedProtobufKind } from './decode.ts';
import { kubernetesMessages } from './schema.ts';

/** One request recorded by fixtures/capture.ts from the real kubectl 1.32. */
interface Capture {
  name: string;
  command: string;
  method: string;
  path: string;
  contentType: string;
  userAgent: string;
  dryRunJson?: Record<string, unknown>;
}

const FIXTURES = new URL('./fixtures/', import.meta.url);
const captures = (JSON.parse(readFileSync(new URL('captures.json', FIXTURES), 'utf8')) as { captures: Capture[] }).captures;

function captured(name: string): { capture: Capture; body: Buffer } {
  const capture = captures.find((candidate) => candidate.name === name);
  if (capture === undefined) throw new Error(`no capture named ${name}`);
  return { capture, body: readFileSync(new URL(`${name}.pb`, FIXTURES)) };
}

/** A body as a Kubernetes client writes it: prefix, then the envelope around the object's message. */
function encodeBody(apiVersion: string, kind: string, messageName: string, object: Record<string, unknown>): Buffer {
  const raw = kubernetesMessages.lookupType(messageName).encode(object).finish();
  return envelope({ typeMeta: { apiVersion, kind }, raw });
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

function envelope(fields: Record<string, unknown>): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), kubernetesMessages.lookupType('runtime.Unknown').encode(fields).finish()]);
}

describe('decodeProtobufBody on bodies captured from kubectl 1.32', () => {
  it('was captured from kubectl 1.32 sending protobuf', () => {
    for (const capture of captures) {
      expect(capture.contentType, capture.name).toBe(PROTOBUF_MEDIA_TYPE);
      expect(capture.userAgent, capture.name).toMatch(/^kubectl\/v1\.32\./);
    }
  });

  it('decodes `kubectl create namespace demo`', () => {
    const { capture, body } = captured('namespace');
    expect([capture.method, capture.path]).toEqual(['POST', '/api/v1/namespaces']);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it('decodes `kubectl create configmap c --from-literal=a=b`', () => {
    const { capture, body } = captured('configmap');
    expect([capture.method, capture.path]).toEqual(['POST', '/api/v1/namespaces/default/configmaps']);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', creationTimestamp: null },
      data: { a: 'b' },
    });
  });

  it('decodes `kubectl create deployment web --image=nginx`', () => {
    const { capture, body } = captured('deployment');
    expect([capture.method, capture.path]).toEqual(['POST', '/apis/apps/v1/namespaces/default/deployments']);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('decodes `kubectl create deployment web --image=nginx --replicas=2 --port=80`', () => {
    const spec = decodeProtobufBody(captured('deployment-replicas-port').body).spec as Record<string, unknown>;
    expect(spec.replicas).toBe(2);
    expect(spec.template).toEqual({
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] },
    });
  });

  it("decodes `kubectl create job j --image=busybox -- sh -c 'echo hi'`", () => {
    expect(decodeProtobufBody(captured('job').body)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', creationTimestamp: null },
      spec: {
        template: {
          metadata: { creationTimestamp: null },
          spec: { containers: [{ name: 'j', image: 'busybox', command: ['sh', '-c', 'echo hi'], resources: {} }], restartPolicy: 'Never' },
        },
      },
      status: {},
    });
  });

  it('decodes `kubectl auth can-i create pods`', () => {
    const { capture, body } = captured('can-i');
    expect([capture.method, capture.path]).toEqual(['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('decodes `kubectl auth can-i --list`', () => {
    expect(decodeProtobufBody(captured('can-i-list').body)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: { creationTimestamp: null },
      spec: { namespace: 'default' },
      status: { incomplete: false },
    });
  });

  it('decodes `kubectl auth whoami`', () => {
    const { capture, body } = captured('whoami');
    expect([capture.method, capture.path]).toEqual(['POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews']);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: { creationTimestamp: null },
      status: { userInfo: {} },
    });
  });

  it('decodes `kubectl create token robot --duration=1h`', () => {
    const { capture, body } = captured('token');
    expect([capture.method, capture.path]).toEqual(['POST', '/api/v1/namespaces/default/serviceaccounts/robot/token']);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { creationTimestamp: null },
      spec: { expirationSeconds: 3600 },
      status: { token: '', expirationTimestamp: null },
    });
  });

  // kubectl's --dry-run=client -o json prints the very object it would have sent:
  // our decoding of the protobuf body must be exactly that JSON.
  for (const capture of captures.filter((candidate) => candidate.dryRunJson !== undefined)) {
    it(`matches kubectl's own JSON for \`${capture.command}\``, () => {
      expect(decodeProtobufBody(captured(capture.name).body)).toStrictEqual(capture.dryRunJson);
    });
  }
});

describe('decodeProtobufBody on bodies encoded with our schema', () => {
  it('takes apiVersion and kind from the envelope', () => {
    const body = encodeBody('v1', 'ServiceAccount', 'core.v1.ServiceAccount', {
      metadata: { name: 'robot', namespace: 'apps' },
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'regcred' }],
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'robot', namespace: 'apps' },
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'regcred' }],
    });
  });

  it('decodes a deployment with probes, env sources, volumes and a rolling update', () => {
    const body = encodeBody('apps/v1', 'Deployment', 'apps.v1.Deployment', {
      metadata: { name: 'api', labels: { app: 'api' } },
      spec: {
        replicas: 3,
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 1, strVal: '25%' }, maxSurge: { intVal: 1 } } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [
              {
                name: 'api',
                image: 'example/api:1',
                args: ['--port=8080'],
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'MODE', value: 'prod' },
                  { name: 'TOKEN', valueFrom: { secretKeyRef: { localObjectReference: { name: 'creds' }, key: 'token' } } },
                ],
                resources: { limits: { memory: { string: '128Mi' } } },
                readinessProbe: { handler: { tcpSocket: { port: { intVal: 8080 } } }, initialDelaySeconds: 2 },
                volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
              },
            ],
            volumes: [{ name: 'data', volumeSource: { persistentVolumeClaim: { claimName: 'pvc' } } }],
            terminationGracePeriodSeconds: 0,
          },
        },
      },
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', labels: { app: 'api' } },
      spec: {
        replicas: 3,
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [
              {
                name: 'api',
                image: 'example/api:1',
                args: ['--port=8080'],
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'MODE', value: 'prod' },
                  { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
                ],
                resources: { limits: { memory: '128Mi' } },
                readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 2 },
                volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
              },
            ],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'pvc' } }],
            terminationGracePeriodSeconds: 0,
          },
        },
      },
    });
  });

  it('decodes a self subject access review for a non-resource path', () => {
    const body = encodeBody('authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'authorization.v1.SelfSubjectAccessReview', {
      metadata: {},
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
      status: { allowed: false },
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
      status: { allowed: false },
    });
  });
});

describe('decodeProtobufBody refusals', () => {
  it('answers 415 with the kind for kinds outside the schema', () => {
    const body = envelope({ typeMeta: { apiVersion: 'apps/v1', kind: 'StatefulSet' }, raw: Buffer.alloc(0) });
    const unsupported = thrownBy(() => decodeProtobufBody(body));
    expect(unsupported).toBeInstanceOf(UnsupportedProtobufKind);
    expect([(unsupported as UnsupportedProtobufKind).apiVersion, (unsupported as UnsupportedProtobufKind).kind]).toEqual(['apps/v1', 'StatefulSet']);
    expect((unsupported as UnsupportedProtobufKind).toStatus()).toMatchObject({ kind: 'Status', code: 415, reason: 'UnsupportedMediaType' });
    expect((unsupported as UnsupportedProtobufKind).message).toContain('"StatefulSet"');
  });

  it('answers 415 for a supported kind carrying a field outside the schema', () => {
    const raw = Buffer.concat([kubernetesMessages.lookupType('core.v1.Namespace').encode({ metadata: { name: 'x' } }).finish(), Buffer.from([(9 << 3) | 0, 1])]);
    expect(() => decodeProtobufBody(envelope({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw }))).toThrow(UnsupportedProtobufField);
  });

  it('answers 400 for a body without the k8s prefix', () => {
    expect(() => decodeProtobufBody(Buffer.from('{"kind":"Namespace"}'))).toThrow(InvalidProtobufBody);
    expect(() => decodeProtobufBody(Buffer.from('k8s'))).toThrow(InvalidProtobufBody);
    const invalid = thrownBy(() => decodeProtobufBody(Buffer.alloc(0)));
    expect(invalid).toBeInstanceOf(InvalidProtobufBody);
    expect((invalid as InvalidProtobufBody).toStatus()).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  it('answers 400 for an envelope without kind or apiVersion', () => {
    expect(() => decodeProtobufBody(envelope({ typeMeta: { apiVersion: 'v1' } }))).toThrow("Object 'Kind' is missing");
    expect(() => decodeProtobufBody(envelope({ typeMeta: { kind: 'Namespace' } }))).toThrow("Object 'apiVersion' is missing");
  });

  it('answers 400 for a truncated body', () => {
    const body = captured('deployment').body;
    expect(() => decodeProtobufBody(body.subarray(0, body.length - 10))).toThrow(InvalidProtobufBody);
  });
});
