/**
 * The OpenAPI v3 `paths` of one resource: collection, item and subresource URLs with their operations,
 * shaped as kube-apiserver 1.32 publishes them (apiserver-spec §1.5). What clients rely on: each
 * operation's `x-kubernetes-group-version-kind` (an object) and `x-kubernetes-action`; the
 * `fieldValidation` query parameter on every write, whose presence on PATCH makes kubectl leave field
 * validation to the server; and the PATCH `requestBody`, which kubectl reads to choose the patch type of
 * client-side apply. Built-ins get no PATCH `requestBody`: advertising strategic merge would make kubectl
 * build strategic patches from these schemas, which lack the patch-strategy extensions, so kubectl
 * instead falls back to its compiled-in types.
 */
import type { OpenApiResource } from './openapi-resource.ts';
import { componentRef } from './schema-types.ts';
import type { GroupVersionKind } from './schema-types.ts';

/** Component names the operations refer to besides the resource's own kinds. */
export const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
export const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
export const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const API_RESOURCE_LIST = 'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList';

/** An OpenAPI operation or path item: plain JSON. */
export type OpenApiObject = Record<string, unknown>;

/** Component names of a resource's kind and list kind, supplied by the document builder. */
export interface ResourceComponents {
  kind: string;
  list: string;
  /** Component name of another kind (a subresource's), e.g. autoscaling/v1 Scale. */
  other(gvk: GroupVersionKind): string;
}

type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

/** Subresources with a body, by name: the kind they read and write, and which of their operations exist. */
const SUBRESOURCES = new Map<string, { kind?: GroupVersionKind; actions: Action[] }>([
  ['status', { actions: ['get', 'put', 'patch'] }],
  ['ephemeralcontainers', { actions: ['get', 'put', 'patch'] }],
  ['resize', { actions: ['get', 'put', 'patch'] }],
  ['approval', { actions: ['get', 'put', 'patch'] }],
  ['scale', { kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, actions: ['get', 'put', 'patch'] }],
  ['eviction', { kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, actions: ['post'] }],
  ['binding', { kind: { group: '', version: 'v1', kind: 'Binding' }, actions: ['post'] }],
  ['token', { kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, actions: ['post'] }],
]);

/** Which discovery verb enables each operation of the collection and item URLs. */
const COLLECTION_ACTIONS: ReadonlyArray<readonly [verb: string, action: Action]> = [
  ['list', 'list'],
  ['create', 'post'],
  ['deletecollection', 'deletecollection'],
];
const ITEM_ACTIONS: ReadonlyArray<readonly [verb: string, action: Action]> = [
  ['get', 'get'],
  ['update', 'put'],
  ['patch', 'patch'],
  ['delete', 'delete'],
];

const METHOD: Record<Action, string> = {
  get: 'get',
  list: 'get',
  post: 'post',
  put: 'put',
  patch: 'patch',
  delete: 'delete',
  deletecollection: 'delete',
};

/** The URL prefix of a group/version: `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionRoot(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The path item of a group/version's root URL, which lists its resources. */
export function groupVersionRootPath(group: string, version: string): OpenApiObject {
  return {
    get: {
      description: 'get available resources',
      operationId: `get${groupId(group)}${capitalize(version)}APIResources`,
      responses: { '200': jsonResponse('OK', API_RESOURCE_LIST), '401': { description: 'Unauthorized' } },
      tags: [tagOf(group, version)],
    },
  };
}

/** The path items of one resource, keyed by path. */
export function resourcePaths(resource: OpenApiResource, components: ResourceComponents): Map<string, OpenApiObject> {
  const { group, version, kind, plural, namespaced } = resource;
  const gvk: GroupVersionKind = { group, version, kind };
  const verbs = new Set(resource.verbs);
  const root = groupVersionRoot(group, version);
  const collection = namespaced ? `${root}/namespaces/{namespace}/${plural}` : `${root}/${plural}`;
  const scopeParameters = namespaced ? [NAMESPACE_PARAMETER] : [];
  const context = { resource, components, gvk };
  const paths = new Map<string, OpenApiObject>();

  if (namespaced && verbs.has('list')) {
    paths.set(`${root}/${plural}`, {
      get: operation(context, 'list', '', 'ForAllNamespaces'),
      parameters: [PRETTY_PARAMETER],
    });
  }

  const collectionItem: OpenApiObject = {};
  for (const [verb, action] of COLLECTION_ACTIONS) {
    if (verbs.has(verb)) collectionItem[METHOD[action]] = operation(context, action, '', '');
  }
  if (Object.keys(collectionItem).length > 0) {
    paths.set(collection, { ...collectionItem, parameters: [...scopeParameters, PRETTY_PARAMETER] });
  }

  const itemParameters = [nameParameter(kind), ...scopeParameters, PRETTY_PARAMETER];
  const item: OpenApiObject = {};
  for (const [verb, action] of ITEM_ACTIONS) {
    if (verbs.has(verb)) item[METHOD[action]] = operation(context, action, '', '');
  }
  if (Object.keys(item).length > 0) paths.set(`${collection}/{name}`, { ...item, parameters: itemParameters });

  for (const name of resource.subresources) {
    const subresource = SUBRESOURCES.get(name);
    if (!subresource) continue;
    const subresourceItem: OpenApiObject = {};
    for (const action of subresource.actions) {
      subresourceItem[METHOD[action]] = operation({ ...context, gvk: subresource.kind ?? gvk }, action, name, '');
    }
    paths.set(`${collection}/{name}/${name}`, { ...subresourceItem, parameters: itemParameters });
  }
  return paths;
}

interface OperationContext {
  resource: OpenApiResource;
  components: ResourceComponents;
  /** The kind the operation reads and writes: the resource's, or its subresource's. */
  gvk: GroupVersionKind;
}

function operation(context: OperationContext, action: Action, subresource: string, suffix: string): OpenApiObject {
  const { resource, components, gvk } = context;
  const isOwnKind = gvk.group === resource.group && gvk.version === resource.version && gvk.kind === resource.kind;
  const body = isOwnKind ? components.kind : components.other(gvk);

  const responses: Record<string, unknown> = {};
  switch (action) {
    case 'get':
      responses['200'] = jsonResponse('OK', body);
      break;
    case 'list':
      responses['200'] = jsonResponse('OK', components.list);
      break;
    case 'post':
      responses['200'] = jsonResponse('OK', body);
      responses['201'] = jsonResponse('Created', body);
      responses['202'] = jsonResponse('Accepted', body);
      break;
    case 'put':
    case 'patch':
      responses['200'] = jsonResponse('OK', body);
      responses['201'] = jsonResponse('Created', body);
      break;
    case 'delete':
      responses['200'] = jsonResponse('OK', STATUS);
      responses['202'] = jsonResponse('Accepted', STATUS);
      break;
    case 'deletecollection':
      responses['200'] = jsonResponse('OK', STATUS);
      break;
  }
  responses['401'] = { description: 'Unauthorized' };

  const result: OpenApiObject = {
    description: describe(action, subresource, resource.kind),
    operationId: operationId(resource, action, subresource, suffix),
  };
  const parameters = QUERY_PARAMETERS[action];
  if (parameters.length > 0) result.parameters = parameters;
  const requestBody = requestBodyOf(action, resource.builtin, body);
  if (requestBody) result.requestBody = requestBody;
  result.responses = responses;
  result.tags = [tagOf(resource.group, resource.version)];
  result['x-kubernetes-action'] = action;
  result['x-kubernetes-group-version-kind'] = { group: gvk.group, version: gvk.version, kind: gvk.kind };
  return result;
}

function requestBodyOf(action: Action, builtin: boolean, body: string): OpenApiObject | undefined {
  switch (action) {
    case 'post':
    case 'put':
      return { content: { '*/*': { schema: { $ref: componentRef(body) } } }, required: true };
    case 'patch':
      if (builtin) return undefined;
      return {
        content: Object.fromEntries(
          ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'].map((type) => [
            type,
            { schema: { $ref: componentRef(PATCH) } },
          ]),
        ),
        required: true,
      };
    case 'delete':
    case 'deletecollection':
      return { content: { '*/*': { schema: { $ref: componentRef(DELETE_OPTIONS) } } } };
    default:
      return undefined;
  }
}

function jsonResponse(description: string, component: string): OpenApiObject {
  return { content: { 'application/json': { schema: { $ref: componentRef(component) } } }, description };
}

/** Upstream's wording: "read the specified Deployment", "partially update status of the specified Pod". */
function describe(action: Action, subresource: string, kind: string): string {
  const of = subresource === '' ? '' : ` ${subresource} of`;
  const article = /^[aeiou]/i.test(kind) ? 'an' : 'a';
  switch (action) {
    case 'get':
      return `read${of} the specified ${kind}`;
    case 'list':
      return `list or watch objects of kind ${kind}`;
    case 'post':
      return `create${of} ${article} ${kind}`;
    case 'put':
      return `replace${of} the specified ${kind}`;
    case 'patch':
      return `partially update${of} the specified ${kind}`;
    case 'delete':
      return `delete ${article} ${kind}`;
    case 'deletecollection':
      return `delete collection of ${kind}`;
  }
}

/** Upstream's operation ids: `readAppsV1NamespacedDeploymentStatus`, `deleteCoreV1CollectionNamespacedPod`. */
function operationId(resource: OpenApiResource, action: Action, subresource: string, suffix: string): string {
  const verb = { get: 'read', list: 'list', post: 'create', put: 'replace', patch: 'patch', delete: 'delete', deletecollection: 'delete' }[action];
  const collection = action === 'deletecollection' ? 'Collection' : '';
  const scope = resource.namespaced && suffix === '' ? 'Namespaced' : '';
  const groupVersion = groupId(resource.group) + capitalize(resource.version);
  return `${verb}${groupVersion}${collection}${scope}${resource.kind}${capitalize(subresource)}${suffix}`;
}

/** `apps` → `Apps`, `rbac.authorization.k8s.io` → `RbacAuthorization`, `example.com` → `ExampleCom`, `''` → `Core`. */
export function groupId(group: string): string {
  if (group === '') return 'Core';
  return group.replace(/\.k8s\.io$/, '').split(/[^a-zA-Z0-9]+/).map(capitalize).join('');
}

/** Operation tags: `apps_v1`, `core_v1`, `rbacAuthorization_v1`; just `apps` without a version. */
export function tagOf(group: string, version: string): string {
  const id = groupId(group);
  return `${id[0].toLowerCase()}${id.slice(1)}${version === '' ? '' : `_${version}`}`;
}

function capitalize(word: string): string {
  return word === '' ? '' : word[0].toUpperCase() + word.slice(1);
}

function queryParameter(name: string, type: string, description: string): OpenApiObject {
  return { description, in: 'query', name, schema: { type } };
}

function nameParameter(kind: string): OpenApiObject {
  return { description: `name of the ${kind}`, in: 'path', name: 'name', required: true, schema: { type: 'string' } };
}

const NAMESPACE_PARAMETER: OpenApiObject = {
  description: 'object name and auth scope, such as for teams and projects',
  in: 'path',
  name: 'namespace',
  required: true,
  schema: { type: 'string' },
};

const PRETTY_PARAMETER = queryParameter('pretty', 'string', "If 'true', the output is pretty printed.");
const DRY_RUN = queryParameter('dryRun', 'string', 'All: run every stage of the request but persist nothing.');
const FIELD_MANAGER = queryParameter('fieldManager', 'string', 'The name of the actor making the change (at most 128 printable characters); required for apply patches.');
const FIELD_VALIDATION = queryParameter(
  'fieldValidation',
  'string',
  'How to treat unknown and duplicate fields in the body: Ignore drops them silently, Warn (the default) drops them ' +
    'with a Warning header each, Strict rejects the request with a BadRequest error listing them.',
);
const FORCE = queryParameter('force', 'boolean', 'For apply patches: take over fields that other managers own. Must be unset for other patch types.');
const GRACE_PERIOD = queryParameter('gracePeriodSeconds', 'integer', 'Seconds to wait before the object is deleted; 0 deletes immediately.');
const IGNORE_READ_ERROR = queryParameter(
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'boolean',
  'Deletes an object that cannot be read from storage, skipping finalizers and preconditions.',
);
const ORPHAN = queryParameter('orphanDependents', 'boolean', 'Deprecated; use propagationPolicy. Whether dependents are orphaned.');
const PROPAGATION = queryParameter('propagationPolicy', 'string', 'Orphan, Background or Foreground: what happens to the dependents.');
const CONTINUE = queryParameter('continue', 'string', 'The continue token of the previous page of a paginated list.');
const FIELD_SELECTOR = queryParameter('fieldSelector', 'string', 'Only objects whose fields match this selector.');
const LABEL_SELECTOR = queryParameter('labelSelector', 'string', 'Only objects whose labels match this selector.');
const LIMIT = queryParameter('limit', 'integer', 'The most items to return in one page; a continue token follows when there are more.');
const RESOURCE_VERSION = queryParameter('resourceVersion', 'string', 'The resource version the result must be at least as new as, or must match (see resourceVersionMatch).');
const RESOURCE_VERSION_MATCH = queryParameter('resourceVersionMatch', 'string', 'Exact or NotOlderThan: how resourceVersion applies to a list.');
const SEND_INITIAL_EVENTS = queryParameter('sendInitialEvents', 'boolean', 'With watch: start with synthetic ADDED events for the current state, then a bookmark.');
const TIMEOUT = queryParameter('timeoutSeconds', 'integer', 'Ends a list or watch call after this many seconds.');
const WATCH = queryParameter('watch', 'boolean', 'Watch for changes and stream them as events instead of listing.');
const BOOKMARKS = queryParameter('allowWatchBookmarks', 'boolean', 'With watch: the server may send BOOKMARK events.');

const QUERY_PARAMETERS: Record<Action, OpenApiObject[]> = {
  get: [],
  list: [BOOKMARKS, CONTINUE, FIELD_SELECTOR, LABEL_SELECTOR, LIMIT, RESOURCE_VERSION, RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT, WATCH],
  post: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
  put: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
  patch: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
  delete: [DRY_RUN, GRACE_PERIOD, IGNORE_READ_ERROR, ORPHAN, PROPAGATION],
  deletecollection: [
    CONTINUE, DRY_RUN, FIELD_SELECTOR, GRACE_PERIOD, IGNORE_READ_ERROR, LABEL_SELECTOR, LIMIT, ORPHAN, PROPAGATION,
    RESOURCE_VERSION, RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT,
  ],
};
