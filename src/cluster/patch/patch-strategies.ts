/**
 * Which lists of the built-in kinds merge under a strategic merge patch, and
 * by which key (apiserver-spec §5.3). Upstream reads this from struct tags of
 * the Go types; here it is a table of field paths per kind. A list that is
 * not in the table is atomic: a patch replaces it whole.
 *
 * `$retainKeys` needs no entry: like upstream, the patch applies it wherever
 * it appears (kubectl sends it for `spec.strategy` of Deployments and for each
 * pod volume).
 */

/** How one merging list matches patch items to live items. */
export interface ListMergeRule {
  /** The item field that identifies an item (`name`, `uid`, …); absent for a list of strings merged as a set. */
  mergeKey?: string;
}

/**
 * The patch rules below one field of an object. For a list, `children`
 * describes the fields of its items.
 */
export interface PatchRules {
  /** Present when the field is a list that merges rather than being replaced. */
  list?: ListMergeRule;
  children: ReadonlyMap<string, PatchRules>;
}

/** A built-in kind, e.g. `{ group: 'apps', kind: 'Deployment' }`; the core group is `''`. */
export interface KindRef {
  group: string;
  kind: string;
}

/** Dotted field path (list items are transparent) → how that list merges. */
type RuleTable = Record<string, ListMergeRule>;

const byName: ListMergeRule = { mergeKey: 'name' };
const byType: ListMergeRule = { mergeKey: 'type' };
const asSet: ListMergeRule = {};

function prefixed(prefix: string, table: RuleTable): RuleTable {
  return Object.fromEntries(Object.entries(table).map(([path, rule]) => [`${prefix}.${path}`, rule]));
}

/** Every ObjectMeta, the object's own and those of pod and job templates. */
const objectMetaRules: RuleTable = {
  finalizers: asSet,
  ownerReferences: { mergeKey: 'uid' },
};

/** Containers, init containers and ephemeral containers share these. */
const containerRules: RuleTable = {
  env: byName,
  ports: { mergeKey: 'containerPort' },
  volumeMounts: { mergeKey: 'mountPath' },
  volumeDevices: { mergeKey: 'devicePath' },
};

const podSpecRules: RuleTable = {
  containers: byName,
  ...prefixed('containers', containerRules),
  initContainers: byName,
  ...prefixed('initContainers', containerRules),
  ephemeralContainers: byName,
  ...prefixed('ephemeralContainers', containerRules),
  volumes: byName,
  imagePullSecrets: byName,
  schedulingGates: byName,
  hostAliases: { mergeKey: 'ip' },
  topologySpreadConstraints: { mergeKey: 'topologyKey' },
  resourceClaims: byName,
};

const podTemplateRules: RuleTable = {
  ...prefixed('metadata', objectMetaRules),
  ...prefixed('spec', podSpecRules),
};

/** The workload kinds whose pods come from `spec.template` and whose status has typed conditions. */
const workloadRules: RuleTable = {
  ...prefixed('spec.template', podTemplateRules),
  'status.conditions': byType,
};

const rulesByKind: Record<string, RuleTable> = {
  '/Pod': {
    ...prefixed('spec', podSpecRules),
    'status.conditions': byType,
    'status.podIPs': { mergeKey: 'ip' },
    'status.hostIPs': { mergeKey: 'ip' },
    'status.resourceClaimStatuses': byName,
  },
  '/PodTemplate': prefixed('template', podTemplateRules),
  '/ReplicationController': workloadRules,
  'apps/Deployment': workloadRules,
  'apps/ReplicaSet': workloadRules,
  'apps/StatefulSet': workloadRules,
  'apps/DaemonSet': workloadRules,
  'batch/Job': workloadRules,
  'batch/CronJob': {
    ...prefixed('spec.jobTemplate.metadata', objectMetaRules),
    ...prefixed('spec.jobTemplate.spec.template', podTemplateRules),
  },
  '/Service': {
    'spec.ports': { mergeKey: 'port' },
    'status.conditions': byType,
  },
  '/ServiceAccount': { secrets: byName },
  '/Node': {
    'spec.podCIDRs': asSet,
    'status.conditions': byType,
    'status.addresses': byType,
  },
  '/Namespace': { 'status.conditions': byType },
  '/PersistentVolumeClaim': { 'status.conditions': byType },
};

interface RulesNode {
  list?: ListMergeRule;
  children: Map<string, RulesNode>;
}

/** Turns dotted paths into the tree that the patcher walks alongside the object. */
function buildTree(table: RuleTable): PatchRules {
  const root: RulesNode = { children: new Map() };
  for (const [path, rule] of Object.entries(table)) {
    let node = root;
    for (const field of path.split('.')) {
      let next = node.children.get(field);
      if (!next) {
        next = { children: new Map() };
        node.children.set(field, next);
      }
      node = next;
    }
    node.list = rule;
  }
  return root;
}

const commonRules = prefixed('metadata', objectMetaRules);
const treesByKind = new Map<string, PatchRules>();

/**
 * The strategic-merge rules of a kind: its own table plus `metadata.finalizers`
 * (a set) and `metadata.ownerReferences` (by `uid`), which every kind has.
 */
export function patchRulesOf(kind: KindRef): PatchRules {
  const id = `${kind.group}/${kind.kind}`;
  let tree = treesByKind.get(id);
  if (!tree) {
    tree = buildTree({ ...commonRules, ...(Object.hasOwn(rulesByKind, id) ? rulesByKind[id] : {}) });
    treesByKind.set(id, tree);
  }
  return tree;
}
