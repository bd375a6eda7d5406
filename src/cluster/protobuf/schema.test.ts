import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { kubernetesMessages } from './schema.ts';

function allTypes(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return namespace.nestedArray.flatMap((nested) => [
    ...(nested instanceof protobuf.Type ? [nested] : []),
    ...(nested instanceof protobuf.Namespace ? allTypes(nested) : []),
  ]);
}

describe('the protobuf schema', () => {
  const types = allTypes(kubernetesMessages);

  it('loads every file, with JSON field names kept as written', () => {
    expect(types.length).toBeGreaterThan(100);
    const container = kubernetesMessages.lookupType('core.v1.Container');
    expect(container.fieldsById[14].name).toBe('imagePullPolicy');
    expect(kubernetesMessages.lookupType('core.v1.PodSpec').fieldsById[12].name).toBe('hostPID');
  });

  it('uses only the scalar types the reader understands, and string map keys', () => {
    for (const type of types) {
      for (const field of type.fieldsArray) {
        if (field.resolvedType === null) expect(['string', 'bytes', 'bool', 'int32', 'int64'], `${type.fullName}.${field.name}`).toContain(field.type);
        if (field instanceof protobuf.MapField) expect(field.keyType, `${type.fullName}.${field.name}`).toBe('string');
      }
    }
  });

  it('marks inline fields only on message fields', () => {
    const inline = types.flatMap((type) => type.fieldsArray.filter((field) => field.options?.['(inline)'] === true));
    expect(inline.map((field) => `${field.parent?.name}.${field.name}`)).toContain('Volume.volumeSource');
    for (const field of inline) expect(field.resolvedType).toBeInstanceOf(protobuf.Type);
  });
});
