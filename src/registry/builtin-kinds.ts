/**
 * Typing of built-in resources from their selectors: `kopf.on.event('v1', 'pods', …)` gives the
 * handler `body: Pod` from `kubernetes-types`, as do `'pods'`, `'Pod'`, `'po'`, `'pods.v1'`,
 * `{ plural: 'pods' }` and the other forms Kopf accepts. Only literal strings are looked up; any
 * other selector (custom resources, categories, `EVERYTHING`, predicates) types the body as
 * `AnyObject`, unless the handler names its type (`kopf.on.create<MyResource>(…)`).
 *
 * As in the resource matching itself, a bare name that exists in several groups means the core
 * group's resource (`'events'` is `v1` Event, not `events.k8s.io`).
 */
import type {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from 'kubernetes-types/admissionregistration/v1.js';
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type {
  ConfigMap,
  Endpoints,
  Event as CoreEvent,
  LimitRange,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodTemplate,
  ReplicationController,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Event as EventsEvent } from 'kubernetes-types/events/v1.js';
import type { Ingress, IngressClass, NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { EVERYTHING, ResourcePredicate, SelectorSpec } from '../core/resource-selector.ts';
import type { AnyObject } from './objects.ts';

/** One built-in resource: its names as discovery lists them, and its body type. */
interface Kind<Group extends string, Version extends string, Plural extends string, K extends string, Short extends string, Body> {
  group: Group;
  version: Version;
  plural: Plural;
  kind: K;
  singular: Lowercase<K>;
  shortNames: Short;
  body: Body;
}

/** The built-in resources whose selectors type their handlers' bodies, keyed by their qualified names. */
export interface BuiltinKinds {
  pods: Kind<'', 'v1', 'pods', 'Pod', 'po', Pod>;
  services: Kind<'', 'v1', 'services', 'Service', 'svc', Service>;
  configmaps: Kind<'', 'v1', 'configmaps', 'ConfigMap', 'cm', ConfigMap>;
  secrets: Kind<'', 'v1', 'secrets', 'Secret', never, Secret>;
  namespaces: Kind<'', 'v1', 'namespaces', 'Namespace', 'ns', Namespace>;
  events: Kind<'', 'v1', 'events', 'Event', 'ev', CoreEvent>;
  nodes: Kind<'', 'v1', 'nodes', 'Node', 'no', Node>;
  persistentvolumeclaims: Kind<'', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', 'pvc', PersistentVolumeClaim>;
  persistentvolumes: Kind<'', 'v1', 'persistentvolumes', 'PersistentVolume', 'pv', PersistentVolume>;
  replicationcontrollers: Kind<'', 'v1', 'replicationcontrollers', 'ReplicationController', 'rc', ReplicationController>;
  serviceaccounts: Kind<'', 'v1', 'serviceaccounts', 'ServiceAccount', 'sa', ServiceAccount>;
  endpoints: Kind<'', 'v1', 'endpoints', 'Endpoints', 'ep', Endpoints>;
  limitranges: Kind<'', 'v1', 'limitranges', 'LimitRange', 'limits', LimitRange>;
  resourcequotas: Kind<'', 'v1', 'resourcequotas', 'ResourceQuota', 'quota', ResourceQuota>;
  podtemplates: Kind<'', 'v1', 'podtemplates', 'PodTemplate', never, PodTemplate>;
  'deployments.apps': Kind<'apps', 'v1', 'deployments', 'Deployment', 'deploy', Deployment>;
  'replicasets.apps': Kind<'apps', 'v1', 'replicasets', 'ReplicaSet', 'rs', ReplicaSet>;
  'statefulsets.apps': Kind<'apps', 'v1', 'statefulsets', 'StatefulSet', 'sts', StatefulSet>;
  'daemonsets.apps': Kind<'apps', 'v1', 'daemonsets', 'DaemonSet', 'ds', DaemonSet>;
  'controllerrevisions.apps': Kind<'apps', 'v1', 'controllerrevisions', 'ControllerRevision', never, ControllerRevision>;
  'jobs.batch': Kind<'batch', 'v1', 'jobs', 'Job', never, Job>;
  'cronjobs.batch': Kind<'batch', 'v1', 'cronjobs', 'CronJob', 'cj', CronJob>;
  'ingresses.networking.k8s.io': Kind<'networking.k8s.io', 'v1', 'ingresses', 'Ingress', 'ing', Ingress>;
  'ingressclasses.networking.k8s.io': Kind<'networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', never, IngressClass>;
  'networkpolicies.networking.k8s.io': Kind<'networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', 'netpol', NetworkPolicy>;
  'roles.rbac.authorization.k8s.io': Kind<'rbac.authorization.k8s.io', 'v1', 'roles', 'Role', never, Role>;
  'rolebindings.rbac.authorization.k8s.io': Kind<'rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', never, RoleBinding>;
  'clusterroles.rbac.authorization.k8s.io': Kind<'rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', never, ClusterRole>;
  'clusterrolebindings.rbac.authorization.k8s.io': Kind<
    'rbac.authorization.k8s.io',
    'v1',
    'clusterrolebindings',
    'ClusterRoleBinding',
    never,
    ClusterRoleBinding
  >;
  'customresourcedefinitions.apiextensions.k8s.io': Kind<
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    'crd' | 'crds',
    CustomResourceDefinition
  >;
  'leases.coordination.k8s.io': Kind<'coordination.k8s.io', 'v1', 'leases', 'Lease', never, Lease>;
  'events.events.k8s.io': Kind<'events.k8s.io', 'v1', 'events', 'Event', 'ev', EventsEvent>;
  'poddisruptionbudgets.policy': Kind<'policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', 'pdb', PodDisruptionBudget>;
  'horizontalpodautoscalers.autoscaling': Kind<
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    'hpa',
    HorizontalPodAutoscaler
  >;
  'storageclasses.storage.k8s.io': Kind<'storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', 'sc', StorageClass>;
  'validatingwebhookconfigurations.admissionregistration.k8s.io': Kind<
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    never,
    ValidatingWebhookConfiguration
  >;
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': Kind<
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    never,
    MutatingWebhookConfiguration
  >;
  'endpointslices.discovery.k8s.io': Kind<'discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', never, EndpointSlice>;
  'priorityclasses.scheduling.k8s.io': Kind<'scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', 'pc', PriorityClass>;
}

type Entry = BuiltinKinds[keyof BuiltinKinds];
type CoreEntry = Extract<Entry, { group: '' }>;
type OtherEntry = Exclude<Entry, CoreEntry>;

/** The first type unless it is `never`, else the second. */
type OrElse<A, B> = [A] extends [never] ? B : A;

type NamesOf<E extends Entry> = E['plural'] | E['kind'] | E['singular'] | E['shortNames'];

/** The one-string forms: `pods`, `pods.v1`, `deployments.apps`, `deployments.v1.apps`. */
type OneStringForms<E extends Entry> =
  | NamesOf<E>
  | `${NamesOf<E>}.${E['version']}`
  | (E['group'] extends '' ? never : `${NamesOf<E>}.${E['group']}` | `${NamesOf<E>}.${E['version']}.${E['group']}`);

/** What may precede the name in the two-string form: the group, `group/version`, or the core group's version. */
type GroupForms<E extends Entry> = E['group'] extends '' ? '' | E['version'] : E['group'] | `${E['group']}/${E['version']}`;

type MatchOne<S, E extends Entry> = E extends Entry ? (S extends OneStringForms<E> ? E['body'] : never) : never;
type MatchTwo<A, N, E extends Entry> = E extends Entry ? (A extends GroupForms<E> ? (N extends NamesOf<E> ? E['body'] : never) : never) : never;
type MatchThree<G, V, N, E extends Entry> = E extends Entry
  ? G extends E['group']
    ? V extends E['version']
      ? N extends NamesOf<E>
        ? E['body']
        : never
      : never
    : never
  : never;

/** True when the spec has no such field, or its value is one of `Allowed`. */
type Fits<Spec, Field extends string, Allowed> = Spec extends { [F in Field]: infer Value } ? ([Value] extends [Allowed] ? true : false) : true;
type MatchSpec<Spec, E extends Entry> = E extends Entry
  ? [
      Fits<Spec, 'group', E['group']>,
      Fits<Spec, 'version', E['version']>,
      Fits<Spec, 'plural', E['plural']>,
      Fits<Spec, 'kind', E['kind']>,
      Fits<Spec, 'singular', E['singular']>,
      Fits<Spec, 'shortcut', E['shortNames']>,
      Fits<Spec, 'name', NamesOf<E>>,
    ] extends [true, true, true, true, true, true, true]
    ? E['body']
    : never
  : never;
/** Only object selectors that name one resource are looked up; categories and predicates select many. */
type NamingSpec = { plural: string } | { kind: string } | { singular: string } | { shortcut: string } | { name: string };

type Preferring<M> = OrElse<M, AnyObject>;

/** The body type of the built-in resource a selector names, or `AnyObject`. */
export type SelectedBody<Args extends readonly unknown[]> = Args extends readonly [infer N extends string]
  ? Preferring<OrElse<MatchOne<N, CoreEntry>, MatchOne<N, OtherEntry>>>
  : Args extends readonly [infer A extends string, infer N extends string]
    ? Preferring<OrElse<MatchTwo<A, N, CoreEntry>, MatchTwo<A, N, OtherEntry>>>
    : Args extends readonly [infer G extends string, infer V extends string, infer N extends string]
      ? Preferring<MatchThree<G, V, N, Entry>>
      : Args extends readonly [infer Spec extends NamingSpec]
        ? Preferring<OrElse<MatchSpec<Spec, CoreEntry>, MatchSpec<Spec, OtherEntry>>>
        : AnyObject;

/** Any one argument a selector may start with. */
export type SelectorHead = string | typeof EVERYTHING | ResourcePredicate | SelectorSpec;

/** Any later argument of a selector: a string, or `EVERYTHING` in the last place. */
export type SelectorTail = string | typeof EVERYTHING;
