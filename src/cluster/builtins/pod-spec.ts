import { fieldError, type FieldError } from '../errors.ts';
import { child, record, records, setDefault } from './define.ts';

/** Image pull policy default: Always for `:latest` or untagged images. */
function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  if (image.includes('@')) return 'IfNotPresent';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: Record<string, unknown>): void {
  setDefault(container, 'imagePullPolicy', defaultPullPolicy(container.image));
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'resources', {});
  for (const port of records(container.ports)) setDefault(port, 'protocol', 'TCP');
}

/** The defaults the server fills into every pod spec, in pods and pod templates alike (§11). */
export function defaultPodSpec(spec: Record<string, unknown>): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of records(spec.containers)) defaultContainer(c);
  for (const c of records(spec.initContainers)) defaultContainer(c);
}

/** Defaults of a standalone pod on top of the spec's: the admission plugins' additions. */
export function defaultPodOnlyFields(spec: Record<string, unknown>): void {
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = Array.isArray(spec.tolerations) ? [...spec.tolerations] : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => record(t)?.key === key)) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

/** Defaults inside a pod template (`spec.template`) of a workload kind. */
export function defaultPodTemplate(template: unknown): void {
  const t = record(template);
  if (!t) return;
  defaultTemplateMetadata(t);
  defaultPodSpec(child(t, 'spec'));
}

/** An embedded ObjectMeta in a built-in prints Go's zero creationTimestamp: `null`. */
export function defaultTemplateMetadata(template: Record<string, unknown>): void {
  const metadata = child(template, 'metadata');
  if (metadata.creationTimestamp === undefined) metadata.creationTimestamp = null;
}

const restartPolicies = ['Always', 'OnFailure', 'Never'];

/** The validation a pod spec gets wherever it appears. */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const s = record(spec);
  if (!s) return [fieldError.required(path, '')];
  const containers = records(s.containers);
  if (containers.length === 0) errors.push(fieldError.required(`${path}.containers`, ''));
  const names = new Set<string>();
  const check = (list: Record<string, unknown>[], listPath: string) =>
    list.forEach((c, i) => {
      const name = c.name;
      if (typeof name !== 'string' || name === '') errors.push(fieldError.required(`${listPath}[${i}].name`, ''));
      else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63)
        errors.push(fieldError.invalid(`${listPath}[${i}].name`, name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
      else if (names.has(name)) errors.push(fieldError.duplicate(`${listPath}[${i}].name`, name));
      else names.add(name);
      if (typeof c.image !== 'string' || c.image === '') errors.push(fieldError.required(`${listPath}[${i}].image`, ''));
    });
  check(containers, `${path}.containers`);
  check(records(s.initContainers), `${path}.initContainers`);
  if (s.restartPolicy !== undefined && !restartPolicies.includes(s.restartPolicy as string)) {
    errors.push(fieldError.notSupported(`${path}.restartPolicy`, s.restartPolicy, restartPolicies));
  }
  return errors;
}
