/**
 * The built-in kinds of Kubernetes, keyed by apiVersion and kind, each to its
 * `kubernetes-types` interface: the table that lets `api.get({ apiVersion:
 * 'v1', kind: 'Pod' }, …)` return a `Pod`. Kinds not in the table (custom
 * resources, or built-ins newer than `kubernetes-types` 1.30) are served as
 * untyped `KubeObject`s, or as the type the caller names.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type * as admissionregistrationV1 from 'kubernetes-types/admissionregistration/v1.js';
import type * as admissionregistrationV1alpha1 from 'kubernetes-types/admissionregistration/v1alpha1.js';
import type * as admissionregistrationV1beta1 from 'kubernetes-types/admissionregistration/v1beta1.js';
import type * as apiextensionsV1 from 'kubernetes-types/apiextensions/v1.js';
import type * as apiserverinternalV1alpha1 from 'kubernetes-types/apiserverinternal/v1alpha1.js';
import type * as appsV1 from 'kubernetes-types/apps/v1.js';
import type * as authenticationV1 from 'kubernetes-types/authentication/v1.js';
import type * as authenticationV1alpha1 from 'kubernetes-types/authentication/v1alpha1.js';
import type * as authenticationV1beta1 from 'kubernetes-types/authentication/v1beta1.js';
import type * as authorizationV1 from 'kubernetes-types/authorization/v1.js';
import type * as autoscalingV1 from 'kubernetes-types/autoscaling/v1.js';
import type * as autoscalingV2 from 'kubernetes-types/autoscaling/v2.js';
import type * as batchV1 from 'kubernetes-types/batch/v1.js';
import type * as certificatesV1 from 'kubernetes-types/certificates/v1.js';
import type * as certificatesV1alpha1 from 'kubernetes-types/certificates/v1alpha1.js';
import type * as coordinationV1 from 'kubernetes-types/coordination/v1.js';
import type * as coreV1 from 'kubernetes-types/core/v1.js';
import type * as discoveryV1 from 'kubernetes-types/discovery/v1.js';
import type * as eventsV1 from 'kubernetes-types/events/v1.js';
import type * as flowcontrolV1 from 'kubernetes-types/flowcontrol/v1.js';
import type * as flowcontrolV1beta3 from 'kubernetes-types/flowcontrol/v1beta3.js';
import type * as networkingV1 from 'kubernetes-types/networking/v1.js';
import type * as networkingV1alpha1 from 'kubernetes-types/networking/v1alpha1.js';
import type * as nodeV1 from 'kubernetes-types/node/v1.js';
import type * as policyV1 from 'kubernetes-types/policy/v1.js';
import type * as rbacV1 from 'kubernetes-types/rbac/v1.js';
import type * as resourceV1alpha2 from 'kubernetes-types/resource/v1alpha2.js';
import type * as schedulingV1 from 'kubernetes-types/scheduling/v1.js';
import type * as storageV1 from 'kubernetes-types/storage/v1.js';
import type * as storageV1alpha1 from 'kubernetes-types/storage/v1alpha1.js';
import type * as storagemigrationV1alpha1 from 'kubernetes-types/storagemigration/v1alpha1.js';

/** Every built-in kind: `BuiltinKinds[apiVersion][kind]` is its object type. */
export interface BuiltinKinds {
  'v1': {
    Binding: coreV1.Binding;
    ComponentStatus: coreV1.ComponentStatus;
    ConfigMap: coreV1.ConfigMap;
    Endpoints: coreV1.Endpoints;
    Event: coreV1.Event;
    LimitRange: coreV1.LimitRange;
    Namespace: coreV1.Namespace;
    Node: coreV1.Node;
    PersistentVolume: coreV1.PersistentVolume;
    PersistentVolumeClaim: coreV1.PersistentVolumeClaim;
    Pod: coreV1.Pod;
    PodTemplate: coreV1.PodTemplate;
    ReplicationController: coreV1.ReplicationController;
    ResourceQuota: coreV1.ResourceQuota;
    Secret: coreV1.Secret;
    Service: coreV1.Service;
    ServiceAccount: coreV1.ServiceAccount;
  };
  'admissionregistration.k8s.io/v1': {
    MutatingWebhookConfiguration: admissionregistrationV1.MutatingWebhookConfiguration;
    ValidatingAdmissionPolicy: admissionregistrationV1.ValidatingAdmissionPolicy;
    ValidatingAdmissionPolicyBinding: admissionregistrationV1.ValidatingAdmissionPolicyBinding;
    ValidatingWebhookConfiguration: admissionregistrationV1.ValidatingWebhookConfiguration;
  };
  'admissionregistration.k8s.io/v1alpha1': {
    ValidatingAdmissionPolicy: admissionregistrationV1alpha1.ValidatingAdmissionPolicy;
    ValidatingAdmissionPolicyBinding: admissionregistrationV1alpha1.ValidatingAdmissionPolicyBinding;
  };
  'admissionregistration.k8s.io/v1beta1': {
    ValidatingAdmissionPolicy: admissionregistrationV1beta1.ValidatingAdmissionPolicy;
    ValidatingAdmissionPolicyBinding: admissionregistrationV1beta1.ValidatingAdmissionPolicyBinding;
  };
  'apiextensions.k8s.io/v1': {
    CustomResourceDefinition: apiextensionsV1.CustomResourceDefinition;
  };
  'apps/v1': {
    ControllerRevision: appsV1.ControllerRevision;
    DaemonSet: appsV1.DaemonSet;
    Deployment: appsV1.Deployment;
    ReplicaSet: appsV1.ReplicaSet;
    StatefulSet: appsV1.StatefulSet;
  };
  'authentication.k8s.io/v1': {
    SelfSubjectReview: authenticationV1.SelfSubjectReview;
    TokenRequest: authenticationV1.TokenRequest;
    TokenReview: authenticationV1.TokenReview;
  };
  'authentication.k8s.io/v1alpha1': {
    SelfSubjectReview: authenticationV1alpha1.SelfSubjectReview;
  };
  'authentication.k8s.io/v1beta1': {
    SelfSubjectReview: authenticationV1beta1.SelfSubjectReview;
  };
  'authorization.k8s.io/v1': {
    LocalSubjectAccessReview: authorizationV1.LocalSubjectAccessReview;
    SelfSubjectAccessReview: authorizationV1.SelfSubjectAccessReview;
    SelfSubjectRulesReview: authorizationV1.SelfSubjectRulesReview;
    SubjectAccessReview: authorizationV1.SubjectAccessReview;
  };
  'autoscaling/v1': {
    HorizontalPodAutoscaler: autoscalingV1.HorizontalPodAutoscaler;
    Scale: autoscalingV1.Scale;
  };
  'autoscaling/v2': {
    HorizontalPodAutoscaler: autoscalingV2.HorizontalPodAutoscaler;
  };
  'batch/v1': {
    CronJob: batchV1.CronJob;
    Job: batchV1.Job;
  };
  'certificates.k8s.io/v1': {
    CertificateSigningRequest: certificatesV1.CertificateSigningRequest;
  };
  'certificates.k8s.io/v1alpha1': {
    ClusterTrustBundle: certificatesV1alpha1.ClusterTrustBundle;
  };
  'coordination.k8s.io/v1': {
    Lease: coordinationV1.Lease;
  };
  'discovery.k8s.io/v1': {
    EndpointSlice: discoveryV1.EndpointSlice;
  };
  'events.k8s.io/v1': {
    Event: eventsV1.Event;
  };
  'flowcontrol.apiserver.k8s.io/v1': {
    FlowSchema: flowcontrolV1.FlowSchema;
    PriorityLevelConfiguration: flowcontrolV1.PriorityLevelConfiguration;
  };
  'flowcontrol.apiserver.k8s.io/v1beta3': {
    FlowSchema: flowcontrolV1beta3.FlowSchema;
    PriorityLevelConfiguration: flowcontrolV1beta3.PriorityLevelConfiguration;
  };
  'internal.apiserver.k8s.io/v1alpha1': {
    StorageVersion: apiserverinternalV1alpha1.StorageVersion;
  };
  'networking.k8s.io/v1': {
    Ingress: networkingV1.Ingress;
    IngressClass: networkingV1.IngressClass;
    NetworkPolicy: networkingV1.NetworkPolicy;
  };
  'networking.k8s.io/v1alpha1': {
    IPAddress: networkingV1alpha1.IPAddress;
    ServiceCIDR: networkingV1alpha1.ServiceCIDR;
  };
  'node.k8s.io/v1': {
    RuntimeClass: nodeV1.RuntimeClass;
  };
  'policy/v1': {
    Eviction: policyV1.Eviction;
    PodDisruptionBudget: policyV1.PodDisruptionBudget;
  };
  'rbac.authorization.k8s.io/v1': {
    ClusterRole: rbacV1.ClusterRole;
    ClusterRoleBinding: rbacV1.ClusterRoleBinding;
    Role: rbacV1.Role;
    RoleBinding: rbacV1.RoleBinding;
  };
  'resource.k8s.io/v1alpha2': {
    PodSchedulingContext: resourceV1alpha2.PodSchedulingContext;
    ResourceClaim: resourceV1alpha2.ResourceClaim;
    ResourceClaimParameters: resourceV1alpha2.ResourceClaimParameters;
    ResourceClaimTemplate: resourceV1alpha2.ResourceClaimTemplate;
    ResourceClass: resourceV1alpha2.ResourceClass;
    ResourceClassParameters: resourceV1alpha2.ResourceClassParameters;
    ResourceSlice: resourceV1alpha2.ResourceSlice;
  };
  'scheduling.k8s.io/v1': {
    PriorityClass: schedulingV1.PriorityClass;
  };
  'storage.k8s.io/v1': {
    CSIDriver: storageV1.CSIDriver;
    CSINode: storageV1.CSINode;
    CSIStorageCapacity: storageV1.CSIStorageCapacity;
    StorageClass: storageV1.StorageClass;
    VolumeAttachment: storageV1.VolumeAttachment;
  };
  'storage.k8s.io/v1alpha1': {
    VolumeAttributesClass: storageV1alpha1.VolumeAttributesClass;
  };
  'storagemigration.k8s.io/v1alpha1': {
    StorageVersionMigration: storagemigrationV1alpha1.StorageVersionMigration;
  };
}

/** What every object has: the fields the client reads. */
export interface ObjectHead {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** An object of a kind with no TypeScript type: its other fields are there, untyped. */
export interface KubeObject extends ObjectHead {
  [field: string]: unknown;
}

/** Names a kind of object: `{ apiVersion: 'apps/v1', kind: 'Deployment' }`. */
export interface KindReference {
  apiVersion: string;
  kind: string;
}

/** Every built-in kind as a `{ apiVersion, kind }` pair, for completion in editors. */
export type BuiltinKindReference = {
  [A in keyof BuiltinKinds]: { [K in keyof BuiltinKinds[A]]: { apiVersion: A; kind: K } }[keyof BuiltinKinds[A]];
}[keyof BuiltinKinds];

/**
 * The object type of a kind reference or an object: the `kubernetes-types`
 * interface of a built-in, else `Otherwise` (`KubeObject` by default).
 * Objects typed from `kubernetes-types` (whose apiVersion and kind are
 * optional) map to themselves.
 */
export type ObjectOfKind<R, Otherwise = KubeObject> = R extends { apiVersion?: infer A; kind?: infer K }
  ? BuiltinObject<NonNullable<A>, NonNullable<K>, Otherwise>
  : Otherwise;

type BuiltinObject<A, K, Otherwise> = A extends keyof BuiltinKinds ? (K extends keyof BuiltinKinds[A] ? BuiltinKinds[A][K] : Otherwise) : Otherwise;
