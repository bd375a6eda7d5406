/**
 * The operator's side of the webhooks: a missing server is an error when handlers need one; a server's
 * every client configuration and every change of the served resources reconfigure the managed
 * configurations; stopping ends the server's iteration and trims the configurations.
 */
import { describe, expect, it } from 'vitest';
import type { Api } from '../client/api.ts';
import type { Resource } from '../core/resource-selector.ts';
import { Registry } from '../registry/registry.ts';
import { Settings, type AdmissionRequestFn, type WebhookClientConfig, type WebhookServer } from '../registry/settings.ts';
import { kopfExamples } from '../../test/support/resources.ts';
import type { AdmissionRuntime } from './admission.ts';
import { AdmissionWebhooks, requireWebhookServer } from './admission-webhooks.ts';
import { IndexReadiness } from './indexes.ts';
import { createLogger } from './logging.ts';

/** A server driven by the test: it yields the configurations pushed to it, and records being stopped. */
function scriptedServer() {
  const queue: WebhookClientConfig[] = [];
  let wake: (() => void) | undefined;
  const state = { handle: undefined as AdmissionRequestFn | undefined, stopped: false };
  const server: WebhookServer = (handle) => {
    state.handle = handle;
    return {
      [Symbol.asyncIterator]: () => ({
        async next() {
          while (!queue.length && !state.stopped) await new Promise<void>((resolve) => (wake = resolve));
          return state.stopped ? { done: true, value: undefined } : { done: false, value: queue.shift()! };
        },
        async return() {
          state.stopped = true;
          wake?.();
          return { done: true, value: undefined };
        },
      }),
    };
  };
  return {
    server,
    state,
    push(config: WebhookClientConfig) {
      queue.push(config);
      wake?.();
    },
  };
}

function setup(managed: string | null) {
  const registry = new Registry();
  registry.on.validate('kopfexamples', function check() {});
  const patched: { kind: string; urls: string[] }[] = [];
  const api = {
    create: async (object: unknown) => object,
    async patch(kind: { kind: string }, _name: string, body: { webhooks: { clientConfig: { url: string } }[] }) {
      patched.push({ kind: kind.kind, urls: body.webhooks.map((webhook) => webhook.clientConfig.url) });
      return {};
    },
  } as unknown as Api;
  const settings = Settings({ admission: { managed } });
  const runtime = {
    settings,
    registry,
    api,
    events: { post: () => {} },
    logger: createLogger({ level: 'error', format: 'plain', output: { write: () => {} } }),
    memo: {},
    indexes: { view: {}, readiness: new IndexReadiness() },
    now: Date.now,
  } satisfies AdmissionRuntime;
  return { runtime, patched, registry, settings };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition was not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the admission webhooks of an operator', () => {
  it('refuses to run webhook handlers without a server, naming them and the setting', () => {
    const { runtime, settings } = setup(null);
    expect(() => requireWebhookServer(runtime)).toThrow(/Admission handlers exist \(check\), but no webhook server .* settings\.admission\.server/);
    const { server } = scriptedServer();
    settings.admission.server = server;
    expect(requireWebhookServer(runtime)).toBe(server);
    expect(requireWebhookServer({ registry: new Registry(), settings: Settings() })).toBeUndefined();
  });

  it('reconfigures on every client configuration and resource change, and trims on stop', async () => {
    const { runtime, patched } = setup('auto.kopf.dev');
    const scripted = scriptedServer();
    const failures: unknown[] = [];
    const webhooks = new AdmissionWebhooks(runtime, scripted.server, runtime.logger, (error) => failures.push(error));
    const moved: Resource = { ...kopfExamples, version: 'v2' };
    webhooks.revise([kopfExamples]);
    webhooks.start();
    scripted.push({ url: 'https://one:1' });
    await until(() => patched.length === 2);
    scripted.push({ url: 'https://two:2' });
    await until(() => patched.length === 4);
    webhooks.revise([kopfExamples]);
    webhooks.revise([moved]);
    await until(() => patched.length === 6);
    await webhooks.stop();
    expect(scripted.state.stopped).toBe(true);
    expect(patched).toEqual([
      { kind: 'ValidatingWebhookConfiguration', urls: ['https://one:1/check'] },
      { kind: 'MutatingWebhookConfiguration', urls: [] },
      { kind: 'ValidatingWebhookConfiguration', urls: ['https://two:2/check'] },
      { kind: 'MutatingWebhookConfiguration', urls: [] },
      { kind: 'ValidatingWebhookConfiguration', urls: ['https://two:2/check'] },
      { kind: 'MutatingWebhookConfiguration', urls: [] },
      { kind: 'ValidatingWebhookConfiguration', urls: [] },
      { kind: 'MutatingWebhookConfiguration', urls: [] },
    ]);
    expect(failures).toEqual([]);
  });

  it('serves the requests for the resources last revised, without managing configurations unless asked', async () => {
    const { runtime, patched } = setup(null);
    const scripted = scriptedServer();
    const webhooks = new AdmissionWebhooks(runtime, scripted.server, runtime.logger, () => {});
    webhooks.revise([kopfExamples]);
    webhooks.start();
    scripted.push({ url: 'https://one:1' });
    const review = {
      request: { uid: 'r', resource: { group: 'kopf.dev', version: 'v1', resource: 'kopfexamples' }, operation: 'CREATE', userInfo: {}, object: { metadata: { name: 'x' } } },
    };
    expect(await scripted.state.handle!(review, { webhook: 'check' })).toMatchObject({ response: { uid: 'r', allowed: true } });
    webhooks.revise([]);
    await expect(scripted.state.handle!(review, { webhook: 'check' })).rejects.toMatchObject({ code: 404 });
    await webhooks.stop();
    expect(patched).toEqual([]);
  });
});
