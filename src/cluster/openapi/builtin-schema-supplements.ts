/**
 * What the `kubernetes-types` 1.30 declaration files do not say about the Kubernetes 1.32 schemas:
 * types whose JSON form the files flatten (`Time = string`, `Quantity = string`, `RawExtension {}`),
 * the float fields (the files say `number` for every number), the `x-kubernetes-*` keywords of
 * JSONSchemaProps, fields the generator dropped (RuleWithOperations' `resources` and `scope`), and the
 * fields and types added or removed between 1.30 and 1.32 on the GA kinds. Each entry was checked against
 * the 1.32 OpenAPI; the descriptions are our own.
 */
import { componentRef } from './schema-types.ts';
import type { OpenApiSchema } from './schema-types.ts';

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

/** Component name of IntOrString, which the declaration files inline as `number | string`. */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** meta/v1 types that upstream registers as kinds of the core group (their files carry no literal apiVersion). */
export const META_KINDS = new Set(['APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions', 'DeleteOptions', 'Status', 'WatchEvent']);

/** Fields that are float64 upstream; every other `number` of the declaration files is an integer. */
export const FLOAT_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [APIEXTENSIONS + 'JSONSchemaProps', new Set(['maximum', 'minimum', 'multipleOf'])],
]);

/** Schemas that replace what the declaration files say; the file's description is kept. */
export const SCHEMA_OVERRIDES: ReadonlyMap<string, OpenApiSchema> = new Map<string, OpenApiSchema>([
  [META + 'Time', { type: 'string', format: 'date-time' }],
  [META + 'MicroTime', { type: 'string', format: 'date-time' }],
  [
    'io.k8s.apimachinery.pkg.api.resource.Quantity',
    { 'x-kubernetes-int-or-string': true, oneOf: [{ type: 'string' }, { type: 'number' }] },
  ],
  // Free-form JSON: any field is valid inside these objects, and JSON may be any value at all.
  ['io.k8s.apimachinery.pkg.runtime.RawExtension', { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }],
  [META + 'FieldsV1', { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }],
  [APIEXTENSIONS + 'JSON', {}],
]);

const string = (description: string): OpenApiSchema => ({ description, type: 'string' });
const boolean = (description: string): OpenApiSchema => ({ description, type: 'boolean' });
const stringList = (description: string): OpenApiSchema => ({ description, type: 'array', items: { type: 'string' } });
const integer = (description: string): OpenApiSchema => ({ description, type: 'integer' });
const reference = (name: string, description: string): OpenApiSchema => ({ allOf: [{ $ref: componentRef(name) }], description });
const listOf = (name: string, description: string): OpenApiSchema => ({ description, type: 'array', items: { $ref: componentRef(name) } });

/** Component schemas that no declaration file holds. */
export const ADDED_COMPONENTS: ReadonlyMap<string, OpenApiSchema> = new Map<string, OpenApiSchema>([
  [
    INT_OR_STRING,
    {
      description:
        'IntOrString holds either an int32 or a string. In JSON and YAML it is written as the bare inner value, ' +
        'so a field of this type accepts, for example, either a port number or a port name.',
      format: 'int-or-string',
      'x-kubernetes-int-or-string': true,
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    },
  ],
  [
    CORE + 'ImageVolumeSource',
    {
      description: 'An OCI image or artifact mounted read-only as a volume.',
      type: 'object',
      properties: {
        pullPolicy: string('When to pull the image: Always, Never or IfNotPresent (the default, or Always for a :latest reference).'),
        reference: string('The image or artifact reference to pull, as for a container image.'),
      },
    },
  ],
  [
    CORE + 'ContainerUser',
    {
      description: 'The user identity a container process actually runs with, as reported by the runtime.',
      type: 'object',
      properties: { linux: reference(CORE + 'LinuxContainerUser', 'The Linux user identity; unset on other operating systems.') },
    },
  ],
  [
    CORE + 'LinuxContainerUser',
    {
      description: 'Linux user and group ids of the first process of a container.',
      type: 'object',
      properties: {
        gid: integer('Primary group id.'),
        supplementalGroups: { description: 'Supplementary group ids.', type: 'array', items: { type: 'integer' } },
        uid: integer('User id.'),
      },
      required: ['uid', 'gid'],
    },
  ],
  [
    CORE + 'NodeFeatures',
    {
      description: 'Optional features that the node implements.',
      type: 'object',
      properties: { supplementalGroupsPolicy: boolean('Whether the node honours the pod field securityContext.supplementalGroupsPolicy.') },
    },
  ],
  [
    CORE + 'ResourceStatus',
    {
      description: 'Health of the devices allocated to a container for one resource.',
      type: 'object',
      properties: {
        name: string('The resource name, as in the container\'s resources.limits or a claim reference.'),
        resources: listOf(CORE + 'ResourceHealth', 'Health of each allocated device, keyed by resourceID.'),
      },
      required: ['name'],
    },
  ],
  [
    CORE + 'ResourceHealth',
    {
      description: 'Health of one allocated device.',
      type: 'object',
      properties: {
        health: string('Healthy, Unhealthy or Unknown.'),
        resourceID: string('Identifier of the device, unique within its resource.'),
      },
      required: ['resourceID'],
    },
  ],
  [
    'io.k8s.api.authorization.v1.FieldSelectorAttributes',
    {
      description: 'A field selector that an access review asks about; set rawSelector or requirements, not both.',
      type: 'object',
      properties: {
        rawSelector: string('The field selector as written in a query parameter.'),
        requirements: listOf(META + 'FieldSelectorRequirement', 'The parsed selector requirements.'),
      },
    },
  ],
  [
    'io.k8s.api.authorization.v1.LabelSelectorAttributes',
    {
      description: 'A label selector that an access review asks about; set rawSelector or requirements, not both.',
      type: 'object',
      properties: {
        rawSelector: string('The label selector as written in a query parameter.'),
        requirements: listOf(META + 'LabelSelectorRequirement', 'The parsed selector requirements.'),
      },
    },
  ],
  [
    META + 'FieldSelectorRequirement',
    {
      description: 'One requirement of a field selector: a key, an operator and the values it applies to.',
      type: 'object',
      properties: {
        key: string('The field path the requirement applies to.'),
        operator: string('In, NotIn, Exists or DoesNotExist.'),
        values: stringList('Values for In and NotIn; empty for Exists and DoesNotExist.'),
      },
      required: ['key', 'operator'],
    },
  ],
]);

/** Properties missing from a declaration file, by component name. */
export const ADDED_FIELDS: ReadonlyMap<string, Record<string, OpenApiSchema>> = new Map<string, Record<string, OpenApiSchema>>([
  [
    APIEXTENSIONS + 'JSONSchemaProps',
    {
      'x-kubernetes-embedded-resource': boolean(
        'Marks an object as an embedded Kubernetes object with its own apiVersion, kind and metadata, ' +
          'which are kept and validated like those of a top-level object. The type must be object.',
      ),
      'x-kubernetes-int-or-string': boolean('Allows either an integer or a string here; the node then needs no type.'),
      'x-kubernetes-list-map-keys': stringList(
        'For a list of type map, the names of the item fields that together identify an item.',
      ),
      'x-kubernetes-list-type': string(
        'How merges treat this list: atomic (replaced whole, the default), set (unique scalar items) ' +
          'or map (objects identified by x-kubernetes-list-map-keys).',
      ),
      'x-kubernetes-map-type': string('How merges treat this object: granular (field by field, the default) or atomic.'),
      'x-kubernetes-preserve-unknown-fields': boolean(
        'Keeps fields the schema does not declare instead of pruning them; declared properties below are still checked.',
      ),
      'x-kubernetes-validations': listOf(APIEXTENSIONS + 'ValidationRule', 'CEL rules that the value at this node must satisfy.'),
    },
  ],
  [
    'io.k8s.api.admissionregistration.v1.RuleWithOperations',
    {
      resources: stringList('Resources the rule applies to, with optional subresources ("pods", "pods/status", "*/scale", "*").'),
      scope: string('Cluster, Namespaced or * (the default): which scope of resources the rule matches.'),
    },
  ],
  [
    'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations',
    {
      resources: stringList('Resources the rule applies to, with optional subresources ("pods", "pods/status", "*/scale", "*").'),
      scope: string('Cluster, Namespaced or * (the default): which scope of resources the rule matches.'),
    },
  ],
  [
    'io.k8s.api.authorization.v1.ResourceRule',
    {
      resources: stringList('Resources the rule allows; "*" means all.'),
      verbs: stringList('Verbs the rule allows; "*" means all.'),
    },
  ],
  [
    'io.k8s.api.authorization.v1.ResourceAttributes',
    {
      fieldSelector: reference('io.k8s.api.authorization.v1.FieldSelectorAttributes', 'Limits the request to objects matching this field selector.'),
      labelSelector: reference('io.k8s.api.authorization.v1.LabelSelectorAttributes', 'Limits the request to objects matching this label selector.'),
    },
  ],
  [
    'io.k8s.api.coordination.v1.LeaseSpec',
    {
      preferredHolder: string('The holder that the lease should pass to next; set by a coordinated leader election.'),
      strategy: string('How a coordinated leader election picks the next holder.'),
    },
  ],
  [META + 'DeleteOptions', { ignoreStoreReadErrorWithClusterBreakingPotential: boolean('Deletes an object that cannot be read from storage, skipping finalizers and preconditions.') }],
  [
    CORE + 'PodSpec',
    { resources: reference(CORE + 'ResourceRequirements', 'Compute resources for the pod as a whole, shared by its containers.') },
  ],
  [CORE + 'Volume', { image: reference(CORE + 'ImageVolumeSource', 'An OCI image or artifact mounted read-only.') }],
  [
    CORE + 'PodSecurityContext',
    {
      seLinuxChangePolicy: string('How SELinux labels are applied to volumes: Recursive or MountOption.'),
      supplementalGroupsPolicy: string('How the supplementary groups of the first container process are computed: Merge or Strict.'),
    },
  ],
  [
    CORE + 'PodResourceClaim',
    {
      resourceClaimName: string('Name of an existing ResourceClaim in the pod\'s namespace.'),
      resourceClaimTemplateName: string('Name of a ResourceClaimTemplate from which a ResourceClaim is made for this pod.'),
    },
  ],
  [CORE + 'ResourceClaim', { request: string('Only the named request of the claim is made available to the container.') }],
  [
    CORE + 'ContainerStatus',
    {
      allocatedResourcesStatus: listOf(CORE + 'ResourceStatus', 'Health of the resources allocated to the container.'),
      user: reference(CORE + 'ContainerUser', 'The user identity the container process runs with.'),
    },
  ],
  [CORE + 'NodeStatus', { features: reference(CORE + 'NodeFeatures', 'Optional features that the node implements.') }],
  [CORE + 'NodeRuntimeHandlerFeatures', { userNamespaces: boolean('Whether the runtime handler supports user namespaces.') }],
]);

/** Properties a declaration file has that Kubernetes 1.32 no longer accepts, by component name. */
export const REMOVED_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([[CORE + 'PodResourceClaim', ['source']]]);

/** Properties that are required in 1.32 but optional in a declaration file, by component name. */
export const ADDED_REQUIRED: ReadonlyMap<string, readonly string[]> = new Map([
  [CORE + 'HostAlias', ['ip']],
  [CORE + 'HostIP', ['ip']],
  [CORE + 'PodIP', ['ip']],
  ['io.k8s.api.authorization.v1.ResourceRule', ['verbs']],
  ['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyList', ['items']],
  ['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingList', ['items']],
]);
