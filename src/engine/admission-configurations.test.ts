/**
 * The managed webhook configurations: the webhooks built from the handlers (names, rules, selectors,
 * client configurations), and the requests that create, reconfigure and trim the configurations —
 * against a recording client, so that refusals (exists, forbidden) are easy to produce.
 */
import { describe, expect, it } from 'vitest';
import type { Api } from '../client/api.ts';
import { apiErrorFor } from '../client/errors.ts';
import { ABSENT, PRESENT } from '../core/filters.ts';
import type { WebhookHandler } from '../registry/handlers.ts';
import { Registry } from '../registry/registry.ts';
import { kopfExamples } from '../../test/support/resources.ts';
import { buildWebhooks, handlerClientConfig, ManagedAdmissionConfigurations, webhookName } from './admission-configurations.ts';
import { createLogger } from './logging.ts';

function webhookHandlers(registry: Registry): WebhookHandler[] {
  return registry.handlers.filter((handler): handler is WebhookHandler => handler.family === 'webhooks');
}

function apiError(code: number): Error {
  const request = { verb: 'create', resource: 'validatingwebhookconfigurations', path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations' };
  return apiErrorFor(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message: 'refused' }, { request });
}

function recordingApi(createError?: Error) {
  const sent: { verb: string; kind: string; name?: string; body: unknown }[] = [];
  const api = {
    async create(object: { kind: string }) {
      sent.push({ verb: 'create', kind: object.kind, body: object });
      if (createError) throw createError;
      return object;
    },
    async patch(kind: { kind: string }, name: string, body: unknown) {
      sent.push({ verb: 'patch', kind: kind.kind, name, body });
      return {};
    },
  } as unknown as Api;
  return { api, sent };
}

function logged() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', format: 'plain', output: { write: (text: string) => lines.push(text.trimEnd()) } }) };
}

describe('webhook names and client configurations', () => {
  it('makes DNS names of handler ids, suffixed with the managed name', () => {
    expect(webhookName('check_spec/field', 'auto.kopf.dev')).toBe('check-spec.field.auto.kopf.dev');
    expect(webhookName('validateFn', 'auto.kopf.dev')).toBe('validatefn.auto.kopf.dev');
    expect(webhookName('a b', 'x.y')).toBe('a-x20-b.x.y');
  });

  it('appends the URL-quoted id to the URL or to the service path', () => {
    expect(handlerClientConfig({ url: 'https://localhost:9443/hooks/', caBundle: 'Q0E=' }, 'parent/child one')).toEqual({
      url: 'https://localhost:9443/hooks/parent/child%20one',
      caBundle: 'Q0E=',
    });
    expect(handlerClientConfig({ service: { namespace: 'ns', name: 'svc', path: '/hooks' } }, 'check')).toEqual({ service: { namespace: 'ns', name: 'svc', path: '/hooks/check' } });
    expect(handlerClientConfig({ service: { namespace: 'ns', name: 'svc' } }, 'check')).toEqual({ service: { namespace: 'ns', name: 'svc', path: '/check' } });
  });
});

describe('building the webhooks of a configuration', () => {
  it('makes one webhook per handler with its rules, selector and client configuration', () => {
    const registry = new Registry();
    registry.on.validate('kopfexamples', { labels: { app: 'x', tier: PRESENT, old: ABSENT, dynamic: () => true } }, function check() {});
    registry.on.validate('kopfexamples', { operations: ['CREATE', 'UPDATE'], subresource: 'status', sideEffects: true, ignoreFailures: true, persistent: true }, function statusCheck() {});
    registry.on.validate('deployments', function other() {});
    const webhooks = buildWebhooks(webhookHandlers(registry), { resources: [kopfExamples], managed: 'auto.kopf.dev', clientConfig: { url: 'https://localhost:1', caBundle: 'Q0E=' } });
    expect(webhooks).toEqual([
      {
        name: 'check.auto.kopf.dev',
        sideEffects: 'None',
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        rules: [{ apiGroups: ['kopf.dev'], apiVersions: ['v1'], resources: ['kopfexamples'], operations: ['*'], scope: '*' }],
        objectSelector: {
          matchExpressions: [
            { key: 'app', operator: 'In', values: ['x'] },
            { key: 'tier', operator: 'Exists' },
            { key: 'old', operator: 'DoesNotExist' },
          ],
        },
        clientConfig: { url: 'https://localhost:1/check', caBundle: 'Q0E=' },
        timeoutSeconds: 30,
        admissionReviewVersions: ['v1', 'v1beta1'],
      },
      {
        name: 'statuscheck.auto.kopf.dev',
        sideEffects: 'NoneOnDryRun',
        failurePolicy: 'Ignore',
        matchPolicy: 'Equivalent',
        rules: [{ apiGroups: ['kopf.dev'], apiVersions: ['v1'], resources: ['kopfexamples/status'], operations: ['CREATE', 'UPDATE'], scope: '*' }],
        clientConfig: { url: 'https://localhost:1/statusCheck', caBundle: 'Q0E=' },
        timeoutSeconds: 30,
        admissionReviewVersions: ['v1', 'v1beta1'],
      },
      expect.objectContaining({ name: 'other.auto.kopf.dev', rules: [] }),
    ]);
    const persistent = buildWebhooks(webhookHandlers(registry), { resources: [kopfExamples], managed: 'auto.kopf.dev', clientConfig: { url: 'https://localhost:1' }, persistentOnly: true });
    expect(persistent.map((webhook) => webhook.name)).toEqual(['statuscheck.auto.kopf.dev']);
  });
});

describe('the managed configurations', () => {
  function validatorRegistry(): Registry {
    const registry = new Registry();
    registry.on.validate('kopfexamples', function check() {});
    registry.on.mutate('kopfexamples', { persistent: true }, function fill() {});
    return registry;
  }

  it('creates both configurations, then patches their webhooks and trims them to the persistent ones', async () => {
    const { api, sent } = recordingApi();
    const { logger, lines } = logged();
    const managed = new ManagedAdmissionConfigurations(api, validatorRegistry(), 'auto.kopf.dev', logger);
    await managed.create();
    await managed.reconfigure({ url: 'https://localhost:1' }, [kopfExamples]);
    await managed.cleanUp({ url: 'https://localhost:1' }, [kopfExamples]);
    const names = (body: unknown) => (body as { webhooks: { name: string }[] }).webhooks.map((webhook) => webhook.name);
    expect(sent.map((request) => [request.verb, request.kind, request.verb === 'patch' ? names(request.body) : (request.body as { metadata: unknown }).metadata])).toEqual([
      ['create', 'ValidatingWebhookConfiguration', { name: 'auto.kopf.dev' }],
      ['create', 'MutatingWebhookConfiguration', { name: 'auto.kopf.dev' }],
      ['patch', 'ValidatingWebhookConfiguration', ['check.auto.kopf.dev']],
      ['patch', 'MutatingWebhookConfiguration', ['fill.auto.kopf.dev']],
      ['patch', 'ValidatingWebhookConfiguration', []],
      ['patch', 'MutatingWebhookConfiguration', ['fill.auto.kopf.dev']],
    ]);
    expect(lines).toEqual([
      'Reconfiguring the validating webhook auto.kopf.dev.',
      'Reconfiguring the mutating webhook auto.kopf.dev.',
      'Cleaning up the admission webhook auto.kopf.dev.',
    ]);
  });

  it('ignores configurations that exist already', async () => {
    const { api } = recordingApi(apiError(409));
    await expect(new ManagedAdmissionConfigurations(api, validatorRegistry(), 'auto.kopf.dev', logged().logger).create()).resolves.toBeUndefined();
  });

  it('fails with a log line when not permitted to create them', async () => {
    const { api } = recordingApi(apiError(403));
    const { logger, lines } = logged();
    await expect(new ManagedAdmissionConfigurations(api, validatorRegistry(), 'auto.kopf.dev', logger).create()).rejects.toMatchObject({ code: 403 });
    expect(lines).toEqual(['Not enough RBAC permissions to create a validatingwebhookconfigurations.v1.admissionregistration.k8s.io.']);
  });

  it('does not clean up what it never configured', async () => {
    const { api, sent } = recordingApi();
    await new ManagedAdmissionConfigurations(api, validatorRegistry(), 'auto.kopf.dev', logged().logger).cleanUp({ url: 'https://localhost:1' }, [kopfExamples]);
    expect(sent).toEqual([]);
  });
});
