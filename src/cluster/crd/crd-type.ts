import { builtin, record, records } from '../builtins/define.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { KubeObject, PrinterColumn, ResourceType } from '../resource-type.ts';
import { jsonEqual } from '../../core/json.ts';
import { checkStructuralSchema } from './schema-structural.ts';

/** The fixed, unsorted verb order upstream lists for custom resources (apiserver-spec §1.2). */
const crVerbs = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const terminatingCrVerbs = ['delete', 'deletecollection', 'get', 'list', 'watch'];

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const kindName = /^[A-Za-z][A-Za-z0-9]*$/;

/** CRD names must be `<plural>.<group>` with a dotted group (§9.1). */
function validateCrd(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = record(obj.spec) ?? {};
  const names = record(spec.names) ?? {};
  const group = spec.group;
  if (typeof group !== 'string' || group === '') errors.push(fieldError.required('spec.group', ''));
  else if (!group.includes('.')) errors.push(fieldError.invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (typeof names.plural !== 'string' || names.plural === '') errors.push(fieldError.required('spec.names.plural', ''));
  else if (!dnsLabel.test(names.plural)) errors.push(fieldError.invalid('spec.names.plural', names.plural, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character'));
  if (names.singular !== undefined && (typeof names.singular !== 'string' || !dnsLabel.test(names.singular))) {
    errors.push(fieldError.invalid('spec.names.singular', names.singular, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character'));
  }
  if (typeof names.kind !== 'string' || names.kind === '') errors.push(fieldError.required('spec.names.kind', ''));
  else if (!kindName.test(names.kind)) errors.push(fieldError.invalid('spec.names.kind', names.kind, 'may have mixed case, but should otherwise match: ^[a-z]([-a-z0-9]*[a-z0-9])?$'));
  if (typeof names.plural === 'string' && typeof group === 'string' && obj.metadata.name !== `${names.plural}.${group}`) {
    errors.push(fieldError.invalid('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  const scopes = ['Cluster', 'Namespaced'];
  if (!scopes.includes(spec.scope as string)) errors.push(fieldError.notSupported('spec.scope', spec.scope ?? '', scopes));
  const versions = records(spec.versions);
  const storageVersions = versions.filter((v) => v.storage === true).length;
  if (versions.length === 0) errors.push(fieldError.invalid('spec.versions', spec.versions ?? null, 'must have exactly one version marked as storage version'));
  else if (storageVersions !== 1) {
    errors.push(fieldError.invalid('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version'));
  }
  if (storageVersions === 0 && (record(obj.status)?.storedVersions as unknown[] | undefined)?.length !== 1) {
    errors.push({ type: 'FieldValueInvalid', field: 'status.storedVersions', message: 'status.storedVersions: Invalid value: []string(nil): must have at least one stored version' });
  }
  const seen = new Set<string>();
  // Upstream hoists a schema shared by every version to spec.validation and reports its errors there, once.
  const schemas = versions.map((v) => record(record(v.schema)?.openAPIV3Schema));
  const shared = schemas.length > 0 && schemas.every((schema) => schema && jsonEqual(schema, schemas[0]));
  if (shared) errors.push(...checkStructuralSchema(schemas[0]!, 'spec.validation.openAPIV3Schema'));
  versions.forEach((version, i) => {
    const path = `spec.versions[${i}]`;
    if (typeof version.name !== 'string' || !dnsLabel.test(version.name)) errors.push(fieldError.invalid(`${path}.name`, version.name ?? '', 'a DNS-1035 label must consist of lower case alphanumeric characters'));
    else if (seen.has(version.name)) errors.push(fieldError.duplicate(`${path}.name`, version.name));
    else seen.add(version.name);
    if (shared) return;
    const schema = schemas[i];
    if (!schema) errors.push(fieldError.required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
    else errors.push(...checkStructuralSchema(schema, `${path}.schema.openAPIV3Schema`));
  });
  return errors;
}

/** The CRD resource itself. */
export const crdResourceType: ResourceType = builtin({
  group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition',
  namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], status: true,
  tracksGeneration: true, requiresResourceVersionOnUpdate: true,
  strategy: {
    prepareForCreate(obj) {
      const spec = record(obj.spec)!;
      const names = record(spec.names)!;
      names.singular ??= String(names.kind ?? '').toLowerCase();
      names.listKind ??= `${names.kind}List`;
      spec.conversion ??= { strategy: 'None' };
    },
    prepareForUpdate(obj) {
      const spec = record(obj.spec);
      const names = record(spec?.names);
      if (spec && names) {
        names.singular ??= String(names.kind ?? '').toLowerCase();
        names.listKind ??= `${names.kind}List`;
        spec.conversion ??= { strategy: 'None' };
      }
    },
    initialStatus(obj) {
      const storage = records(record(obj.spec)?.versions).find((v) => v.storage === true);
      // No controller has looked at it yet: Go prints the empty condition list as null.
      return { conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: storage ? [storage.name] : [] };
    },
    validate: (obj, ctx) => (ctx.statusWrite ? [] : validateCrd(obj)),
  },
});

function conditionTrue(crd: KubeObject, type: string): boolean {
  return records(record(crd.status)?.conditions).some((c) => c.type === type && c.status === 'True');
}

/** True while a CRD is Established: discovery and OpenAPI list it only then (§9.2). */
export function isEstablished(crd: KubeObject): boolean {
  return conditionTrue(crd, 'Established');
}

export function isTerminating(crd: KubeObject): boolean {
  return conditionTrue(crd, 'Terminating');
}

/** Whether the REST endpoints serve the CRD's resources: NamesAccepted or Established (§9.2). */
export function isServed(crd: KubeObject): boolean {
  return conditionTrue(crd, 'NamesAccepted') || isEstablished(crd);
}

/** The resource types a CRD defines: one per served version. */
export function resourceTypesOfCrd(crd: KubeObject): ResourceType[] {
  const spec = record(crd.spec)!;
  const names = (record(record(crd.status)?.acceptedNames)?.plural ? record(record(crd.status)?.acceptedNames) : record(spec.names))!;
  const versions = records(spec.versions);
  const storageVersion = String(versions.find((v) => v.storage === true)?.name ?? versions[0]?.name);
  const terminating = isTerminating(crd);
  return versions
    .filter((v) => v.served !== false)
    .map((version) => {
      const subresources = record(version.subresources) ?? {};
      const scale = record(subresources.scale);
      return {
        group: String(spec.group),
        version: String(version.name),
        plural: String(names.plural),
        singular: String(names.singular ?? String(names.kind).toLowerCase()),
        kind: String(names.kind),
        listKind: String(names.listKind ?? `${names.kind}List`),
        namespaced: spec.scope === 'Namespaced',
        shortNames: (names.shortNames as string[] | undefined) ?? [],
        categories: (names.categories as string[] | undefined) ?? [],
        verbs: terminating ? terminatingCrVerbs : crVerbs,
        status: subresources.status !== undefined,
        scale: scale
          ? {
              specReplicasPath: String(scale.specReplicasPath),
              statusReplicasPath: String(scale.statusReplicasPath),
              labelSelectorPath: scale.labelSelectorPath as string | undefined,
            }
          : undefined,
        extraSubresources: [],
        tracksGeneration: true,
        requiresResourceVersionOnUpdate: true,
        createOnUpdate: false,
        returnsDeletedObject: false,
        gracefulDeletion: false,
        defaultPropagation: 'Background',
        nameRule: 'path',
        ephemeral: false,
        builtin: false,
        strategy: {},
        schema: record(record(version.schema)?.openAPIV3Schema),
        // An empty list still marks a custom resource: its table is Name + Age, not a built-in's default.
        printerColumns: (version.additionalPrinterColumns as PrinterColumn[] | undefined) ?? [],
        selectableFields: records(version.selectableFields).map((f) => String(f.jsonPath).replace(/^\./, '')),
        storageVersion,
        crdName: crd.metadata.name,
      } satisfies ResourceType;
    });
}
