/**
 * Printers for core/v1 kinds other than Pod: Namespace, ConfigMap, Secret, Service,
 * ServiceAccount, Node, PersistentVolumeClaim and Endpoints.
 */

import type {
  ConfigMap,
  EndpointSubset,
  Endpoints,
  Namespace,
  Node,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1.js';
import { formatAge } from './age.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from './columns.ts';
import type { Printer } from './columns.ts';
import { formatLabels } from './label-text.ts';

/** Prints core/v1 Namespaces. */
export const namespacePrinter: Printer = {
  columns: [NAME_COLUMN, column('Status', 'string', 'Lifecycle phase of the namespace.'), AGE_COLUMN],
  print(object, now) {
    const namespace = object as Namespace;
    return { cells: [namespace.metadata?.name ?? '', namespace.status?.phase ?? '', formatAge(namespace.metadata?.creationTimestamp, now)] };
  },
};

/** Prints core/v1 ConfigMaps. */
export const configMapPrinter: Printer = {
  columns: [NAME_COLUMN, column('Data', 'string', 'Number of keys in data and binaryData.'), AGE_COLUMN],
  print(object, now) {
    const configMap = object as ConfigMap;
    const keys = Object.keys(configMap.data ?? {}).length + Object.keys(configMap.binaryData ?? {}).length;
    return { cells: [configMap.metadata?.name ?? '', keys, formatAge(configMap.metadata?.creationTimestamp, now)] };
  },
};

/** Prints core/v1 Secrets. */
export const secretPrinter: Printer = {
  columns: [NAME_COLUMN, column('Type', 'string', 'Type of the secret.'), column('Data', 'string', 'Number of keys in data.'), AGE_COLUMN],
  print(object, now) {
    const secret = object as Secret;
    return {
      cells: [secret.metadata?.name ?? '', secret.type ?? '', Object.keys(secret.data ?? {}).length, formatAge(secret.metadata?.creationTimestamp, now)],
    };
  },
};

/** Prints core/v1 ServiceAccounts. */
export const serviceAccountPrinter: Printer = {
  columns: [NAME_COLUMN, column('Secrets', 'string', 'Number of secrets listed on the account.'), AGE_COLUMN],
  print(object, now) {
    const account = object as ServiceAccount;
    return { cells: [account.metadata?.name ?? '', (account.secrets ?? []).length, formatAge(account.metadata?.creationTimestamp, now)] };
  },
};

/** Prints core/v1 Services. */
export const servicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'How the service is exposed.'),
    column('Cluster-IP', 'string', 'Virtual IP of the service inside the cluster.'),
    column('External-IP', 'string', 'Addresses that reach the service from outside the cluster.'),
    column('Port(s)', 'string', 'Ports the service exposes, with node ports and protocols.'),
    AGE_COLUMN,
    column('Selector', 'string', 'Labels of the pods behind the service.', 1),
  ],
  print(object, now) {
    const service = object as Service;
    const spec = service.spec ?? {};
    return {
      cells: [
        service.metadata?.name ?? '',
        spec.type ?? '',
        spec.clusterIPs?.[0] || spec.clusterIP || '<none>',
        externalIpText(service),
        portsText(service) || '<none>',
        formatAge(service.metadata?.creationTimestamp, now),
        formatLabels(spec.selector),
      ],
    };
  },
};

function externalIpText(service: Service): string {
  const spec = service.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const addresses = new Set<string>();
      for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
        if (ingress.ip) addresses.add(ingress.ip);
        else if (ingress.hostname) addresses.add(ingress.hostname);
      }
      const all = [...[...addresses].sort(), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function portsText(service: Service): string {
  return (service.spec?.ports ?? [])
    .map((port) => {
      const protocol = port.protocol ?? 'TCP';
      return port.nodePort ? `${port.port}:${port.nodePort}/${protocol}` : `${port.port}/${protocol}`;
    })
    .join(',');
}

/** Prints core/v1 Nodes. */
export const nodePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Readiness of the node, and whether scheduling is disabled.'),
    column('Roles', 'string', 'Roles from the node-role labels.'),
    AGE_COLUMN,
    column('Version', 'string', 'Version of the kubelet.'),
    column('Internal-IP', 'string', 'First internal address of the node.', 1),
    column('External-IP', 'string', 'First external address of the node.', 1),
    column('OS-Image', 'string', 'Operating system image of the node.', 1),
    column('Kernel-Version', 'string', 'Kernel version of the node.', 1),
    column('Container-Runtime', 'string', 'Container runtime and its version.', 1),
  ],
  print(object, now) {
    const node = object as Node;
    const info = node.status?.nodeInfo;
    return {
      cells: [
        node.metadata?.name ?? '',
        nodeStatusText(node),
        nodeRoles(node).join(',') || '<none>',
        formatAge(node.metadata?.creationTimestamp, now),
        info?.kubeletVersion ?? '',
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        info?.osImage || '<unknown>',
        info?.kernelVersion || '<unknown>',
        info?.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};

function nodeStatusText(node: Node): string {
  // The last Ready condition wins, as upstream indexes conditions by type.
  const ready = (node.status?.conditions ?? []).filter((condition) => condition.type === 'Ready').at(-1);
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles come from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` label value. */
function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

function nodeAddress(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((address) => address.type === type)?.address ?? '<none>';
}

/** Prints core/v1 PersistentVolumeClaims. */
export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Binding phase of the claim.'),
    column('Volume', 'string', 'The volume bound to the claim.'),
    column('Capacity', 'string', 'Storage capacity of the bound volume.'),
    column('Access Modes', 'string', 'Access modes of the bound volume.'),
    column('StorageClass', 'string', 'Storage class of the claim.'),
    column('VolumeAttributesClass', 'string', 'Volume attributes class of the claim.'),
    AGE_COLUMN,
    column('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.', 1),
  ],
  print(object, now) {
    const claim = object as PersistentVolumeClaim;
    const spec = claim.spec ?? {};
    const bound = Boolean(spec.volumeName);
    return {
      cells: [
        claim.metadata?.name ?? '',
        claim.metadata?.deletionTimestamp ? 'Terminating' : (claim.status?.phase ?? ''),
        spec.volumeName ?? '',
        bound ? (claim.status?.capacity?.storage ?? '') : '',
        bound ? accessModesText(claim.status?.accessModes ?? []) : '',
        claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '',
        spec.volumeAttributesClassName ?? '<unset>',
        formatAge(claim.metadata?.creationTimestamp, now),
        spec.volumeMode ?? '<unset>',
      ],
    };
  },
};

const ACCESS_MODE_ABBREVIATIONS: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** Access modes abbreviated, each once, in a fixed order. */
function accessModesText(modes: string[]): string {
  return ACCESS_MODE_ABBREVIATIONS.filter(([mode]) => modes.includes(mode))
    .map(([, short]) => short)
    .join(',');
}

/** Prints core/v1 Endpoints. */
export const endpointsPrinter: Printer = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', 'Up to three endpoint addresses, and how many more there are.'), AGE_COLUMN],
  print(object, now) {
    const endpoints = object as Endpoints;
    return { cells: [endpoints.metadata?.name ?? '', endpointsText(endpoints.subsets ?? []), formatAge(endpoints.metadata?.creationTimestamp, now)] };
  },
};

const SHOWN_ENDPOINTS = 3;

/** `10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...`; bare IPs for subsets without ports. */
function endpointsText(subsets: EndpointSubset[]): string {
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let total = 0;
  for (const subset of subsets) {
    const addresses = (subset.addresses ?? []).map((address) => address.ip);
    const ports = subset.ports ?? [];
    // A headless service may have no ports; then the addresses stand alone.
    const entries = ports.length === 0 ? addresses : ports.flatMap((port) => addresses.map((ip) => hostPort(ip, port.port)));
    total += entries.length;
    shown.push(...entries.slice(0, SHOWN_ENDPOINTS - shown.length));
  }
  const text = shown.join(',');
  return total > SHOWN_ENDPOINTS ? `${text} + ${total - SHOWN_ENDPOINTS} more...` : text;
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
