/**
 * The admission webhooks of a running operator: the configured webhook server (or tunnel) is iterated
 * for its client configurations while it serves the requests with the operator's handlers, and — when
 * `settings.admission.managed` names them — the Validating/MutatingWebhookConfigurations follow every
 * new client configuration and every change of the served resources, and are trimmed on exit.
 */
import type { Logger } from 'pino';
import { resourceId, type Resource } from '../core/resource-selector.ts';
import type { WebhookClientConfig, WebhookServer } from '../registry/settings.ts';
import { ManagedAdmissionConfigurations } from './admission-configurations.ts';
import { admissionHandler, type AdmissionRuntime } from './admission.ts';

/** The ids of the `on.validate/mutate` handlers, if any. */
export function webhookHandlerIds(runtime: Pick<AdmissionRuntime, 'registry'>): string[] {
  return [...new Set(runtime.registry.handlers.filter((handler) => handler.family === 'webhooks').map((handler) => handler.id))];
}

/**
 * Fails an operator that has webhook handlers but nothing to serve them with: they would be silently
 * ignored otherwise.
 */
export function requireWebhookServer(runtime: Pick<AdmissionRuntime, 'registry' | 'settings'>): WebhookServer | undefined {
  const ids = webhookHandlerIds(runtime);
  if (!ids.length) return undefined;
  const server = runtime.settings.admission.server;
  if (!server) {
    throw new Error(
      `Admission handlers exist (${ids.join(', ')}), but no webhook server or tunnel is configured in settings.admission.server: ` +
        'set it in an on.startup handler, e.g. to kopf.WebhookServer({ port: 9443 }) (see docs/admission.md).',
    );
  }
  return server;
}

function sameResources(a: readonly Resource[], b: readonly Resource[]): boolean {
  const ids = (resources: readonly Resource[]) => resources.map(resourceId).sort().join('\n');
  return ids(a) === ids(b);
}

/** The running webhook server and the managed configurations of one operator. */
export class AdmissionWebhooks {
  #resources: readonly Resource[] = [];
  #config: WebhookClientConfig | undefined;
  #iterator: AsyncIterator<WebhookClientConfig> | undefined;
  #following: Promise<void> | undefined;
  #stopping = false;
  /** Reconfigurations, one at a time and in order. */
  #updates: Promise<void> = Promise.resolve();
  readonly #managed: ManagedAdmissionConfigurations | undefined;

  /** @param onFatal called once the server or the configurations fail; the operator stops with that error. */
  constructor(
    private readonly runtime: AdmissionRuntime,
    private readonly server: WebhookServer,
    private readonly logger: Logger,
    private readonly onFatal: (error: unknown) => void,
  ) {
    const managed = runtime.settings.admission.managed;
    this.#managed = managed ? new ManagedAdmissionConfigurations(runtime.api, runtime.registry, managed, logger) : undefined;
  }

  /** Sets the resources served (those of the webhook handlers, as discovery found them). */
  revise(resources: readonly Resource[]): void {
    const changed = !sameResources(resources, this.#resources);
    this.#resources = resources;
    if (changed && this.#config) this.#reconfigure();
  }

  /** Starts the server (and the managed configurations); call once, after the initial discovery. */
  start(): void {
    const handle = admissionHandler(this.runtime, () => this.#resources);
    this.#iterator = this.server(handle)[Symbol.asyncIterator]();
    this.#following = this.#follow(this.#iterator).catch((error: unknown) => {
      if (!this.#stopping) this.onFatal(error);
    });
  }

  /** Stops the server and trims the managed configurations to the persistent webhooks. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#iterator?.return?.();
    await this.#following;
    await this.#updates;
    if (this.#config) await this.#managed?.cleanUp(this.#config, this.#resources);
  }

  async #follow(iterator: AsyncIterator<WebhookClientConfig>): Promise<void> {
    await this.#managed?.create();
    while (!this.#stopping) {
      const step = await iterator.next();
      if (step.done || this.#stopping) return;
      this.logger.debug(`The webhook server is reachable at: ${step.value.url ?? JSON.stringify(step.value.service)}`);
      this.#config = step.value;
      this.#reconfigure();
    }
  }

  #reconfigure(): void {
    const managed = this.#managed;
    if (!managed) return;
    this.#updates = this.#updates.then(async () => {
      if (this.#stopping || !this.#config) return;
      await managed.reconfigure(this.#config, this.#resources).catch((error: unknown) => this.onFatal(error));
    });
  }
}
