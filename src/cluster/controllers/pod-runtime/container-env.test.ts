import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../resource-type.ts';
import { containerEnvironment, type SourceLookup } from './container-env.ts';

const pod: KubeObject = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', labels: { app: 'web' } },
  spec: { nodeName: 'kopf-ts-node', serviceAccountName: 'default' },
  status: { podIP: '10.244.0.9', hostIP: '10.0.0.2' },
};

const sources: Record<string, KubeObject> = {
  'ConfigMap/settings': { metadata: { name: 'settings' }, data: { mode: 'fast', level: '3' } },
  'Secret/creds': { metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } },
};
const lookup: SourceLookup = (kind, name) => sources[`${kind}/${name}`];

describe('containerEnvironment', () => {
  it('starts from the runtime defaults and the cluster service', () => {
    const result = containerEnvironment(pod, {}, lookup);
    expect(result).toEqual({ env: expect.objectContaining({ HOSTNAME: 'web-1', KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', HOME: '/root' }) });
  });

  it('reads envFrom, values with $(VAR) references, the downward API, ConfigMap keys and Secret keys', () => {
    const container = {
      envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
      env: [
        { name: 'BASE', value: 'http://$(MY_IP):8080' },
        { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'URL', value: 'http://$(MY_IP):8080/$(UNKNOWN)' },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'OPTIONAL', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x', optional: true } } },
      ],
    };
    const result = containerEnvironment(pod, container, lookup);
    expect('env' in result && result.env).toMatchObject({
      CFG_mode: 'fast',
      CFG_level: '3',
      BASE: 'http://$(MY_IP):8080',
      MY_IP: '10.244.0.9',
      URL: 'http://10.244.0.9:8080/$(UNKNOWN)',
      APP: 'web',
      NS: 'shop',
      MODE: 'fast',
      PASSWORD: 's3cret',
    });
    expect('env' in result && 'OPTIONAL' in result.env).toBe(false);
  });

  it("answers the kubelet's errors for missing sources and keys", () => {
    const missing = (env: unknown[]) => containerEnvironment(pod, { env }, lookup);
    expect(missing([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x' } } }])).toEqual({ error: 'configmap "absent" not found' });
    expect(missing([{ name: 'A', valueFrom: { secretKeyRef: { name: 'absent', key: 'x' } } }])).toEqual({ error: 'secret "absent" not found' });
    expect(missing([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'x' } } }])).toEqual({ error: "couldn't find key x in ConfigMap shop/settings" });
    expect(containerEnvironment(pod, { envFrom: [{ secretRef: { name: 'absent' } }] }, lookup)).toEqual({ error: 'secret "absent" not found' });
  });
});
