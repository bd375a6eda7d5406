/** The examples' custom resource as discovery resolves it, for unit tests that need a `Resource`. */
import type { Resource } from '../../src/core/resource-selector.ts';

/** `kopfexamples.kopf.dev/v1`, with a status subresource. */
export const kopfExamples: Resource = {
  group: 'kopf.dev',
  version: 'v1',
  plural: 'kopfexamples',
  kind: 'KopfExample',
  singular: 'kopfexample',
  shortNames: [],
  categories: [],
  subresources: ['status'],
  namespaced: true,
  preferred: true,
  verbs: ['list', 'watch', 'patch'],
};
