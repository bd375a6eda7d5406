import { describe, expect, it } from 'vitest';
import { builtinEmptyObject, builtinFieldType } from './builtin-field-types.ts';
import type { ListType, MapType } from './field-type.ts';

function at(type: MapType, ...fields: string[]) {
  return fields.reduce<MapType | ListType>((node, field) => {
    const map = (node.kind === 'list' ? node.item() : node) as MapType;
    return map.field(field).type as MapType | ListType;
  }, type);
}

describe('built-in field types', () => {
  const deployment = builtinFieldType('apps', 'v1', 'Deployment') as MapType;

  it('keys containers by name and their ports by port and protocol, TCP by default', () => {
    const containers = at(deployment, 'spec', 'template', 'spec', 'containers') as ListType;
    expect([containers.listType, containers.keys]).toEqual(['map', ['name']]);
    const ports = at(deployment, 'spec', 'template', 'spec', 'containers', 'ports') as ListType;
    expect([ports.keys, ports.keyDefaults]).toEqual([['containerPort', 'protocol'], { protocol: 'TCP' }]);
    expect((at(deployment, 'spec', 'template', 'spec', 'containers', 'args') as ListType).listType).toBe('atomic');
  });

  it('knows atomic structs and atomic maps', () => {
    expect((at(deployment, 'spec', 'selector') as MapType).atomic).toBe(true);
    expect((at(deployment, 'spec', 'template', 'spec', 'nodeSelector') as MapType).atomic).toBe(true);
    expect((at(deployment, 'spec', 'template', 'metadata', 'labels') as MapType).atomic).toBe(false);
    const service = builtinFieldType('', 'v1', 'Service') as MapType;
    expect((at(service, 'spec', 'selector') as MapType).atomic).toBe(true);
    expect((at(service, 'spec', 'ports') as ListType).keys).toEqual(['port', 'protocol']);
  });

  it('tells a struct field from a map entry', () => {
    const configMap = builtinFieldType('', 'v1', 'ConfigMap') as MapType;
    expect(configMap.field('data').declared).toBe(true);
    expect((configMap.field('data').type as MapType).field('key').declared).toBe(false);
  });

  it('builds the Go zero value of a kind: by-value structs empty, non-omitempty slices null', () => {
    expect(builtinEmptyObject('apps', 'v1', 'Deployment')).toEqual({
      metadata: { creationTimestamp: null },
      spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
      status: {},
    });
    expect(builtinEmptyObject('', 'v1', 'ConfigMap')).toEqual({ metadata: { creationTimestamp: null } });
    expect(builtinFieldType('example.com', 'v1', 'Nothing')).toBeUndefined();
  });
});
