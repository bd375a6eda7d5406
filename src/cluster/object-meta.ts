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
      if (label.test(name)) return [];
      // A valid subdomain that is no label can only be one with dots: upstream says so plainly.
      return [fieldError.invalid(field, name, subdomain.test(name) ? 'must not contain dots' : labelMessage)];
    case 'dns1035':
      if (name.length > 63) return [fieldError.invalid(field, name, 'must be no more than 63 characters')];
      return dns1035.test(name) ? [] : [fieldError.invalid(field, name, dns1035Message)];
    case 'subdomain':
    case 'path':
      if (name.length > 253) return [fieldError.invalid(field, name, 'must be no more than 253 characters')];
      return subdomain.test(name) ? [] : [fieldError.invalid(field, name, subdomainMessage)];
  }
}

const qualifiedNameMessage =
  "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

/** `[prefix/]name` with a DNS-subdomain prefix, as label and annotation keys are (§3.1). */
export function validateQualifiedName(key: string, field: string): FieldError[] {
  if (key.split('/').length > 2) return [fieldError.invalid(field, key, qualifiedNameMessage)];
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const problems: string[] = [];
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !subdomain.test(prefix))) {
    problems.push(prefix.length === 0 ? 'prefix part must be non-empty' : `prefix part ${subdomainMessage}`);
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  // The character rule is checked on its own: an empty name breaks it too.
  if (!qualifiedNamePart.test(name)) {
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
 * How a kind treats finalizer names without a `/` prefix (apiserver-spec §3.1):
 * most built-ins refuse them, some built-in groups accept any qualified name,
 * custom resources accept them with a warning.
 */
export type FinalizerRule = 'prefixed' | 'qualified' | 'warn';

/** Finalizer names must be qualified names; the rule says what an unprefixed one costs. */
export function validateFinalizers(finalizers: unknown, rule: FinalizerRule): { errors: FieldError[]; warnings: string[] } {
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
    // Upstream checks the name against the list as a whole, without an index.
    errors.push(...validateQualifiedName(name, 'metadata.finalizers'));
    if (name.includes('/')) return;
    if (rule === 'prefixed') errors.push(fieldError.invalid(`metadata.finalizers[${i}]`, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    else if (rule === 'warn') warnings.push(`metadata.finalizers: "${name}": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers`);
  });
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errors.push(goValueError('metadata.finalizers', goStringSlice(finalizers), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return { errors, warnings };
}

export function validateOwnerReferences(refs: unknown): FieldError[] {
  if (refs === undefined || refs === null) return [];
  if (!Array.isArray(refs)) return [fieldError.typeInvalid('metadata.ownerReferences', refs, 'must be a list')];
  const errors: FieldError[] = [];
  // Upstream names the fields of every reference without an index.
  const path = 'metadata.ownerReferences';
  for (const ref of refs) {
    const r = (ref ?? {}) as Record<string, unknown>;
    if (typeof r.apiVersion !== 'string' || r.apiVersion === '') errors.push(fieldError.invalid(`${path}.apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
    if (typeof r.kind !== 'string' || r.kind === '') errors.push(fieldError.invalid(`${path}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (typeof r.name !== 'string' || r.name === '') errors.push(fieldError.invalid(`${path}.name`, r.name ?? '', 'name must not be empty'));
    if (typeof r.uid !== 'string' || r.uid === '') errors.push(fieldError.invalid(`${path}.uid`, r.uid ?? '', 'uid must not be empty'));
  }
  const controllers = (refs as Array<Record<string, unknown>>).filter((r) => r?.controller === true);
  if (controllers.length > 1) {
    const names = controllers.map((r) => `${r.kind}/${r.name}`).join(' and ');
    errors.push(goValueError(path, goOwnerReferences(refs as Array<Record<string, unknown>>), `Only one reference can have Controller set to true. Found "true" in references for ${names}`));
  }
  return errors;
}

/** A FieldValueInvalid whose value is already rendered as Go prints it (`%#v`), as upstream's messages show slices and structs. */
function goValueError(field: string, goValue: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `${field}: Invalid value: ${goValue}: ${detail}` };
}

function goStringSlice(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** Owner references in Go's `%#v` form; pointer fields print as addresses, which differ per process anyway. */
function goOwnerReferences(refs: Array<Record<string, unknown>>): string {
  const pointer = (value: unknown, i: number, offset: number) => (value === undefined || value === null ? '(*bool)(nil)' : `(*bool)(0xc000${(i * 16 + offset).toString(16).padStart(6, '0')})`);
  const items = refs.map(
    (r, i) =>
      `v1.OwnerReference{APIVersion:${JSON.stringify(String(r.apiVersion ?? ''))}, Kind:${JSON.stringify(String(r.kind ?? ''))}, Name:${JSON.stringify(String(r.name ?? ''))}, UID:${JSON.stringify(String(r.uid ?? ''))}, Controller:${pointer(r.controller, i, 0)}, BlockOwnerDeletion:${pointer(r.blockOwnerDeletion, i, 8)}}`,
  );
  return `[]v1.OwnerReference{${items.join(', ')}}`;
}

/** The outcome of ObjectMeta validation, split the way upstream repeats its errors on updates. */
export interface ObjectMetaProblems {
  /** Names, labels, annotations and owner references. */
  content: FieldError[];
  finalizers: FieldError[];
  /** Accepted but frowned upon (CR finalizer names without a domain). */
  warnings: string[];
}

/** All of ObjectMeta's own rules for a write, in upstream's order. */
export function validateObjectMeta(meta: ObjectMeta, nameRule: NameRule, finalizerRule: FinalizerRule): ObjectMetaProblems {
  const content: FieldError[] = [];
  if (meta.generateName) {
    // A prefix may end in a dash, which the generated suffix then follows.
    const prefix = meta.generateName.replace(/-$/, 'a');
    content.push(...validateName(prefix, nameRule, 'metadata.generateName').map((e) => ({ ...e, message: e.message.replace(JSON.stringify(prefix), JSON.stringify(meta.generateName)) })));
  }
  if (meta.name) content.push(...validateName(meta.name, nameRule));
  content.push(...validateLabels(meta.labels));
  content.push(...validateAnnotations(meta.annotations));
  content.push(...validateOwnerReferences(meta.ownerReferences));
  const finalizers = validateFinalizers(meta.finalizers, finalizerRule);
  return { content, finalizers: finalizers.errors, warnings: finalizers.warnings };
}

const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix of generateName, from upstream's alphabet (§3.1). */
export function randomNameSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
  return suffix;
}
