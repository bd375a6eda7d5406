/**
 * The Kubernetes objects that deploy an operator (`kopf manifests`): a ServiceAccount, the RBAC rules
 * its handlers need, and a Deployment that runs `kopf run` with the same code and flags. The rules are
 * derived from the registry and the resources the handlers' selectors resolve to, as the engine
 * would resolve them at start; nothing here talks to a cluster.
 *
 * Where the rules go follows the operator's scope, as Kopf's RBAC guide splits them: cluster-scoped
 * needs (CRDs, namespaces, cluster-scoped resources, webhook configurations, ClusterKopfPeerings) in a
 * ClusterRole; namespaced needs in the ClusterRole for `-A`, else in a Role per namespace named by
 * `-n`. RoleBindings need concrete namespaces, so `-n` with globs or exclusions puts the namespaced
 * needs into the ClusterRole instead (with a warning): broader, but the only way to follow namespaces
 * that appear later.
 */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { qualifiedName, type Resource } from '../core/resource-selector.ts';
import type { Registry } from '../registry/registry.ts';

/** What to deploy and how the deployed operator runs. */
export interface ManifestsOptions {
  /** The name of the ServiceAccount, the roles, their bindings and the Deployment. */
  name: string;
  /** The namespace of the ServiceAccount and the Deployment. */
  namespace: string;
  /** The container image: it holds the operator code and kopf-ts installed beside it. */
  image: string;
  /** Operator files, as `kopf run` takes them (paths inside the image, relative to its working directory). */
  files: readonly string[];
  /** Modules, as `kopf run -m` takes them. */
  modules: readonly string[];
  /** `-n`: the namespace patterns to serve; none for the whole cluster (`-A`). */
  namespaces: readonly string[];
  /** `--standalone`: no peering. */
  standalone: boolean;
  /** `--peering NAME`: the peering object to take part in (mandatory peering); `default` otherwise. */
  peering?: string;
}

/** A Kubernetes object of the manifests. */
export type ManifestObject = ServiceAccount | ClusterRole | ClusterRoleBinding | Role | RoleBinding | Deployment;

/** The objects to apply, and what the user should know about them. */
export interface Manifests {
  objects: ManifestObject[];
  /** Sentences for stderr: where the rules are broader than the operator's needs, and why. */
  warnings: string[];
}

/** The operator's handlers cannot be deployed as registered (selectors that resolve to nothing or to several resources …). */
export class ManifestsError extends Error {
  override name = 'ManifestsError';
}

/** One permission: verbs on a resource (or `plural/subresource`) of a group. */
interface Permission {
  group: string;
  resource: string;
  verbs: readonly string[];
}

/** The permissions by where they are granted. */
interface Permissions {
  /** Granted by the ClusterRole. */
  cluster: Permission[];
  /** Granted in every served namespace (by Roles, or by the ClusterRole when cluster-wide). */
  namespaced: Permission[];
  /** Granted in the operator's own namespace only: Events about cluster-scoped objects go there. */
  own: Permission[];
}

const WATCH = ['list', 'watch'];
const WATCH_PATCH = ['list', 'watch', 'patch'];
const PEERING_GROUP = 'kopf.dev';

/** Whether a `-n` pattern names one namespace (no glob, exclusion or list). */
function isLiteral(pattern: string): boolean {
  return !/[!*?,[]/.test(pattern);
}

/**
 * The resources the handlers serve, resolved as the engine resolves them; throws a `ManifestsError`
 * naming every selector that would not be served.
 */
function servedResources(registry: Registry, discovered: readonly Resource[]): { watched: Resource[]; patched: Set<Resource> } {
  const interest = registry.resourcesOfInterest(discovered);
  const problems = interest.problems.map((problem) => {
    switch (problem.kind) {
      case 'ambiguous':
        return `${problem.selector} is ambiguous: it matches ${problem.resources.map(qualifiedName).join(', ')}; name the group`;
      case 'unresolved':
        return `${problem.selector} matches no resource of the cluster (is its CRD installed?)`;
      case 'unwatchable':
        return `${qualifiedName(problem.resource)} cannot be listed and watched`;
      case 'unpatchable':
        return `${qualifiedName(problem.resource)} cannot be patched, but its handlers store their state on it`;
    }
  });
  if (problems.length) throw new ManifestsError(`the handlers cannot be served: ${problems.join('; ')}`);
  const { patched: patchedSelectors } = registry.selectors();
  const patched = new Set(interest.watched.filter((resource) => patchedSelectors.some((selector) => selector.matches(resource))));
  return { watched: interest.watched, patched };
}

/** The watched selectors that select by a property (EVERYTHING, categories, predicates): resources added later may match them too. */
function openSelectors(registry: Registry): string[] {
  const { watched } = registry.selectors();
  return [...new Set(watched)].filter((selector) => !selector.isSpecific).map(String);
}

/** The permissions the operator needs, by where they are granted. */
function permissionsOf(registry: Registry, discovered: readonly Resource[], options: ManifestsOptions): Permissions {
  const permissions: Permissions = { cluster: [], namespaced: [], own: [] };
  const { watched, patched } = servedResources(registry, discovered);
  const clusterwide = options.namespaces.length === 0;

  for (const resource of watched) {
    const where = resource.namespaced ? permissions.namespaced : permissions.cluster;
    const storesState = patched.has(resource);
    where.push({ group: resource.group, resource: resource.plural, verbs: storesState ? WATCH_PATCH : WATCH });
    // Handler results and progress kept in status go through the status subresource where there is one.
    if (storesState && resource.subresources.includes('status')) where.push({ group: resource.group, resource: `${resource.plural}/status`, verbs: ['patch'] });
  }

  // Events about objects go to their namespace; about cluster-scoped objects, to the operator's own
  // (which the namespaced grants cover when they are cluster-wide).
  permissions.namespaced.push({ group: '', resource: 'events', verbs: ['create'] });
  if (!clusterwide && watched.some((resource) => !resource.namespaced)) permissions.own.push({ group: '', resource: 'events', verbs: ['create'] });

  // Discovery follows CRDs as they come and go; `-n` follows the namespaces that match the patterns.
  permissions.cluster.push({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', verbs: WATCH });
  if (!clusterwide) permissions.cluster.push({ group: '', resource: 'namespaces', verbs: WATCH });

  if (!options.standalone) {
    const plural = clusterwide ? 'clusterkopfpeerings' : 'kopfpeerings';
    const peering = discovered.find((resource) => resource.group === PEERING_GROUP && resource.plural === plural && resource.preferred);
    const where = clusterwide ? permissions.cluster : permissions.namespaced;
    where.push({ group: PEERING_GROUP, resource: plural, verbs: WATCH_PATCH });
    if (peering?.subresources.includes('status')) where.push({ group: PEERING_GROUP, resource: `${plural}/status`, verbs: ['patch'] });
  }

  // `settings.admission.managed` is set by startup handlers, unknown until the operator runs: any
  // operator with webhooks may keep its configurations, so it may create and patch them.
  if (registry.handlers.some((handler) => handler.family === 'webhooks')) {
    for (const resource of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']) {
      permissions.cluster.push({ group: 'admissionregistration.k8s.io', resource, verbs: ['create', 'patch'] });
    }
  }
  return permissions;
}

/** Policy rules from permissions: one rule per group and verb set, resources and verbs sorted, so output is stable. */
export function policyRules(permissions: readonly Permission[]): PolicyRule[] {
  const verbsByResource = new Map<string, Set<string>>();
  for (const { group, resource, verbs } of permissions) {
    const key = JSON.stringify([group, resource]);
    const known = verbsByResource.get(key) ?? new Set<string>();
    for (const verb of verbs) known.add(verb);
    verbsByResource.set(key, known);
  }
  const rules = new Map<string, { group: string; resources: string[]; verbs: string[] }>();
  for (const [key, verbs] of verbsByResource) {
    const [group, resource] = JSON.parse(key) as [string, string];
    const sortedVerbs = [...verbs].sort();
    const ruleKey = JSON.stringify([group, sortedVerbs]);
    const rule = rules.get(ruleKey) ?? { group, resources: [], verbs: sortedVerbs };
    rule.resources.push(resource);
    rules.set(ruleKey, rule);
  }
  const sorted = [...rules.values()].map((rule) => ({ ...rule, resources: rule.resources.sort() }));
  sorted.sort((a, b) => a.group.localeCompare(b.group) || a.resources[0].localeCompare(b.resources[0]));
  return sorted.map(({ group, resources, verbs }) => ({ apiGroups: [group], resources, verbs }));
}

/** The `kopf run` arguments of the deployed operator: the same code, scope and peering as given here. */
export function runArguments(options: ManifestsOptions): string[] {
  const args = ['run', ...options.files, ...options.modules.flatMap((module) => ['-m', module])];
  if (options.namespaces.length) args.push(...options.namespaces.flatMap((pattern) => ['-n', pattern]));
  else args.push('-A');
  if (options.standalone) args.push('--standalone');
  if (options.peering !== undefined) args.push('--peering', options.peering);
  return args;
}

function deployment(options: ManifestsOptions): Deployment {
  const labels = { 'app.kubernetes.io/name': options.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: options.name, namespace: options.namespace, labels },
    spec: {
      replicas: 1,
      // A new version starts only once the old one has stopped: two replicas would both handle objects.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: options.name,
          containers: [
            {
              name: 'operator',
              image: options.image,
              // `--no` keeps npx from downloading anything: kopf-ts must be installed in the image.
              command: ['npx', '--no', 'kopf'],
              args: runArguments(options),
              // The peering identity: peers tell each other apart by pod name, as Kopf's do.
              env: [{ name: 'POD_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            },
          ],
        },
      },
    },
  };
}

/**
 * Builds the manifests of an operator whose handlers are in `registry`, with `discovered` the
 * resources of the cluster it will run in (the engine resolves selectors against the same list).
 * Throws a `ManifestsError` when a selector would not be served.
 */
export function buildManifests(registry: Registry, discovered: readonly Resource[], options: ManifestsOptions): Manifests {
  const warnings: string[] = [];
  const { name, namespace } = options;
  const permissions = permissionsOf(registry, discovered, options);
  const open = openSelectors(registry);
  if (open.length) {
    warnings.push(`the selectors ${open.join(', ')} select resources by a property: the rules cover the resources they match now, not those added to the cluster later`);
  }
  const globs = options.namespaces.filter((pattern) => !isLiteral(pattern));
  const perNamespace = options.namespaces.length > 0 && globs.length === 0;
  if (globs.length) {
    warnings.push(`the namespace patterns ${globs.join(', ')} are not plain names: the namespaced rules are granted in every namespace (ClusterRole), as Roles need names`);
  }

  const subject = { kind: 'ServiceAccount', name, namespace };
  const objects: ManifestObject[] = [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }];
  const clusterPermissions = perNamespace ? permissions.cluster : [...permissions.cluster, ...permissions.namespaced];
  objects.push(
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: policyRules(clusterPermissions) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    },
  );
  const roles = new Map<string, Permission[]>();
  if (perNamespace) for (const served of options.namespaces) roles.set(served, [...permissions.namespaced]);
  if (permissions.own.length && perNamespace) roles.set(namespace, [...(roles.get(namespace) ?? []), ...permissions.own]);
  for (const [roleNamespace, rolePermissions] of roles) {
    objects.push(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: roleNamespace }, rules: policyRules(rolePermissions) },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: roleNamespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [subject],
      },
    );
  }
  objects.push(deployment(options));
  return { objects, warnings };
}
