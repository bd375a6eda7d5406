import { describe, expect, it } from 'vitest';
import type { Printer } from './columns.ts';
import {
  configMapPrinter,
  endpointsPrinter,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core-printers.ts';

const now = new Date('2026-01-02T03:04:05Z');
const metadata = (name: string, extra: object = {}) => ({ name, creationTimestamp: '2026-01-02T02:04:05Z', ...extra });
const header = (printer: Printer) => printer.columns.map((column) => `${column.name}:${column.type}:${column.priority}`);

describe('namespacePrinter, configMapPrinter, secretPrinter, serviceAccountPrinter', () => {
  it('print a namespace with its phase', () => {
    expect(header(namespacePrinter)).toEqual(['Name:string:0', 'Status:string:0', 'Age:string:0']);
    expect(namespacePrinter.print({ metadata: metadata('team-a'), status: { phase: 'Terminating' } }, now).cells).toEqual(['team-a', 'Terminating', '60m']);
  });

  it('count data and binaryData keys of a config map', () => {
    expect(header(configMapPrinter)).toEqual(['Name:string:0', 'Data:string:0', 'Age:string:0']);
    expect(configMapPrinter.print({ metadata: metadata('cm'), data: { a: '1', b: '2' }, binaryData: { c: 'AAE=' } }, now).cells).toEqual(['cm', 3, '60m']);
    expect(configMapPrinter.print({ metadata: metadata('empty') }, now).cells).toEqual(['empty', 0, '60m']);
  });

  it('print a secret with its type and key count', () => {
    expect(header(secretPrinter)).toEqual(['Name:string:0', 'Type:string:0', 'Data:string:0', 'Age:string:0']);
    const secret = { metadata: metadata('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' } };
    expect(secretPrinter.print(secret, now).cells).toEqual(['tls', 'kubernetes.io/tls', 2, '60m']);
  });

  it('count the secrets of a service account', () => {
    expect(header(serviceAccountPrinter)).toEqual(['Name:string:0', 'Secrets:string:0', 'Age:string:0']);
    expect(serviceAccountPrinter.print({ metadata: metadata('default'), secrets: [{ name: 'a' }] }, now).cells).toEqual(['default', 1, '60m']);
  });
});

describe('servicePrinter', () => {
  const service = (spec: object, status: object = {}) => servicePrinter.print({ metadata: metadata('svc'), spec, status }, now).cells;

  it('has the kubectl get services columns', () => {
    expect(header(servicePrinter)).toEqual([
      'Name:string:0', 'Type:string:0', 'Cluster-IP:string:0', 'External-IP:string:0', 'Port(s):string:0', 'Age:string:0', 'Selector:string:1',
    ]);
  });

  it('prints a ClusterIP service with ports, protocols and selector', () => {
    const spec = {
      type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { app: 'web', tier: 'fe' },
      ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    };
    expect(service(spec)).toEqual(['svc', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '60m', 'app=web,tier=fe']);
    expect(service({ ...spec, externalIPs: ['1.2.3.4', '1.2.3.5'] })[3]).toBe('1.2.3.4,1.2.3.5');
  });

  it('prints node ports and a headless service', () => {
    expect(service({ type: 'NodePort', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }).slice(1, 5)).toEqual([
      'NodePort', '10.96.0.11', '<none>', '80:30080/TCP',
    ]);
    expect(service({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }).slice(2, 5)).toEqual(['None', '<none>', '<none>']);
  });

  it('prints load balancer addresses sorted, then external IPs, or <pending>', () => {
    const spec = { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] };
    const ingress = [{ ip: '9.9.9.9' }, { hostname: 'lb.example.com' }, { ip: '1.1.1.1' }];
    expect(service(spec, { loadBalancer: { ingress } })[3]).toBe('1.1.1.1,9.9.9.9,lb.example.com');
    expect(service({ ...spec, externalIPs: ['5.5.5.5'] }, { loadBalancer: { ingress } })[3]).toBe('1.1.1.1,9.9.9.9,lb.example.com,5.5.5.5');
    expect(service(spec, { loadBalancer: {} })[3]).toBe('<pending>');
  });

  it('prints the target of an ExternalName service', () => {
    expect(service({ type: 'ExternalName', externalName: 'example.com' }).slice(1, 5)).toEqual(['ExternalName', '<none>', 'example.com', '<none>']);
  });
});

describe('nodePrinter', () => {
  it('prints readiness, roles, version and the wide cells', () => {
    expect(header(nodePrinter)).toEqual([
      'Name:string:0', 'Status:string:0', 'Roles:string:0', 'Age:string:0', 'Version:string:0',
      'Internal-IP:string:1', 'External-IP:string:1', 'OS-Image:string:1', 'Kernel-Version:string:1', 'Container-Runtime:string:1',
    ]);
    const node = {
      metadata: metadata('node-1', { labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master' } }),
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
        addresses: [{ type: 'Hostname', address: 'h' }, { type: 'InternalIP', address: '10.0.0.2' }, { type: 'InternalIP', address: '10.0.0.3' }],
        nodeInfo: { kubeletVersion: 'v1.32.13', osImage: 'Ubuntu', kernelVersion: '6.1', containerRuntimeVersion: 'containerd://1.7' },
      },
    };
    expect(nodePrinter.print(node, now).cells).toEqual([
      'node-1', 'Ready,SchedulingDisabled', 'control-plane,master,worker', '60m', 'v1.32.13', '10.0.0.2', '<none>', 'Ubuntu', '6.1', 'containerd://1.7',
    ]);
  });

  it('prints Unknown without a Ready condition and NotReady when it is not true', () => {
    expect(nodePrinter.print({ metadata: metadata('bare') }, now).cells).toEqual(['bare', 'Unknown', '<none>', '60m', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
    const lost = { metadata: metadata('lost'), status: { conditions: [{ type: 'Ready', status: 'Unknown' }], addresses: [{ type: 'ExternalIP', address: '8.8.8.8' }] } };
    const cells = nodePrinter.print(lost, now).cells;
    expect([cells[1], cells[6]]).toEqual(['NotReady', '8.8.8.8']);
  });
});

describe('persistentVolumeClaimPrinter', () => {
  it('has the kubectl get pvc columns', () => {
    expect(header(persistentVolumeClaimPrinter)).toEqual([
      'Name:string:0', 'Status:string:0', 'Volume:string:0', 'Capacity:string:0', 'Access Modes:string:0',
      'StorageClass:string:0', 'VolumeAttributesClass:string:0', 'Age:string:0', 'VolumeMode:string:1',
    ]);
  });

  it('prints an unbound claim without capacity or access modes', () => {
    const claim = { metadata: metadata('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'fast', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } };
    expect(persistentVolumeClaimPrinter.print(claim, now).cells).toEqual(['data', 'Pending', '', '', '', 'fast', '<unset>', '60m', 'Filesystem']);
  });

  it('prints a bound claim with the volume, its capacity and abbreviated access modes', () => {
    const claim = {
      metadata: metadata('data', { annotations: { 'volume.beta.kubernetes.io/storage-class': 'beta' } }),
      spec: { volumeName: 'pv-1', storageClassName: 'fast', volumeAttributesClassName: 'gold', volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Bound', accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteOnce'], capacity: { storage: '2Gi' } },
    };
    expect(persistentVolumeClaimPrinter.print(claim, now).cells).toEqual(['data', 'Bound', 'pv-1', '2Gi', 'RWO,ROX,RWX', 'beta', 'gold', '60m', 'Block']);
  });

  it('prints Terminating for a claim being deleted', () => {
    const claim = { metadata: metadata('data', { deletionTimestamp: '2026-01-02T03:00:00Z' }), spec: {}, status: { phase: 'Bound' } };
    expect(persistentVolumeClaimPrinter.print(claim, now).cells[1]).toBe('Terminating');
  });
});

describe('endpointsPrinter', () => {
  const cells = (subsets?: object[]) => endpointsPrinter.print({ metadata: metadata('ep'), subsets }, now).cells;

  it('prints <none> without subsets', () => {
    expect(header(endpointsPrinter)).toEqual(['Name:string:0', 'Endpoints:string:0', 'Age:string:0']);
    expect(cells()).toEqual(['ep', '<none>', '60m']);
  });

  it('prints address:port pairs, bracketing IPv6', () => {
    expect(cells([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: [{ port: 80 }] }])[1]).toBe('10.0.0.1:80,[fd00::1]:80');
  });

  it('prints bare IPs for subsets without ports', () => {
    expect(cells([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }])[1]).toBe('10.0.0.1,10.0.0.2');
  });

  it('shows three endpoints and counts the rest', () => {
    const subsets = [
      { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80, name: 'a' }, { port: 81, name: 'b' }] },
      { addresses: [{ ip: '10.0.1.1' }] },
    ];
    expect(cells(subsets)[1]).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:81 + 2 more...');
  });
});
