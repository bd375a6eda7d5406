import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { InvalidProtobufBody, UnsupportedProtobufField } from './errors.ts';
import { messageToJson } from './message-to-json.ts';
import { kubernetesMessages } from './schema.ts';

/** Encodes `value` with our own schema and reads it back as JSON. */
function roundTrip(messageName: string, value: Record<string, unknown>): unknown {
  const type = kubernetesMessages.lookupType(messageName);
  return messageToJson(type, type.encode(value).finish());
}

/** Encodes `value`, then appends raw bytes, as a sender with a larger schema would. */
function withExtraBytes(messageName: string, value: Record<string, unknown>, extra: number[]): Uint8Array {
  const type = kubernetesMessages.lookupType(messageName);
  return Buffer.concat([type.encode(value).finish(), Buffer.from(extra)]);
}

describe('messageToJson', () => {
  describe('scalars', () => {
    it('leaves out zero values of plain fields, as omitempty does', () => {
      expect(roundTrip('apps.v1.DeploymentSpec', { minReadySeconds: 0, paused: false, replicas: 3 })).toEqual({ replicas: 3 });
      expect(roundTrip('meta.v1.ObjectMeta', { name: '', namespace: 'default', generation: 0 })).toEqual({ namespace: 'default' });
    });

    it('keeps zero values of optional fields that the sender wrote (pointers, fields without omitempty)', () => {
      expect(roundTrip('apps.v1.DeploymentSpec', { replicas: 0 })).toEqual({ replicas: 0 });
      expect(roundTrip('core.v1.ConfigMap', { immutable: false })).toEqual({ immutable: false });
      expect(roundTrip('core.v1.ServicePort', { port: 0, nodePort: 0 })).toEqual({ port: 0 });
      const selector = roundTrip('core.v1.SecretKeySelector', { localObjectReference: { name: 's' }, key: 'k', optional: false });
      expect(selector).toEqual({ name: 's', key: 'k', optional: false });
    });

    it('leaves out optional fields the sender did not write', () => {
      expect(roundTrip('core.v1.ConfigMap', {})).toEqual({});
    });

    it('reads 64-bit integers as numbers', () => {
      expect(roundTrip('meta.v1.ObjectMeta', { generation: 2 ** 40 + 7, deletionGracePeriodSeconds: 30 })).toEqual({
        generation: 2 ** 40 + 7,
        deletionGracePeriodSeconds: 30,
      });
      expect(roundTrip('core.v1.PodSecurityContext', { runAsUser: -1 })).toEqual({ runAsUser: -1 });
    });
  });

  describe('messages', () => {
    it('writes every message field the sender wrote, empty ones as {}', () => {
      expect(roundTrip('core.v1.Namespace', { metadata: { name: 'n' }, spec: {}, status: {} })).toEqual({
        metadata: { name: 'n' },
        spec: {},
        status: {},
      });
      expect(roundTrip('core.v1.Namespace', { metadata: { name: 'n' } })).toEqual({ metadata: { name: 'n' } });
    });

    it('merges inline fields into their parent', () => {
      const volume = roundTrip('core.v1.Volume', { name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'settings' }, defaultMode: 420 } } });
      expect(volume).toEqual({ name: 'cfg', configMap: { name: 'settings', defaultMode: 420 } });
      const probe = roundTrip('core.v1.Probe', { handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' } } }, periodSeconds: 5 });
      expect(probe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 });
      const rule = roundTrip('networking.v1.IngressRule', { host: 'a.example', ingressRuleValue: { http: { paths: [{ path: '/', pathType: 'Prefix' }] } } });
      expect(rule).toEqual({ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix' }] } });
    });
  });

  describe('lists and maps', () => {
    it('leaves out empty lists and maps', () => {
      expect(roundTrip('meta.v1.ObjectMeta', { name: 'x', labels: {}, finalizers: [] })).toEqual({ name: 'x' });
    });

    it('keeps list order and map entries, including keys that look like object internals', () => {
      const labels = Object.fromEntries([['__proto__', 'yes'], ['app', 'web']]);
      const meta = roundTrip('meta.v1.ObjectMeta', { finalizers: ['b', 'a'], labels }) as Record<string, unknown>;
      expect(meta.finalizers).toEqual(['b', 'a']);
      const decodedLabels = meta.labels as Record<string, string>;
      expect(Object.keys(decodedLabels).sort()).toEqual(['__proto__', 'app']);
      expect(Object.getPrototypeOf(decodedLabels)).toBe(Object.prototype);
      expect(JSON.stringify(decodedLabels)).toContain('"__proto__":"yes"');
    });

    it('reads repeated numbers both packed and one per field, as Go writes them', () => {
      expect(roundTrip('core.v1.PodSecurityContext', { supplementalGroups: [1000, 2000] })).toEqual({ supplementalGroups: [1000, 2000] });
      const unpacked = new protobuf.Writer().uint32((4 << 3) | 0).int64(1000).uint32((4 << 3) | 0).int64(2000).finish();
      expect(messageToJson(kubernetesMessages.lookupType('core.v1.PodSecurityContext'), unpacked)).toEqual({ supplementalGroups: [1000, 2000] });
    });

    it('writes bytes as base64, in maps too', () => {
      const secret = roundTrip('core.v1.Secret', { data: { 'tls.key': Buffer.from('secret'), empty: Buffer.alloc(0) }, type: 'Opaque' });
      expect(secret).toEqual({ data: { 'tls.key': 'c2VjcmV0', empty: '' }, type: 'Opaque' });
      expect(roundTrip('core.v1.ConfigMap', { binaryData: { blob: Buffer.from([0, 255]) } })).toEqual({ binaryData: { blob: 'AP8=' } });
    });

    it('converts message values of maps', () => {
      const resources = roundTrip('core.v1.ResourceRequirements', { limits: { cpu: { string: '500m' } }, requests: { memory: { string: '64Mi' } } });
      expect(resources).toEqual({ limits: { cpu: '500m' }, requests: { memory: '64Mi' } });
      const user = roundTrip('authentication.v1.UserInfo', { username: 'alice', extra: { scopes: { items: ['a', 'b'] } } });
      expect(user).toEqual({ username: 'alice', extra: { scopes: ['a', 'b'] } });
    });
  });

  describe('special JSON forms', () => {
    it('writes Time as RFC 3339 in UTC with whole seconds, and the zero time as null', () => {
      const seconds = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
      const meta = roundTrip('meta.v1.ObjectMeta', { creationTimestamp: {}, deletionTimestamp: { seconds, nanos: 999_000_000 } });
      expect(meta).toEqual({ creationTimestamp: null, deletionTimestamp: '2026-01-02T03:04:05Z' });
      expect(roundTrip('meta.v1.ObjectMeta', { creationTimestamp: { seconds: 0 } })).toEqual({ creationTimestamp: '1970-01-01T00:00:00Z' });
    });

    it('refuses times Go cannot write', () => {
      expect(() => roundTrip('meta.v1.ObjectMeta', { creationTimestamp: { seconds: 253402300800 } })).toThrow(InvalidProtobufBody);
    });

    it('writes IntOrString as a number or a string by its type', () => {
      expect(roundTrip('core.v1.ServicePort', { port: 80, targetPort: { intVal: 8080 } })).toEqual({ port: 80, targetPort: 8080 });
      expect(roundTrip('core.v1.ServicePort', { port: 80, targetPort: { type: 1, strVal: 'http' } })).toEqual({ port: 80, targetPort: 'http' });
      expect(roundTrip('core.v1.ServicePort', { port: 80, targetPort: {} })).toEqual({ port: 80, targetPort: 0 });
    });

    it('writes managed fields as the JSON document they carry', () => {
      const meta = roundTrip('meta.v1.ObjectMeta', {
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { raw: Buffer.from('{"f:data":{}}') } }],
      });
      expect(meta).toEqual({ managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] });
    });
  });

  describe('refusals', () => {
    it('refuses a field outside the schema instead of dropping it', () => {
      // Field 3 of VolumeSource (gcePersistentDisk) is a message our subset leaves out.
      const bytes = withExtraBytes('core.v1.VolumeSource', {}, [(3 << 3) | 2, 0]);
      const read = () => messageToJson(kubernetesMessages.lookupType('core.v1.VolumeSource'), bytes);
      expect(read).toThrow(UnsupportedProtobufField);
      expect(read).toThrow('field 3 of protobuf message core.v1.VolumeSource');
      let status: unknown;
      try {
        read();
      } catch (error) {
        status = (error as UnsupportedProtobufField).toStatus();
      }
      expect(status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    });

    it('refuses a wire type that does not match the field', () => {
      const bytes = new protobuf.Writer().uint32((1 << 3) | 0).uint32(5).finish();
      expect(() => messageToJson(kubernetesMessages.lookupType('meta.v1.ObjectMeta'), bytes)).toThrow(InvalidProtobufBody);
    });

    it('refuses field number 0, which no message has', () => {
      expect(() => messageToJson(kubernetesMessages.lookupType('meta.v1.ObjectMeta'), Buffer.from([0, 0]))).toThrow(InvalidProtobufBody);
    });

    it('refuses truncated input', () => {
      const full = kubernetesMessages.lookupType('meta.v1.ObjectMeta').encode({ name: 'truncated' }).finish();
      const read = () => messageToJson(kubernetesMessages.lookupType('meta.v1.ObjectMeta'), full.subarray(0, full.length - 3));
      expect(read).toThrow(InvalidProtobufBody);
    });

    it('refuses a nested message whose fields run past its declared length', () => {
      // ObjectMeta with a labels entry whose declared length (2) cuts its key string in half.
      const bytes = Buffer.from([(11 << 3) | 2, 2, (1 << 3) | 2, 3, 0x61, 0x62, 0x63]);
      expect(() => messageToJson(kubernetesMessages.lookupType('meta.v1.ObjectMeta'), bytes)).toThrow(InvalidProtobufBody);
    });
  });
});
