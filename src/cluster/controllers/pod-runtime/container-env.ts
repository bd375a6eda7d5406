import { record, records } from '../../builtins/define.ts';
import type { KubeObject } from '../../resource-type.ts';
import { expandReferences } from '../container-commands.ts';

type Json = Record<string, unknown>;

/** Reads a ConfigMap or Secret of the pod's namespace. */
export type SourceLookup = (kind: 'ConfigMap' | 'Secret', name: string) => KubeObject | undefined;

/** A container's environment, or why the kubelet cannot create the container (`CreateContainerConfigError`). */
export type EnvironmentResult = { env: Record<string, string> } | { error: string };

/** What every container's environment starts with on a node of the embedded cluster. */
function baseEnvironment(pod: KubeObject): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: String(record(pod.spec)?.hostname ?? pod.metadata.name),
    HOME: '/root',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
  };
}

/** The values of a ConfigMap or Secret (Secrets decoded). */
function dataOf(kind: 'ConfigMap' | 'Secret', source: KubeObject): Record<string, string> {
  const data = (record(source.data) ?? {}) as Record<string, string>;
  if (kind === 'ConfigMap') return data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
}

/** `metadata.labels['app']` and the other downward API paths the kubelet resolves for env. */
function fieldValue(pod: KubeObject, path: string): string {
  const map = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (map) return pod.metadata[map[1] as 'labels' | 'annotations']?.[map[2]] ?? '';
  const spec = record(pod.spec) ?? {};
  const status = record(pod.status) ?? {};
  const values: Record<string, unknown> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': spec.nodeName,
    'spec.serviceAccountName': spec.serviceAccountName,
    'status.hostIP': status.hostIP,
    'status.hostIPs': records(status.hostIPs).map((a) => a.ip).join(','),
    'status.podIP': status.podIP,
    'status.podIPs': records(status.podIPs).map((a) => a.ip).join(','),
  };
  return String(values[path] ?? '');
}

const lowerKind = (kind: 'ConfigMap' | 'Secret') => kind.toLowerCase();

/**
 * A container's environment as the kubelet assembles it: the runtime's
 * defaults, `envFrom`, then `env` in order (values may use `$(VAR)` of
 * earlier ones; `valueFrom` reads the downward API, ConfigMaps and Secrets).
 * A missing ConfigMap, Secret or key that is not optional is the kubelet's
 * error, with its message.
 */
export function containerEnvironment(pod: KubeObject, container: Json, lookup: SourceLookup): EnvironmentResult {
  const env = baseEnvironment(pod);
  const ns = pod.metadata.namespace;
  for (const from of records(container.envFrom)) {
    const ref = record(from.configMapRef) ?? record(from.secretRef);
    if (!ref) continue;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const source = lookup(kind, String(ref.name));
    if (!source) {
      if (ref.optional === true) continue;
      return { error: `${lowerKind(kind)} "${ref.name}" not found` };
    }
    for (const [key, value] of Object.entries(dataOf(kind, source))) env[`${from.prefix ?? ''}${key}`] = value;
  }
  for (const variable of records(container.env)) {
    const name = String(variable.name);
    const valueFrom = record(variable.valueFrom);
    if (!valueFrom) {
      env[name] = expandReferences(String(variable.value ?? ''), env);
      continue;
    }
    const fieldRef = record(valueFrom.fieldRef);
    if (fieldRef) {
      env[name] = fieldValue(pod, String(fieldRef.fieldPath));
      continue;
    }
    const keyRef = record(valueFrom.configMapKeyRef) ?? record(valueFrom.secretKeyRef);
    if (keyRef) {
      const kind = valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const source = lookup(kind, String(keyRef.name));
      const optional = keyRef.optional === true;
      if (!source) {
        if (optional) continue;
        return { error: `${lowerKind(kind)} "${keyRef.name}" not found` };
      }
      const value = dataOf(kind, source)[String(keyRef.key)];
      if (value === undefined) {
        if (optional) continue;
        return { error: `couldn't find key ${keyRef.key} in ${kind} ${ns}/${keyRef.name}` };
      }
      env[name] = value;
      continue;
    }
    // resourceFieldRef: the node has no resource accounting; a limit or request reads as written, else 0.
    const resource = record(valueFrom.resourceFieldRef);
    if (resource) {
      const [section, key] = String(resource.resource).split('.');
      env[name] = String(record(record(container.resources)?.[section === 'limits' ? 'limits' : 'requests'])?.[key] ?? '0');
    }
  }
  return { env };
}
