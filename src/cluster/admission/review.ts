import { randomUUID } from 'node:crypto';
import { adminUser } from '../reviews.ts';
import type { AdmissionAttributes } from './matching.ts';

/** The `request` of an AdmissionReview v1, as the API server sends it. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource: string;
  requestKind: { group: string; version: string; kind: string };
  requestResource: { group: string; version: string; resource: string };
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: string;
  userInfo: { username: string; uid: string; groups: string[] };
  object: unknown;
  oldObject: unknown;
  dryRun: boolean;
  options: Record<string, unknown>;
}

/**
 * The AdmissionReview a webhook is sent for a request: a fresh uid, the
 * kind and resource (the request's own: every rule matches exactly), the
 * object and old object (null when absent), the caller (the embedded
 * cluster's one user) and the options object of the verb (`CreateOptions`,
 * `UpdateOptions` or `DeleteOptions`).
 */
export function admissionReview(attributes: AdmissionAttributes, options: Record<string, unknown>, dryRun: boolean): { apiVersion: string; kind: string; request: AdmissionRequest } {
  const kind = { group: attributes.group, version: attributes.version, kind: attributes.kind };
  const resource = { group: attributes.group, version: attributes.version, resource: attributes.resource };
  const subject = attributes.object ?? attributes.oldObject;
  const request: AdmissionRequest = {
    uid: randomUUID(),
    kind,
    resource,
    subResource: attributes.subresource,
    requestKind: kind,
    requestResource: resource,
    ...(attributes.subresource ? { requestSubResource: attributes.subresource } : {}),
    ...(subject?.metadata.name ? { name: subject.metadata.name } : {}),
    ...(attributes.namespaced && subject?.metadata.namespace ? { namespace: subject.metadata.namespace } : {}),
    operation: attributes.operation,
    userInfo: { username: adminUser.username, uid: adminUser.uid, groups: adminUser.groups },
    object: attributes.object ?? null,
    oldObject: attributes.oldObject ?? null,
    dryRun,
    options,
  };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}
