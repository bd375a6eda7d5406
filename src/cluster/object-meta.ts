import { fieldError, type FieldError } from './errors.ts';
import type { NameRule, ObjectMeta } from './resource-type.ts';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Name rules per kind (apiserver-spec §3.1). */
export function validateName(name: string, rule: NameRule, field = 'metadata.name'): FieldError[] {
  if (name === '.' || name === '..') return [fieldError.invalid(field, name, `may not be '${name}'`)];
  if (name.includes('/')) return [fieldError.invalid(field, name, "may not contain '/'")];
  if (name.includes('%')) return [fieldError.invalid(field, name, "may not contain '%'")];
  switch (rule) {
    case 'label':
      if (name.length > 63) return [fieldError.invalid(field, name, 'must be no more than 63 characters')];
      return label.test(name) ? [] : [fieldError.invalid(field, name, labelMessage)];
    case 'dns1035':
      if (name.length > 63) return [fieldError.invalid(field, name, 'must be no more than 63 characters')];
      return dns1035.test(name) ? [] : [fieldError.invalid(field, name, dns1035Message)];
    case 'subdomain':
    case 'path':
      if (name.length > 253) return [fieldError.invalid(field, name, 'must be no more than 253 characters')];
      return subdomain.test(name) ? [] : [fieldError.invalid(field, name, subdomainMessage)];
  }
}

/** `[prefix/]name` with a DNS-subdomain prefix, as label and annotation keys are (§3.1). */
function validateQualifiedName(key: string, field: string): FieldError[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const problems: string[] = [];
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !subdomain.test(prefix))) {
    problems.push(prefix.length === 0 ? 'prefix part must be non-empty' : `prefix part ${subdomainMessage}`);
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  else if (!qualifiedNamePart.test(name)) {
    problems.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  }
  return problems.map((p) => fieldError.invalid(field, key, p));
}

export function validateLabels(labels: unknown): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) return [fieldError.typeInvalid('metadata.labels', labels, 'must be a map of strings')];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    errors.push(...validateQualifiedName(key, 'metadata.labels'));
    if (typeof value !== 'string') errors.push(fieldError.typeInvalid(`metadata.labels.${key}`, value, 'must be a string'));
    else if (value.length > 63) errors.push(fieldError.invalid('metadata.labels', value, 'must be no more than 63 characters'));
    else if (value !== '' && !qualifiedNamePart.test(value)) {
      errors.push(fieldError.invalid('metadata.labels', value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
    }
  }
  return errors;
}

const annotationLimit = 256 * 1024;

export function validateAnnotations(annotations: unknown): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations)) return [fieldError.typeInvalid('metadata.annotations', annotations, 'must be a map of strings')];
  const errors: FieldError[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
    errors.push(...validateQualifiedName(key.toLowerCase(), 'metadata.annotations'));
    total += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (total > annotationLimit) errors.push(fieldError.tooLong('metadata.annotations', annotationLimit));
  return errors;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/**
 * Built-ins need standard or domain-qualified finalizer names; CRs accept any
 * name with a warning, which is returned separately (§3.1).
 */
export function validateFinalizers(finalizers: unknown, builtinKind: boolean): { errors: FieldError[]; warnings: string[] } {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  if (finalizers === undefined || finalizers === null) return { errors, warnings };
  if (!Array.isArray(finalizers)) return { errors: [fieldError.typeInvalid('metadata.finalizers', finalizers, 'must be a list of strings')], warnings };
  finalizers.forEach((name, i) => {
    if (typeof name !== 'string') {
      errors.push(fieldError.typeInvalid(`metadata.finalizers[${i}]`, name, 'must be a string'));
      return;
    }
    if (standardFinalizers.has(name)) return;
    if (name.includes('/')) {
      errors.push(...validateQualifiedName(name, `metadata.finalizers[${i}]`));
      return;
    }
    if (builtinKind) errors.push(fieldError.invalid(`metadata.finalizers[${i}]`, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    else warnings.push(`metadata.finalizers: "${name}": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers`);
  });
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errors.push(fieldError.invalid('metadata.finalizers', 'foregroundDeletion', 'finalizer foregroundDeletion and orphan cannot be both set'));
  }
  return { errors, warnings };
}

export function validateOwnerReferences(refs: unknown): FieldError[] {
  if (refs === undefined || refs === null) return [];
  if (!Array.isArray(refs)) return [fieldError.typeInvalid('metadata.ownerReferences', refs, 'must be a list')];
  const errors: FieldError[] = [];
  let controllers = 0;
  refs.forEach((ref, i) => {
    const path = `metadata.ownerReferences[${i}]`;
    const r = (ref ?? {}) as Record<string, unknown>;
    if (typeof r.apiVersion !== 'string' || r.apiVersion === '') errors.push(fieldError.invalid(`${path}.apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
    if (typeof r.kind !== 'string' || r.kind === '') errors.push(fieldError.invalid(`${path}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (typeof r.name !== 'string' || r.name === '') errors.push(fieldError.invalid(`${path}.name`, r.name ?? '', 'name must not be empty'));
    if (typeof r.uid !== 'string' || r.uid === '') errors.push(fieldError.invalid(`${path}.uid`, r.uid ?? '', 'uid must not be empty'));
    if (r.controller === true) controllers++;
  });
  if (controllers > 1) {
    errors.push(fieldError.invalid('metadata.ownerReferences', refs, 'Only one reference can have Controller set to true'));
  }
  return errors;
}

/** All of ObjectMeta's own rules for a write; `old` is the stored object on updates. */
export function validateObjectMeta(meta: ObjectMeta, nameRule: NameRule, builtinKind: boolean): { errors: FieldError[]; warnings: string[] } {
  const errors: FieldError[] = [];
  if (meta.name) errors.push(...validateName(meta.name, nameRule));
  errors.push(...validateLabels(meta.labels));
  errors.push(...validateAnnotations(meta.annotations));
  errors.push(...validateOwnerReferences(meta.ownerReferences));
  const finalizers = validateFinalizers(meta.finalizers, builtinKind);
  return { errors: [...errors, ...finalizers.errors], warnings: finalizers.warnings };
}

const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix of generateName, from upstream's alphabet (§3.1). */
export function randomNameSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
  return suffix;
}
