/**
 * Managed admission configurations (`settings.admission.managed`): the operator keeps a
 * ValidatingWebhookConfiguration and a MutatingWebhookConfiguration of that name in line with its
 * handlers — one webhook per handler, pointing at the webhook server with the handler's id appended —
 * rebuilt whenever the server's client configuration or the served resources change, and trimmed to
 * the persistent handlers when the operator exits.
 */
import type { MutatingWebhook, ValidatingWebhook } from 'kubernetes-types/admissionregistration/v1.js';
import type { LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import type { Logger } from 'pino';
import type { Api } from '../client/api.ts';
import { ApiError } from '../client/errors.ts';
import { ABSENT, PRESENT } from '../core/filters.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { WebhookHandler } from '../registry/handlers.ts';
import type { Registry } from '../registry/registry.ts';
import type { WebhookClientConfig } from '../registry/settings.ts';

/** The two kinds of admission webhooks. */
export type WebhookType = WebhookHandler['type'];

const kinds = {
  validating: { kind: 'ValidatingWebhookConfiguration', title: 'validatingwebhookconfigurations.v1.admissionregistration.k8s.io' },
  mutating: { kind: 'MutatingWebhookConfiguration', title: 'mutatingwebhookconfigurations.v1.admissionregistration.k8s.io' },
} as const;

const API_VERSION = 'admissionregistration.k8s.io/v1';

/**
 * The webhook's name in the configuration: the handler id made a DNS name (`/` → `.`, `_` → `-`,
 * upper case lowered — ids from camelCase function names are common here —, any other character
 * hex-escaped as `-x<code>-`), then `.<managed>`.
 */
export function webhookName(id: string, managed: string): string {
  const name = id
    .replaceAll('/', '.')
    .replaceAll('_', '-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, (character) => `-x${character.codePointAt(0)!.toString(16).padStart(2, '0')}-`);
  return `${name}.${managed}`;
}

/** The client configuration of one handler: its id (URL-quoted, `/` kept) appended to the URL or the service path. */
export function handlerClientConfig(config: WebhookClientConfig, id: string): WebhookClientConfig {
  const quoted = id.split('/').map(encodeURIComponent).join('/');
  const result: WebhookClientConfig = structuredClone(config);
  if (result.url !== undefined) result.url = `${result.url.replace(/\/+$/, '')}/${quoted}`;
  if (result.service !== undefined) result.service.path = `${result.service.path ?? ''}/${quoted}`;
  return result;
}

/** The object selector from the handler's literal label filters (callbacks cannot be expressed). */
function objectSelector(handler: WebhookHandler): { matchExpressions: LabelSelectorRequirement[] } | undefined {
  const expressions: LabelSelectorRequirement[] = [];
  for (const [key, value] of Object.entries(handler.filters.labels ?? {})) {
    if (value === PRESENT) expressions.push({ key, operator: 'Exists' });
    else if (value === ABSENT) expressions.push({ key, operator: 'DoesNotExist' });
    else if (typeof value === 'string') expressions.push({ key, operator: 'In', values: [value] });
  }
  return expressions.length ? { matchExpressions: expressions } : undefined;
}

function rulesOf(handler: WebhookHandler, resources: readonly Resource[]): NonNullable<ValidatingWebhook['rules']> {
  return resources
    .filter((resource) => handler.selector?.matches(resource))
    .map((resource) => ({
      apiGroups: [resource.group],
      apiVersions: [resource.version],
      resources: [handler.subresource === undefined ? resource.plural : `${resource.plural}/${handler.subresource}`],
      operations: [...(handler.operations ?? ['*'])],
      scope: '*' as const,
    }));
}

/**
 * The webhooks of one configuration: one per handler id of that type (a function registered for
 * several resources is one webhook with the rules of all of them); only persistent ones if asked.
 */
export function buildWebhooks(
  handlers: readonly WebhookHandler[],
  options: { resources: readonly Resource[]; managed: string; clientConfig: WebhookClientConfig; persistentOnly?: boolean },
): (ValidatingWebhook & MutatingWebhook)[] {
  const byId = new Map<string, WebhookHandler[]>();
  for (const handler of handlers) {
    if (options.persistentOnly && !handler.persistent) continue;
    byId.set(handler.id, [...(byId.get(handler.id) ?? []), handler]);
  }
  return [...byId.entries()].map(([id, records]) => {
    const handler = records[0]!;
    const selector = objectSelector(handler);
    return {
      name: webhookName(id, options.managed),
      sideEffects: handler.sideEffects ? 'NoneOnDryRun' : 'None',
      failurePolicy: handler.ignoreFailures ? 'Ignore' : 'Fail',
      matchPolicy: 'Equivalent',
      rules: records.flatMap((record) => rulesOf(record, options.resources)),
      ...(selector ? { objectSelector: selector } : {}),
      clientConfig: handlerClientConfig(options.clientConfig, id),
      timeoutSeconds: 30,
      admissionReviewVersions: ['v1', 'v1beta1'],
    };
  });
}

/** The operator's managed Validating/MutatingWebhookConfigurations. */
export class ManagedAdmissionConfigurations {
  #configured = false;

  constructor(
    private readonly api: Api,
    private readonly registry: Registry,
    private readonly managed: string,
    private readonly logger: Logger,
  ) {}

  /** Creates both configurations unless they exist; missing permissions are fatal. */
  async create(): Promise<void> {
    for (const type of ['validating', 'mutating'] as const) {
      const { kind, title } = kinds[type];
      try {
        await this.api.create({ apiVersion: API_VERSION, kind, metadata: { name: this.managed } });
      } catch (error) {
        if (error instanceof ApiError && error.code === 409) continue;
        if (error instanceof ApiError && error.code === 403) this.logger.error(`Not enough RBAC permissions to create a ${title}.`);
        throw error;
      }
    }
  }

  /** Points both configurations' webhooks at the server's client configuration, for the served resources. */
  async reconfigure(clientConfig: WebhookClientConfig, resources: readonly Resource[]): Promise<void> {
    for (const type of ['validating', 'mutating'] as const) {
      this.logger.info(`Reconfiguring the ${type} webhook ${this.managed}.`);
      await this.#patch(type, buildWebhooks(this.#handlers(type), { resources, managed: this.managed, clientConfig }));
    }
    this.#configured = true;
  }

  /** Leaves only the persistent handlers' webhooks in both configurations (if they were ever configured). */
  async cleanUp(clientConfig: WebhookClientConfig, resources: readonly Resource[]): Promise<void> {
    if (!this.#configured) return;
    this.logger.info(`Cleaning up the admission webhook ${this.managed}.`);
    for (const type of ['validating', 'mutating'] as const) {
      await this.#patch(type, buildWebhooks(this.#handlers(type), { resources, managed: this.managed, clientConfig, persistentOnly: true }));
    }
  }

  #handlers(type: WebhookType): WebhookHandler[] {
    return this.registry.handlers.filter((handler): handler is WebhookHandler => handler.family === 'webhooks' && handler.type === type);
  }

  async #patch(type: WebhookType, webhooks: unknown[]): Promise<void> {
    await this.api.patch({ apiVersion: API_VERSION, kind: kinds[type].kind }, this.managed, { webhooks });
  }
}
