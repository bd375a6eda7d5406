/**
 * Field types of the built-in kinds for server-side apply, from the built-in
 * OpenAPI schemas (`openapi/builtin-schemas.ts`) plus what those schemas, made
 * from the `kubernetes-types` declarations, do not say: which lists are
 * granular and by which keys, and which structs and maps are atomic. The
 * tables hold the `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and
 * `x-kubernetes-map-type` markers of kube-apiserver 1.32's published OpenAPI.
 * Strategic merge patch's merge keys (`patch/patch-strategies.ts`) differ from
 * these in places (ports are keyed by port and protocol here, a Pod's
 * `status.hostIPs` and a Job's `status.conditions` are atomic here), so the
 * apply machinery keeps its own table.
 */
import { builtinSchemas } from '../openapi/builtin-schemas.ts';
import { componentNameOf } from '../openapi/schema-types.ts';
import type { OpenApiSchema } from '../openapi/schema-types.ts';
import { entriesMap, scalarType, untypedType, type FieldSlot, type FieldType, type ListType, type MapType } from './field-type.ts';

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const BATCH = 'io.k8s.api.batch.v1.';
const ADMISSION = 'io.k8s.api.admissionregistration.v1.';
const FLOWCONTROL = 'io.k8s.api.flowcontrol.v1.';
const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

interface ListSpec {
  listType: 'set' | 'map';
  keys?: string[];
  keyDefaults?: Record<string, unknown>;
}

const asSet: ListSpec = { listType: 'set' };
const keyedBy = (...keys: string[]): ListSpec => ({ listType: 'map', keys });
const byName = keyedBy('name');
const byType = { conditions: keyedBy('type') };
const containerLists = {
  env: byName,
  ports: { listType: 'map', keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } } satisfies ListSpec,
  volumeDevices: keyedBy('devicePath'),
  volumeMounts: keyedBy('mountPath'),
};

/** Component → field → how its list is granular. Any list not named here is atomic. */
const GRANULAR_LISTS: Record<string, Record<string, ListSpec>> = {
  [META + 'ObjectMeta']: { finalizers: asSet, ownerReferences: keyedBy('uid') },
  [CORE + 'PodSpec']: {
    containers: byName,
    initContainers: byName,
    ephemeralContainers: byName,
    imagePullSecrets: byName,
    resourceClaims: byName,
    schedulingGates: byName,
    volumes: byName,
    hostAliases: keyedBy('ip'),
    topologySpreadConstraints: keyedBy('topologyKey', 'whenUnsatisfiable'),
  },
  [CORE + 'Container']: containerLists,
  [CORE + 'EphemeralContainer']: containerLists,
  [CORE + 'ContainerStatus']: { allocatedResourcesStatus: byName, volumeMounts: keyedBy('mountPath') },
  [CORE + 'ResourceRequirements']: { claims: byName },
  [CORE + 'ResourceStatus']: { resources: keyedBy('resourceID') },
  [CORE + 'PodStatus']: { ...byType, podIPs: keyedBy('ip'), resourceClaimStatuses: byName },
  [CORE + 'NodeSpec']: { podCIDRs: asSet },
  [CORE + 'NodeStatus']: { ...byType, addresses: keyedBy('type') },
  [CORE + 'ComponentStatus']: byType,
  [CORE + 'NamespaceStatus']: byType,
  [CORE + 'PersistentVolumeClaimStatus']: byType,
  [CORE + 'ReplicationControllerStatus']: byType,
  [CORE + 'ServiceStatus']: byType,
  [CORE + 'ServiceAccount']: { secrets: byName },
  [CORE + 'ServiceSpec']: { ports: { listType: 'map', keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } } },
  [APPS + 'DaemonSetStatus']: byType,
  [APPS + 'DeploymentStatus']: byType,
  [APPS + 'ReplicaSetStatus']: byType,
  [APPS + 'StatefulSetStatus']: byType,
  [BATCH + 'PodFailurePolicyOnExitCodesRequirement']: { values: asSet },
  [BATCH + 'UncountedTerminatedPods']: { failed: asSet, succeeded: asSet },
  [ADMISSION + 'MutatingWebhook']: { matchConditions: byName },
  [ADMISSION + 'ValidatingWebhook']: { matchConditions: byName },
  [ADMISSION + 'MutatingWebhookConfiguration']: { webhooks: byName },
  [ADMISSION + 'ValidatingWebhookConfiguration']: { webhooks: byName },
  [ADMISSION + 'ValidatingAdmissionPolicySpec']: { matchConditions: byName, variables: byName },
  [ADMISSION + 'ValidatingAdmissionPolicyStatus']: byType,
  [ADMISSION + 'ValidatingAdmissionPolicyBindingSpec']: { validationActions: asSet },
  ['io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus']: byType,
  ['io.k8s.api.certificates.v1.CertificateSigningRequestStatus']: byType,
  ['io.k8s.api.discovery.v1.Endpoint']: { addresses: asSet },
  [FLOWCONTROL + 'FlowSchemaStatus']: byType,
  [FLOWCONTROL + 'PriorityLevelConfigurationStatus']: byType,
  [FLOWCONTROL + 'NonResourcePolicyRule']: { nonResourceURLs: asSet, verbs: asSet },
  [FLOWCONTROL + 'ResourcePolicyRule']: { apiGroups: asSet, namespaces: asSet, resources: asSet, verbs: asSet },
  ['io.k8s.api.policy.v1.PodDisruptionBudgetStatus']: byType,
  ['io.k8s.api.storage.v1.CSIDriverSpec']: { volumeLifecycleModes: asSet },
  ['io.k8s.api.storage.v1.CSINodeSpec']: { drivers: byName },
  [APIEXTENSIONS + 'CustomResourceDefinitionStatus']: byType,
  [APIEXTENSIONS + 'JSONSchemaProps']: { 'x-kubernetes-validations': keyedBy('rule') },
  ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus']: byType,
};

/** Structs owned and replaced as one value (`x-kubernetes-map-type: atomic`). */
const ATOMIC_STRUCTS = new Set([
  ...['MatchResources', 'NamedRuleWithOperations', 'ParamKind', 'ParamRef', 'Variable'].map((name) => ADMISSION + name),
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference',
  ...[
    'ConfigMapKeySelector', 'EndpointAddress', 'EndpointPort', 'LocalObjectReference', 'NodeSelector', 'NodeSelectorTerm',
    'ObjectFieldSelector', 'ObjectReference', 'ResourceFieldSelector', 'ScopeSelector', 'SecretKeySelector', 'SecretReference',
    'TopologySelectorTerm', 'TypedLocalObjectReference',
  ].map((name) => CORE + name),
  'io.k8s.api.discovery.v1.EndpointPort',
  'io.k8s.api.networking.v1.ServiceBackendPort',
  'io.k8s.api.rbac.v1.RoleRef',
  'io.k8s.api.rbac.v1.Subject',
  META + 'LabelSelector',
  META + 'OwnerReference',
]);

/** Map fields (string to string) owned as one value. */
const ATOMIC_MAP_FIELDS: Record<string, string[]> = {
  [CORE + 'PodSpec']: ['nodeSelector'],
  [CORE + 'ReplicationControllerSpec']: ['selector'],
  [CORE + 'ServiceSpec']: ['selector'],
  ['io.k8s.api.node.v1.Scheduling']: ['nodeSelector'],
};

/**
 * What the Go zero value of a kind holds besides absent fields: struct
 * fields declared by value rather than by pointer are empty objects, and a
 * slice or timestamp without `omitempty` is null. A create is compared with that zero
 * value, so those fields do not count as added and the creator's `fieldsV1`
 * has no `.` marker there. Every kind's `metadata`, `spec` and `status` are
 * by-value structs too.
 */
const ZERO_VALUE_FIELDS: Record<string, Record<string, 'struct' | 'null'>> = {
  [META + 'ObjectMeta']: { creationTimestamp: 'null' },
  [CORE + 'PodTemplateSpec']: { metadata: 'struct', spec: 'struct' },
  [CORE + 'PodSpec']: { containers: 'null' },
  [CORE + 'ServiceStatus']: { loadBalancer: 'struct' },
  [CORE + 'NodeStatus']: { daemonEndpoints: 'struct', nodeInfo: 'struct' },
  [CORE + 'NodeDaemonEndpoints']: { kubeletEndpoint: 'struct' },
  [CORE + 'PersistentVolumeClaimSpec']: { resources: 'struct' },
  [CORE + 'Event']: { involvedObject: 'struct', source: 'struct' },
  [APPS + 'DeploymentSpec']: { template: 'struct', strategy: 'struct' },
  [APPS + 'ReplicaSetSpec']: { template: 'struct' },
  [APPS + 'StatefulSetSpec']: { template: 'struct', updateStrategy: 'struct' },
  [APPS + 'DaemonSetSpec']: { template: 'struct', updateStrategy: 'struct' },
  [BATCH + 'JobSpec']: { template: 'struct' },
  [BATCH + 'CronJobSpec']: { jobTemplate: 'struct' },
  [BATCH + 'JobTemplateSpec']: { metadata: 'struct', spec: 'struct' },
  ['io.k8s.api.events.v1.Event']: { regarding: 'struct', deprecatedSource: 'struct' },
  ['io.k8s.api.rbac.v1.RoleBinding']: { roleRef: 'struct' },
  ['io.k8s.api.rbac.v1.ClusterRoleBinding']: { roleRef: 'struct' },
  [APIEXTENSIONS + 'CustomResourceDefinitionSpec']: { names: 'struct' },
  [APIEXTENSIONS + 'CustomResourceDefinitionStatus']: { acceptedNames: 'struct' },
};

const rootZeroFields: Record<string, 'struct'> = { metadata: 'struct', spec: 'struct', status: 'struct' };

/** Follows `$ref` (bare or wrapped in a one-element `allOf`) to the component schema. */
function resolve(schema: OpenApiSchema): { schema: OpenApiSchema; component?: string } {
  const registry = builtinSchemas();
  let current = schema;
  let component: string | undefined;
  for (let depth = 0; depth < 8; depth++) {
    const ref = current.$ref ?? (current.allOf?.length === 1 ? current.allOf[0].$ref : undefined);
    if (ref === undefined) break;
    component = componentNameOf(ref);
    const target = registry.resolve(ref);
    if (!target) return { schema: {}, component };
    current = target;
  }
  return { schema: current, component };
}

const structTypes = new Map<string, MapType>();

function structType(schema: OpenApiSchema, component: string | undefined): MapType {
  const cached = component === undefined ? undefined : structTypes.get(component);
  if (cached) return cached;
  const slots = new Map<string, FieldSlot>();
  const properties = schema.properties ?? {};
  const entries = typeof schema.additionalProperties === 'object' ? fieldTypeOf(schema.additionalProperties) : untypedType;
  const type: MapType = {
    kind: 'map',
    atomic: component !== undefined && ATOMIC_STRUCTS.has(component),
    field(name) {
      let slot = slots.get(name);
      if (!slot) {
        slot = Object.hasOwn(properties, name)
          ? { type: fieldTypeOf(properties[name], component, name), declared: true }
          : { type: entries, declared: false };
        slots.set(name, slot);
      }
      return slot;
    },
  };
  if (component !== undefined) structTypes.set(component, type);
  return type;
}

function listType(items: OpenApiSchema | undefined, owner: string | undefined, field: string | undefined): ListType {
  const spec = owner !== undefined && field !== undefined ? GRANULAR_LISTS[owner]?.[field] : undefined;
  let item: FieldType | undefined;
  return {
    kind: 'list',
    listType: spec?.listType ?? 'atomic',
    keys: spec?.keys ?? [],
    keyDefaults: spec?.keyDefaults ?? {},
    item: () => (item ??= items ? fieldTypeOf(items) : untypedType),
  };
}

/** The field type of a schema node; `owner` and `field` name where it sits, for the list and map tables. */
function fieldTypeOf(schema: OpenApiSchema, owner?: string, field?: string): FieldType {
  const resolved = resolve(schema);
  const node = resolved.schema;
  if (node['x-kubernetes-int-or-string'] === true) return scalarType;
  if (node['x-kubernetes-preserve-unknown-fields'] === true) return untypedType;
  if (node.type === 'array') return listType(node.items, owner, field);
  if (node.type === 'object' || node.properties !== undefined) {
    if (node.properties === undefined && typeof node.additionalProperties === 'object') {
      const atomic = owner !== undefined && field !== undefined && (ATOMIC_MAP_FIELDS[owner]?.includes(field) ?? false);
      return entriesMap(fieldTypeOf(node.additionalProperties), atomic);
    }
    return structType(node, resolved.component);
  }
  if (node.type !== undefined) return scalarType;
  return untypedType;
}

/** The field type of a built-in kind's objects, or undefined for kinds without a known schema. */
export function builtinFieldType(group: string, version: string, kind: string): FieldType | undefined {
  const name = builtinSchemas().componentNameForKind(group, version, kind);
  const schema = name === undefined ? undefined : builtinSchemas().schema(name);
  return schema && structType(schema, name);
}

/** The field type of ObjectMeta, which every object's `metadata` has, CRs included. */
export function objectMetaFieldType(): FieldType {
  const name = META + 'ObjectMeta';
  const schema = builtinSchemas().schema(name);
  return schema ? structType(schema, name) : untypedType;
}

function emptyStruct(schema: OpenApiSchema, component: string | undefined, root: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const properties = schema.properties ?? {};
  const zeroFields = { ...(component ? ZERO_VALUE_FIELDS[component] : undefined), ...(root ? rootZeroFields : undefined) };
  for (const [name, zero] of Object.entries(zeroFields)) {
    if (!Object.hasOwn(properties, name)) continue;
    if (zero === 'null') {
      result[name] = null;
      continue;
    }
    const child = resolve(properties[name]);
    result[name] = emptyStruct(child.schema, child.component, false);
  }
  return result;
}

/**
 * What upstream compares a new object of a built-in kind with to find the
 * fields its creator set: the kind's Go zero value, where struct fields held
 * by value are empty objects rather than absent.
 */
export function builtinEmptyObject(group: string, version: string, kind: string): Record<string, unknown> {
  const name = builtinSchemas().componentNameForKind(group, version, kind);
  const schema = name === undefined ? undefined : builtinSchemas().schema(name);
  return schema ? emptyStruct(schema, name, true) : {};
}
