/**
 * The `/openapi/v3` documents (apiserver-spec §1.5): the index, one OpenAPI 3.0 document per served
 * group/version, and the small documents of the index's other entries (`api`, `apis`, `apis/<group>`,
 * `version`, `.well-known/openid-configuration`, `openid/v1/jwks`).
 *
 * Each document comes as its JSON text and the upper-case hex SHA-512 of that text, which is the
 * `?hash=` of its index URL and (quoted) its ETag. Building is deterministic: resources, paths and
 * components are sorted, so the same input always gives the same hash and any change gives a new one.
 * A group/version's document is built when first asked for and kept until its input changes.
 */
import { createHash } from 'node:crypto';
import { builtinSchemas } from './builtin-schemas.ts';
import { customResourceComponentName, customResourceSchemas } from './custom-resource-schemas.ts';
import type { OpenApiResource } from './openapi-resource.ts';
import { groupId, groupVersionRoot, groupVersionRootPath, resourcePaths, tagOf } from './operations.ts';
import type { OpenApiObject, ResourceComponents } from './operations.ts';
import { componentNameOf, componentRef } from './schema-types.ts';
import type { GroupVersionKind, OpenApiSchema } from './schema-types.ts';

export type { OpenApiResource } from './openapi-resource.ts';

/** A serialized OpenAPI document and its hash. */
export interface OpenApiDocument {
  /** The JSON text to send. */
  body: string;
  /** Upper-case hex SHA-512 of `body`. */
  hash: string;
}

/** The body of `GET /openapi/v3`. */
export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

/** The resources of one served group/version. */
export interface OpenApiGroupVersion {
  group: string;
  version: string;
  resources: OpenApiResource[];
}

/** Built group/version documents by index path, with the input they were built from. */
const cache = new Map<string, { input: string; document: OpenApiDocument }>();

/** The index path of a group/version's document: `api/v1` or `apis/<group>/<version>`. */
export function openApiV3Path(group: string, version: string): string {
  return groupVersionRoot(group, version).slice(1);
}

/**
 * The `/openapi/v3` index: one entry per served group/version (CRD ones included), plus `api`, `apis`,
 * `apis/<group>` for each built-in group, `version`, `.well-known/openid-configuration` and `openid/v1/jwks`.
 * Each URL carries its document's hash, so a changed document gets a new URL.
 */
export function openApiV3Index(groupVersions: OpenApiGroupVersion[], builtinGroups: string[]): OpenApiV3Index {
  const entries = new Map<string, OpenApiDocument>();
  for (const { group, version, resources } of groupVersions) {
    entries.set(openApiV3Path(group, version), openApiV3Document(group, version, resources));
  }
  // The index names every served group/version: forget documents of those no longer served.
  for (const path of cache.keys()) if (!entries.has(path)) cache.delete(path);
  const serverPaths = ['.well-known/openid-configuration', 'api', 'apis', 'openid/v1/jwks', 'version'];
  for (const group of builtinGroups) if (group !== '') serverPaths.push(`apis/${group}`);
  for (const path of serverPaths) entries.set(path, openApiV3ServerDocument(path)!);

  const paths: OpenApiV3Index['paths'] = {};
  for (const path of [...entries.keys()].sort()) {
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${entries.get(path)!.hash}` };
  }
  return { paths };
}

/**
 * The OpenAPI 3.0 document of one group/version: paths for every resource's collection, item and
 * subresource URLs, and `components.schemas` with every schema they reference, transitively.
 */
export function openApiV3Document(group: string, version: string, resources: OpenApiResource[]): OpenApiDocument {
  const sorted = [...resources].sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  const input = JSON.stringify(sorted);
  const key = openApiV3Path(group, version);
  const cached = cache.get(key);
  if (cached?.input === input) return cached.document;
  const document = serialize(buildGroupVersionDocument(group, version, sorted));
  cache.set(key, { input, document });
  return document;
}

const serverDocuments = new Map<string, OpenApiDocument>();

/**
 * The document of an index entry that is not a group/version: `api`, `apis`, `apis/<group>`, `version`,
 * `.well-known/openid-configuration` or `openid/v1/jwks`; undefined for any other path. The fixed entries
 * are built once; `apis/<group>` documents are small and built on each call, for any well-formed group.
 */
export function openApiV3ServerDocument(path: string): OpenApiDocument | undefined {
  if (path.startsWith('apis/')) return buildServerDocument(path);
  let document = serverDocuments.get(path);
  if (document === undefined) {
    document = buildServerDocument(path);
    if (document !== undefined) serverDocuments.set(path, document);
  }
  return document;
}

function buildServerDocument(path: string): OpenApiDocument | undefined {
  const getter = (operationId: string, tag: string, description: string, content: OpenApiObject): OpenApiObject => ({
    get: { description, operationId, responses: { '200': { content, description: 'OK' }, '401': { description: 'Unauthorized' } }, tags: [tag] },
  });
  const json = (component: string): OpenApiObject => ({ 'application/json': { schema: { $ref: componentRef(component) } } });
  const meta = (kind: string): string => `io.k8s.apimachinery.pkg.apis.meta.v1.${kind}`;

  let paths: Record<string, OpenApiObject>;
  if (path === 'api') {
    paths = { '/api/': getter('getCoreAPIVersions', 'core', 'get available API versions', json(meta('APIVersions'))) };
  } else if (path === 'apis') {
    paths = { '/apis/': getter('getAPIVersions', 'apis', 'get available API versions', json(meta('APIGroupList'))) };
  } else if (/^apis\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(path)) {
    const group = path.slice('apis/'.length);
    paths = { [`/${path}/`]: getter(`get${groupId(group)}APIGroup`, tagOf(group, ''), 'get information of a group', json(meta('APIGroup'))) };
  } else if (path === 'version') {
    paths = { '/version/': getter('getCodeVersion', 'version', 'get the code version', json('io.k8s.apimachinery.pkg.version.Info')) };
  } else if (path === '.well-known/openid-configuration') {
    paths = {
      '/.well-known/openid-configuration/': getter(
        'getServiceAccountIssuerOpenIDConfiguration',
        'WellKnown',
        'get service account issuer OpenID configuration, also known as the OIDC discovery doc',
        { 'application/json': { schema: { type: 'string' } } },
      ),
    };
  } else if (path === 'openid/v1/jwks') {
    paths = {
      '/openid/v1/jwks/': getter(
        'getServiceAccountIssuerOpenIDKeyset',
        'openid',
        'get service account issuer OpenID JSON Web Key Set (contains public token verification keys)',
        { 'application/jwk-set+json': { schema: { type: 'string' } } },
      ),
    };
  } else {
    return undefined;
  }
  return serialize(assemble(paths, new Map(), true));
}

function buildGroupVersionDocument(group: string, version: string, resources: OpenApiResource[]): OpenApiObject {
  const registry = builtinSchemas();
  const customSchemas = new Map<string, OpenApiSchema>();
  const paths: Record<string, OpenApiObject> = {
    [`${groupVersionRoot(group, version)}/`]: groupVersionRootPath(group, version),
  };

  for (const resource of resources) {
    const listKind = resource.listKind ?? `${resource.kind}List`;
    let components: ResourceComponents;
    const builtinKind = resource.builtin && resource.schema === undefined;
    if (builtinKind && registry.componentNameForKind(group, version, resource.kind) !== undefined) {
      components = {
        kind: registry.componentNameForKind(group, version, resource.kind)!,
        list: registry.componentNameForKind(group, version, listKind) ?? listComponent(resource, listKind, customSchemas),
        other: (gvk) => builtinKindName(gvk),
      };
    } else {
      // Custom resources, and built-ins that kubernetes-types does not declare, get schemas of their own.
      const own = customResourceSchemas(resource);
      for (const [name, schema] of own) customSchemas.set(name, schema);
      components = {
        kind: customResourceComponentName(group, version, resource.kind),
        list: customResourceComponentName(group, version, listKind),
        other: (gvk) => builtinKindName(gvk),
      };
    }
    for (const [path, item] of resourcePaths(resource, components)) paths[path] = item;
  }
  return assemble(paths, customSchemas, resources.every((resource) => resource.builtin));
}

/** The built-in component of a subresource's kind; every kind in the subresource table is declared. */
function builtinKindName(gvk: GroupVersionKind): string {
  const name = builtinSchemas().componentNameForKind(gvk.group, gvk.version, gvk.kind);
  if (name === undefined) throw new Error(`no built-in schema for ${gvk.group}/${gvk.version} ${gvk.kind}`);
  return name;
}

/** A list component for a built-in kind whose list kind is not declared: reuse the custom-resource shape. */
function listComponent(resource: OpenApiResource, listKind: string, schemas: Map<string, OpenApiSchema>): string {
  const listName = customResourceComponentName(resource.group, resource.version, listKind);
  schemas.set(listName, customResourceSchemas(resource).get(listName)!);
  return listName;
}

const DATA_KEYWORDS = new Set(['default', 'example', 'enum']);

/** The whole document: `paths` plus every component schema they reference, transitively. */
function assemble(paths: Record<string, OpenApiObject>, ownSchemas: Map<string, OpenApiSchema>, builtinOnly: boolean): OpenApiObject {
  const registry = builtinSchemas();
  const schemas = new Map<string, OpenApiSchema>();
  const queued = new Set<string>();
  const pending: string[] = [];
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) collect(child);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        // Values in a CRD schema's default, example and enum are data, whatever keys they hold.
        if (DATA_KEYWORDS.has(key)) continue;
        if (key === '$ref' && typeof child === 'string') {
          const name = componentNameOf(child);
          if (name !== undefined && !queued.has(name)) {
            queued.add(name);
            pending.push(name);
          }
        } else {
          collect(child);
        }
      }
    }
  };
  collect(paths);
  while (pending.length > 0) {
    const name = pending.shift()!;
    const schema = ownSchemas.get(name) ?? registry.schema(name);
    if (schema === undefined) throw new Error(`OpenAPI document refers to unknown schema ${name}`);
    schemas.set(name, schema);
    collect(schema);
  }

  return {
    components: { schemas: Object.fromEntries([...schemas.keys()].sort().map((name) => [name, schemas.get(name)])) },
    info: builtinOnly ? { title: 'Kubernetes', version: 'unversioned' } : { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    openapi: '3.0.0',
    paths: Object.fromEntries(Object.keys(paths).sort().map((path) => [path, paths[path]])),
  };
}

function serialize(document: OpenApiObject): OpenApiDocument {
  const body = JSON.stringify(document);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}
