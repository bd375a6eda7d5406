/**
 * What an API request is about — verb, resource, namespace, name — read back
 * from its method and path, so that every error can say which operation on
 * which object failed, whoever built the request.
 */

/** The operation of one API request, in the words of Kubernetes RBAC. */
export interface RequestSubject {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`. */
  verb: string;
  /** `pods`, `kopfexamples.kopf.dev`, `pods/status`; undefined for paths that are not resources (`/apis`, `/version`). */
  resource?: string;
  namespace?: string;
  name?: string;
  /** The request path without the query. */
  path: string;
}

type Query = Record<string, string | number | boolean | undefined>;

// Subresources of namespaces, which would otherwise read as a resource listed in a namespace.
const namespaceSubresources = new Set(['status', 'finalize']);

function verbOf(method: string, named: boolean, query: Query | undefined): string {
  const watching = query?.watch === true || query?.watch === 'true' || query?.watch === 1 || query?.watch === '1';
  switch (method) {
    case 'GET':
      return named ? 'get' : watching ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Reads the subject of a request from its method, path and query (`watch=true` makes a GET a watch). */
export function describeRequest(method: string, path: string, query?: Query): RequestSubject {
  const bare = path.split('?')[0];
  const parts = bare.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    rest = parts.slice(3);
  } else return { verb: verbOf(method, true, query), path: bare };

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && namespaceSubresources.has(rest[2]))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, ...subresource] = rest;
  const qualified = group ? `${plural}.${group}` : plural;
  const resource = subresource.length ? `${qualified}/${subresource.join('/')}` : qualified;
  return { verb: verbOf(method, name !== undefined, query), resource, namespace, name, path: bare };
}

/** `pods default/p1`, `pods in default`, `namespaces ns1`, `/version`: the object part of a message. */
export function describeTarget(subject: RequestSubject): string {
  if (subject.resource === undefined) return subject.path;
  if (subject.name !== undefined) return `${subject.resource} ${subject.namespace !== undefined ? `${subject.namespace}/` : ''}${subject.name}`;
  return subject.namespace !== undefined ? `${subject.resource} in ${subject.namespace}` : subject.resource;
}
