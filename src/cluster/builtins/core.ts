import { fieldError, type FieldError } from '../errors.ts';
import { randomNameSuffix, validateQualifiedName } from '../object-meta.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { builtin, child, record, records, setDefault } from './define.ts';
import { defaultPodOnlyFields, defaultPodSpec, validatePodSpec } from './pod-spec.ts';
import { normalizeTimestamps } from './timestamps.ts';
import { copyJson } from '../json-copy.ts';

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const at = (obj: KubeObject, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (record(o) ? (o as Record<string, unknown>)[k] : undefined), obj);

const dataKey = /^[-._a-zA-Z0-9]+$/;

function validateDataKeys(data: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(record(data) ?? {})) {
    if (!dataKey.test(key) || key.length > 253) {
      errors.push(fieldError.invalid(`${path}[${key}]`, key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    }
  }
  return errors;
}

/** The bytes of a data map's values, as upstream counts them against the 1 MiB of a ConfigMap or Secret. */
function valueBytes(data: unknown, encoding: 'utf8' | 'base64'): number {
  let size = 0;
  for (const value of Object.values(record(data) ?? {})) size += Buffer.byteLength(str(value), encoding);
  return size;
}

/** ConfigMaps and Secrets marked immutable refuse changes to their data (§11). */
function validateImmutableData(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  if (!old || old.immutable !== true) return [];
  const errors: FieldError[] = [];
  if (obj.immutable !== true) errors.push(fieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const field of ['data', 'binaryData']) {
    if (JSON.stringify(obj[field] ?? {}) !== JSON.stringify(old[field] ?? {})) {
      errors.push(fieldError.forbidden(field, 'field is immutable when `immutable` is set'));
    }
  }
  return errors;
}

const podQos = (spec: Record<string, unknown>): string => {
  const containers = records(spec.containers);
  const resources = containers.map((c) => record(c.resources) ?? {});
  const hasAny = resources.some((r) => Object.keys(record(r.requests) ?? {}).length || Object.keys(record(r.limits) ?? {}).length);
  if (!hasAny) return 'BestEffort';
  const guaranteed = resources.every((r) => {
    const limits = record(r.limits) ?? {};
    const requests = record(r.requests) ?? limits;
    return ['cpu', 'memory'].every((k) => limits[k] !== undefined && String(requests[k] ?? limits[k]) === String(limits[k]));
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
};

/** Which parts of a pod spec may change after creation (§11). */
function mutablePodSpecView(spec: unknown): unknown {
  const s = copyJson(record(spec) ?? {});
  for (const list of ['containers', 'initContainers']) for (const c of records(s[list])) delete c.image;
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  return s;
}

const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The ServiceAccount admission plugin's projected token volume: token, cluster
 * CA and namespace, mounted into every container that has nothing there yet.
 */
function addServiceAccountVolume(spec: Record<string, unknown>): void {
  if (spec.automountServiceAccountToken === false) return;
  const containers = [...records(spec.initContainers), ...records(spec.containers)];
  if (containers.every((c) => records(c.volumeMounts).some((m) => m.mountPath === serviceAccountMountPath))) return;
  const name = `kube-api-access-${randomNameSuffix()}`;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  spec.volumes = [
    ...volumes,
    {
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
        defaultMode: 420,
      },
    },
  ];
  for (const container of containers) {
    const mounts = records(container.volumeMounts);
    if (mounts.some((m) => m.mountPath === serviceAccountMountPath)) continue;
    container.volumeMounts = [...mounts, { name, readOnly: true, mountPath: serviceAccountMountPath }];
  }
}

const pods = builtin({
  group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true,
  shortNames: ['po'], categories: ['all'], status: true, extraSubresources: ['binding', 'eviction', 'log'],
  returnsDeletedObject: true, gracefulDeletion: true,
  strategy: {
    prepareForCreate(obj) {
      const spec = child(obj, 'spec');
      defaultPodSpec(spec);
      defaultPodOnlyFields(spec);
      addServiceAccountVolume(spec);
    },
    initialStatus(obj) {
      return { phase: 'Pending', qosClass: podQos(record(obj.spec) ?? {}) };
    },
    validate(obj, ctx) {
      const errors = validatePodSpec(obj.spec, 'spec');
      if (ctx.operation === 'update' && ctx.old && !ctx.statusWrite) {
        if (JSON.stringify(mutablePodSpecView(obj.spec)) !== JSON.stringify(mutablePodSpecView(ctx.old.spec))) {
          errors.push(fieldError.forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
        }
      }
      return errors;
    },
    fieldSelectors: {
      'spec.nodeName': (o) => str(at(o, 'spec', 'nodeName')),
      'spec.restartPolicy': (o) => str(at(o, 'spec', 'restartPolicy')),
      'spec.schedulerName': (o) => str(at(o, 'spec', 'schedulerName')),
      'spec.serviceAccountName': (o) => str(at(o, 'spec', 'serviceAccountName')),
      'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
      'status.phase': (o) => str(at(o, 'status', 'phase')),
      'status.podIP': (o) => str(at(o, 'status', 'podIP')),
      'status.nominatedNodeName': (o) => str(at(o, 'status', 'nominatedNodeName')),
    },
  },
});

const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

const services = builtin({
  group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true,
  shortNames: ['svc'], categories: ['all'], status: true, extraSubresources: ['proxy'], returnsDeletedObject: true, nameRule: 'dns1035',
  strategy: {
    prepareForCreate(obj, cluster) {
      const spec = child(obj, 'spec');
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      if (spec.type !== 'ExternalName') {
        if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = cluster.allocateClusterIP();
        setDefault(spec, 'clusterIPs', [spec.clusterIP]);
        setDefault(spec, 'ipFamilies', ['IPv4']);
        setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
        setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      }
      for (const port of records(spec.ports)) {
        setDefault(port, 'protocol', 'TCP');
        setDefault(port, 'targetPort', port.port);
        if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && port.nodePort === undefined) {
          port.nodePort = cluster.allocateNodePort();
        }
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    },
    prepareForUpdate(obj, old) {
      // clusterIP is allocated once; an update that leaves it out keeps it.
      const spec = child(obj, 'spec');
      const oldSpec = record(old.spec) ?? {};
      if ((spec.clusterIP === undefined || spec.clusterIP === '') && oldSpec.clusterIP) {
        spec.clusterIP = oldSpec.clusterIP;
        setDefault(spec, 'clusterIPs', oldSpec.clusterIPs);
      }
    },
    initialStatus: () => ({ loadBalancer: {} }),
    validate(obj, ctx) {
      const errors: FieldError[] = [];
      const spec = record(obj.spec) ?? {};
      if (!serviceTypes.includes(spec.type as string)) errors.push(fieldError.notSupported('spec.type', spec.type, serviceTypes));
      const ports = records(spec.ports);
      if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') errors.push(fieldError.required('spec.ports', ''));
      ports.forEach((p, i) => {
        if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) errors.push(fieldError.invalid(`spec.ports[${i}].port`, p.port ?? 0, 'must be between 1 and 65535, inclusive'));
        if (ports.length > 1 && !p.name) errors.push(fieldError.required(`spec.ports[${i}].name`, ''));
      });
      const oldSpec = record(ctx.old?.spec);
      if (ctx.operation === 'update' && oldSpec && oldSpec.clusterIP && spec.clusterIP !== oldSpec.clusterIP) {
        errors.push(fieldError.invalid('spec.clusterIPs[0]', spec.clusterIP ?? '', 'may not change once set'));
      }
      return errors;
    },
  },
});

const configmaps = builtin({
  group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'],
  strategy: {
    validate(obj, ctx) {
      const errors = [...validateDataKeys(obj.data, 'data'), ...validateDataKeys(obj.binaryData, 'binaryData')];
      // Upstream names the whole object by the empty path, which prints as `[]`.
      if (valueBytes(obj.data, 'utf8') + valueBytes(obj.binaryData, 'base64') > 1024 * 1024) errors.push(fieldError.tooLong('[]', 1024 * 1024));
      return [...errors, ...validateImmutableData(obj, ctx.old)];
    },
  },
});

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

const secrets = builtin({
  group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true,
  strategy: {
    prepareForCreate(obj) {
      setDefault(obj, 'type', 'Opaque');
      mergeStringData(obj);
    },
    prepareForUpdate(obj, old) {
      setDefault(obj, 'type', old.type);
      mergeStringData(obj);
    },
    validate(obj, ctx) {
      const errors = validateDataKeys(obj.data, 'data');
      for (const [key, value] of Object.entries(record(obj.data) ?? {})) {
        if (typeof value !== 'string' || value.length % 4 !== 0 || !base64.test(value)) {
          errors.push(fieldError.invalid(`data[${key}]`, '<secret contents redacted>', 'must be a base64 encoded string'));
        }
      }
      const data = record(obj.data) ?? {};
      if (valueBytes(data, 'base64') > 1024 * 1024) errors.push(fieldError.tooLong('data', 1024 * 1024));
      const requiredKeys: Record<string, string[]> = {
        'kubernetes.io/tls': ['tls.crt', 'tls.key'],
        'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
        'kubernetes.io/dockercfg': ['.dockercfg'],
        'kubernetes.io/basic-auth': [],
        'kubernetes.io/ssh-auth': ['ssh-privatekey'],
      };
      for (const key of requiredKeys[obj.type as string] ?? []) {
        if (data[key] === undefined) errors.push(fieldError.required(`data[${key}]`, ''));
      }
      if (ctx.old && ctx.old.type !== obj.type) errors.push(fieldError.invalid('type', obj.type, 'field is immutable'));
      return [...errors, ...validateImmutableData(obj, ctx.old)];
    },
    fieldSelectors: { type: (o) => str(o.type) },
  },
});

/** `stringData` is write-only: merged into `data`, base64-encoded, never stored. */
function mergeStringData(obj: KubeObject): void {
  const stringData = record(obj.stringData);
  delete obj.stringData;
  if (!stringData) return;
  const data = child(obj, 'data');
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value)).toString('base64');
}

const namespaces = builtin({
  group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false,
  // Namespaces are deleted one by one, through their lifecycle: no deletecollection.
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  shortNames: ['ns'], status: true, extraSubresources: ['finalize'], returnsDeletedObject: true, nameRule: 'label',
  strategy: {
    prepareForCreate(obj) {
      child(obj, 'spec').finalizers = ['kubernetes'];
      labelWithName(obj);
    },
    prepareForUpdate(obj, old) {
      // spec.finalizers change only through /finalize.
      obj.spec = copyJson(old.spec);
      labelWithName(obj);
    },
    initialStatus: () => ({ phase: 'Active' }),
    fieldSelectors: { 'status.phase': (o) => str(at(o, 'status', 'phase')) },
  },
});

function labelWithName(obj: KubeObject): void {
  obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
}

const eventSelectors: Record<string, (o: KubeObject) => string> = {
  'involvedObject.kind': (o) => str(at(o, 'involvedObject', 'kind')),
  'involvedObject.namespace': (o) => str(at(o, 'involvedObject', 'namespace')),
  'involvedObject.name': (o) => str(at(o, 'involvedObject', 'name')),
  'involvedObject.uid': (o) => str(at(o, 'involvedObject', 'uid')),
  'involvedObject.apiVersion': (o) => str(at(o, 'involvedObject', 'apiVersion')),
  'involvedObject.resourceVersion': (o) => str(at(o, 'involvedObject', 'resourceVersion')),
  'involvedObject.fieldPath': (o) => str(at(o, 'involvedObject', 'fieldPath')),
  reason: (o) => str(o.reason),
  reportingComponent: (o) => str(o.reportingComponent),
  source: (o) => str(at(o, 'source', 'component')) || str(o.reportingComponent),
  type: (o) => str(o.type),
};

/** core/v1 Event validation as kube-apiserver applies it (§11): it differs with and without eventTime. */
function validateEvent(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const ns = obj.metadata.namespace ?? '';
  const involvedNs = str(at(obj, 'involvedObject', 'namespace'));
  if (!obj.eventTime) {
    if (involvedNs && involvedNs !== ns) errors.push(fieldError.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    return errors;
  }
  if (!involvedNs && ns !== 'default' && ns !== 'kube-system') {
    errors.push(fieldError.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  }
  const component = str(obj.reportingComponent);
  if (!component) errors.push(fieldError.required('reportingComponent', ''));
  errors.push(...validateQualifiedName(component, 'reportingComponent'));
  for (const field of ['reportingInstance', 'action', 'reason']) {
    const value = str(obj[field]);
    if (!value) errors.push(fieldError.required(field, ''));
    else if (value.length > 128) errors.push(fieldError.tooLong(field, 128));
  }
  if (typeof obj.message === 'string' && obj.message.length > 1024) {
    errors.push(fieldError.invalid('message', '', 'can have at most 1024 characters'));
  }
  return errors;
}

/** An Event's typed timestamps, and the fields Go always serializes (its zero values), as a stored Event shows them. */
function prepareEvent(obj: KubeObject): void {
  normalizeTimestamps('Event', obj, ['firstTimestamp', 'lastTimestamp'], ['eventTime']);
  normalizeTimestamps('Event', record(obj.series), [], ['lastObservedTime']);
  for (const field of ['firstTimestamp', 'lastTimestamp', 'eventTime']) setDefault(obj, field, null);
  setDefault(obj, 'involvedObject', {});
  setDefault(obj, 'source', {});
  setDefault(obj, 'reportingComponent', '');
  setDefault(obj, 'reportingInstance', '');
}

const events = builtin({
  group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'],
  strategy: { prepareForCreate: prepareEvent, prepareForUpdate: prepareEvent, validate: validateEvent, fieldSelectors: eventSelectors },
});

const nodes = builtin({
  group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'],
  status: true, extraSubresources: ['proxy'],
  strategy: { fieldSelectors: { 'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true) } },
});

const persistentVolumeClaims = builtin({
  group: '', version: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true,
  shortNames: ['pvc'], status: true,
  strategy: {
    prepareForCreate(obj) {
      const spec = child(obj, 'spec');
      setDefault(spec, 'volumeMode', 'Filesystem');
    },
    initialStatus: () => ({ phase: 'Pending' }),
  },
});

const replicationControllers = builtin({
  group: '', version: 'v1', plural: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true,
  shortNames: ['rc'], categories: ['all'], status: true, tracksGeneration: true, defaultPropagation: 'Orphan',
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  strategy: {
    fieldSelectors: { 'status.replicas': (o) => str(at(o, 'status', 'replicas') ?? 0) },
    initialStatus: () => ({ replicas: 0 }),
  },
});

/** The core (`v1`) kinds. */
export function coreTypes(): ResourceType[] {
  return [
    namespaces,
    pods,
    services,
    configmaps,
    secrets,
    builtin({ group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'], returnsDeletedObject: true, extraSubresources: ['token'] }),
    builtin({ group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] }),
    events,
    nodes,
    persistentVolumeClaims,
    builtin({ group: '', version: 'v1', plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], status: true, strategy: { initialStatus: () => ({ phase: 'Pending' }) } }),
    builtin({ group: '', version: 'v1', plural: 'limitranges', kind: 'LimitRange', namespaced: true, shortNames: ['limits'] }),
    builtin({ group: '', version: 'v1', plural: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, shortNames: ['quota'], status: true }),
    builtin({ group: '', version: 'v1', plural: 'podtemplates', kind: 'PodTemplate', namespaced: true }),
    replicationControllers,
  ];
}
