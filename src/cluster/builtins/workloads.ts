import { labelSelectorFromObject } from '../../core/label-selector.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { KubeObject, ResourceType, Strategy } from '../resource-type.ts';
import { builtin, child, record, setDefault } from './define.ts';
import { defaultPodTemplate, defaultTemplateMetadata, validatePodSpec } from './pod-spec.ts';

const replicasScale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

/** The checks every selector-plus-template workload shares: selector required, matching, immutable (apps/v1). */
function validateSelectorAndTemplate(obj: KubeObject, old: KubeObject | undefined, templatePath = 'spec.template'): FieldError[] {
  const errors: FieldError[] = [];
  const spec = record(obj.spec) ?? {};
  const selector = record(spec.selector);
  const template = record(spec.template);
  const labels = (record(record(template?.metadata)?.labels) ?? {}) as Record<string, string>;
  if (!selector || (!record(selector.matchLabels) && !Array.isArray(selector.matchExpressions))) {
    errors.push(fieldError.required('spec.selector', ''));
  } else {
    try {
      if (!labelSelectorFromObject(selector).matches(labels)) {
        errors.push(fieldError.invalid(`${templatePath}.metadata.labels`, labels, '`selector` does not match template `labels`'));
      }
    } catch (e) {
      errors.push(fieldError.invalid('spec.selector', selector, (e as Error).message));
    }
  }
  if (old) {
    const oldSelector = record(old.spec)?.selector;
    if (oldSelector && JSON.stringify(oldSelector) !== JSON.stringify(selector)) {
      errors.push(fieldError.invalid('spec.selector', selector, 'field is immutable'));
    }
  }
  errors.push(...validatePodSpec(record(template)?.spec, `${templatePath}.spec`));
  return errors;
}

function workloadStrategy(defaults: (spec: Record<string, unknown>) => void): Strategy {
  return {
    prepareForCreate(obj) {
      const spec = child(obj, 'spec');
      defaults(spec);
      defaultPodTemplate(spec.template);
    },
    prepareForUpdate(obj) {
      const spec = child(obj, 'spec');
      defaults(spec);
      defaultPodTemplate(spec.template);
    },
    validate: (obj, ctx) => (ctx.statusWrite ? [] : validateSelectorAndTemplate(obj, ctx.old)),
    initialStatus: () => ({}),
  };
}

const deployments = builtin({
  group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true,
  shortNames: ['deploy'], categories: ['all'], status: true, scale: replicasScale, tracksGeneration: true, generationCountsAnnotations: true,
  strategy: workloadStrategy((spec) => {
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'strategy', { type: 'RollingUpdate' });
    const strategy = child(spec, 'strategy');
    if (strategy.type === 'RollingUpdate') setDefault(strategy, 'rollingUpdate', { maxUnavailable: '25%', maxSurge: '25%' });
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
  }),
});

const replicaSets = builtin({
  group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true,
  shortNames: ['rs'], categories: ['all'], status: true, scale: replicasScale, tracksGeneration: true,
  strategy: {
    ...workloadStrategy((spec) => setDefault(spec, 'replicas', 1)),
    initialStatus: () => ({ replicas: 0 }),
    fieldSelectors: { 'status.replicas': (o) => String(record(o.status)?.replicas ?? 0) },
  },
});

const statefulSets = builtin({
  group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true,
  shortNames: ['sts'], categories: ['all'], status: true, scale: replicasScale, tracksGeneration: true,
  strategy: workloadStrategy((spec) => {
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
  }),
});

const daemonSets = builtin({
  group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true,
  shortNames: ['ds'], categories: ['all'], status: true, tracksGeneration: true,
  strategy: workloadStrategy((spec) => {
    setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    setDefault(spec, 'revisionHistoryLimit', 10);
  }),
});

const jobRestartPolicies = ['OnFailure', 'Never'];

/** Jobs get a generated selector on their own uid and labels on the template (§11). */
function prepareJob(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  setDefault(spec, 'parallelism', 1);
  if (spec.completions === undefined) spec.completions = 1;
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  const template = child(spec, 'template');
  defaultPodTemplate(template);
  if (spec.manualSelector !== true) {
    const uid = obj.metadata.uid!;
    const name = obj.metadata.name!;
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    const meta = child(template, 'metadata');
    meta.labels = {
      ...(record(meta.labels) ?? {}),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
  }
}

const jobs = builtin({
  group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true,
  categories: ['all'], status: true, tracksGeneration: true, defaultPropagation: 'Orphan',
  strategy: {
    prepareForCreate: prepareJob,
    initialStatus: () => ({}),
    validate(obj, ctx) {
      if (ctx.statusWrite) return [];
      const errors = validateSelectorAndTemplate(obj, ctx.old);
      const policy = record(record(record(obj.spec)?.template)?.spec)?.restartPolicy;
      if (!jobRestartPolicies.includes(policy as string)) {
        errors.push(fieldError.notSupported('spec.template.spec.restartPolicy', policy ?? 'Always', jobRestartPolicies));
      }
      if (ctx.old && JSON.stringify(record(obj.spec)?.template) !== JSON.stringify(record(ctx.old.spec)?.template)) {
        errors.push(fieldError.invalid('spec.template', record(obj.spec)?.template, 'field is immutable'));
      }
      return errors;
    },
    fieldSelectors: { 'status.successful': (o) => String(record(o.status)?.succeeded ?? 0) },
  },
});

const cronJobs = builtin({
  group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob', namespaced: true,
  shortNames: ['cj'], categories: ['all'], status: true, tracksGeneration: true,
  strategy: {
    prepareForCreate(obj) {
      const spec = child(obj, 'spec');
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      const jobTemplate = child(spec, 'jobTemplate');
      defaultTemplateMetadata(jobTemplate);
      defaultPodTemplate(child(jobTemplate, 'spec').template);
    },
    initialStatus: () => ({}),
    validate(obj) {
      const spec = record(obj.spec) ?? {};
      const errors: FieldError[] = [];
      if (typeof spec.schedule !== 'string' || spec.schedule.trim() === '') errors.push(fieldError.required('spec.schedule', ''));
      errors.push(...validatePodSpec(record(record(record(spec.jobTemplate)?.spec)?.template)?.spec, 'spec.jobTemplate.spec.template.spec'));
      return errors;
    },
  },
});

/** apps/v1 and batch/v1. */
export function workloadTypes(): ResourceType[] {
  return [
    deployments,
    replicaSets,
    statefulSets,
    daemonSets,
    builtin({ group: 'apps', version: 'v1', plural: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true }),
    jobs,
    cronJobs,
  ];
}
