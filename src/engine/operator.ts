/**
 * The running operator: `operator()` wires the registry, the client, the shared watches, the Event
 * poster, the orchestrator of watchers and the admission webhooks, runs until its signal aborts (or
 * something fails for good), and stops its parts in reverse order. `run()` adds what a process needs: SIGINT/SIGTERM stop
 * the operator gracefully, and the exit code says how it ended.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Api, connect, type ConnectOptions } from '../client/api.ts';
import type { ConnectionSource } from '../client/config.ts';
import { createTransport } from '../client/transport.ts';
import { WatchHub } from '../client/watch-hub.ts';
import { asap, type Lifecycle } from '../core/lifecycles.ts';
import { literalNamespaces, namespaceScope, type NamespacePattern } from '../core/namespace-patterns.ts';
import { version } from '../core/version.ts';
import type { Memo } from '../registry/context.ts';
import { getDefaultRegistry } from '../registry/default-registry.ts';
import type { Registry } from '../registry/registry.ts';
import { checkSettings, Settings, type OperatorSettings } from '../registry/settings.ts';
import { runActivity, type ActivityRuntime } from './activities.ts';
import { AdmissionWebhooks, requireWebhookServer } from './admission-webhooks.ts';
import { enableSubhandling } from './changing.ts';
import { EventPoster } from './event-poster.ts';
import { createIndexes, IndexReadiness } from './indexes.ts';
import { logsToEvents } from './log-events.ts';
import { defaultLogger, listenToObjectRecords, namedLogger } from './logging.ts';
import { observeNamespaces } from './namespace-observer.ts';
import { CredentialsVault } from './login.ts';
import { Orchestrator } from './orchestrator.ts';
import { Peerings } from './peering.ts';
import { serveLiveness, type LivenessEndpoint } from './probing.ts';
import { transportSettings } from './transport-settings.ts';
import { observeResources } from './resource-observer.ts';
import { apiPatcher, type OperatorRuntime } from './runtime.ts';

/** How to run an operator. */
export interface OperatorOptions {
  /** The handlers; the default registry (`kopf.on.*`) when not given. */
  registry?: Registry;
  /** The settings tree; Kopf's defaults when not given. `on.startup` handlers may change it. */
  settings?: OperatorSettings;
  /** Serve every namespace (`kopf run -A`). */
  clusterwide?: boolean;
  /** Serve the namespaces matching these patterns (`kopf run -n`): names, globs, `!` exclusions. */
  namespaces?: NamespacePattern[];
  /** Ignore peering: run alone even if other replicas exist (`kopf run --standalone`). */
  standalone?: boolean;
  /** This operator's priority among peers (`kopf run --priority`); `settings.peering.priority` otherwise. */
  priority?: number;
  /**
   * The peering object to take part in (`kopf run --peering NAME`); naming one makes peering mandatory:
   * the operator stays paused until that object's CRD exists.
   */
  peering?: string;
  /** The operator-wide memo: activities get it, each object's handlers a shallow copy. */
  memo?: Memo;
  /** Which due changing handlers run in each cycle; `kopf.lifecycles.asap` by default. */
  lifecycle?: Lifecycle;
  /** A ready client; otherwise one is connected from `connection` (kubeconfig, in-cluster …). */
  api?: Api;
  /** Where and how to connect when no `api` is given. */
  connection?: ConnectOptions;
  /** The root logger; the process default (`configure()`) when not given. */
  logger?: Logger;
  /** Stops the operator gracefully when aborted. */
  signal?: AbortSignal;
  /** Called once the operator serves its resources: every watch has listed its objects and follows their changes. */
  onReady?: () => void;
  /** Serve the `on.probe` results at this URL (`http://0.0.0.0:8080/healthz`), as `kopf run --liveness` does. */
  liveness?: string;
  /** Called with the liveness endpoint's actual URL once it serves (useful with port 0). */
  onLiveness?: (url: string) => void;
}

const sources: Record<ConnectionSource, string> = {
  kubeconfig: 'Client is configured via kubeconfig file.',
  'in-cluster': 'Client is configured in cluster with service account.',
  text: 'Client is configured via kubeconfig text.',
  login: 'Client is configured by the login handlers.',
};

/**
 * Runs an operator until `signal` aborts; resolves after a graceful stop, rejects with the error that
 * stopped it otherwise (a failed startup, a watch refused for bad credentials or permissions).
 */
export async function operator(options: OperatorOptions = {}): Promise<void> {
  if (options.clusterwide && options.namespaces?.length) throw new TypeError('clusterwide and namespaces are mutually exclusive: pass one of them');
  const operatorId = randomUUID();
  const logger = (options.logger ?? defaultLogger()).child({ operator: operatorId });
  const registry = options.registry ?? getDefaultRegistry();
  const settings = options.settings ?? Settings();
  const scope = namespaceScope({ clusterwide: options.clusterwide, namespaces: options.namespaces });
  if (!options.clusterwide && !options.namespaces?.length) {
    logger.warn('Absence of either namespaces or cluster-wide flag will become an error soon. For now, switching to the cluster-wide mode for backward compatibility.');
  }
  settings.peering.clusterwide = scope.clusterwide;
  if (options.standalone) settings.peering.standalone = true;
  if (options.priority !== undefined) settings.peering.priority = options.priority;
  if (options.peering !== undefined) Object.assign(settings.peering, { name: options.peering, mandatory: true });
  checkSettings(settings);
  const memo = options.memo ?? {};
  const stopping = new AbortController();
  const onAbort = () => stopping.abort();
  if (options.signal?.aborted) return;
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let fatal: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    fatal ??= { error };
    stopping.abort();
  };
  const stopped = new Promise<void>((resolve) => {
    if (stopping.signal.aborted) resolve();
    else stopping.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  logger.debug(`Starting kopf-ts ${version}.`);
  const transport = () => ({ ...transportSettings(settings, logger), ...options.connection?.transport });
  // The networking settings as the client is made with them; startup handlers may change them (see below).
  const networkingKeys = Object.keys(settings.networking) as Array<keyof typeof settings.networking>;
  const networking = () => [...networkingKeys.map((key) => settings.networking[key]), settings.watching.connectTimeout];
  const connectedWith = networking();
  // With login handlers, the credentials exist only after the startup handlers and the login ran.
  const byLogin = !options.api && registry.activityHandlers('authentication').length > 0;
  let api: Api | undefined = options.api ?? (byLogin ? undefined : await connect({ ...options.connection, transport: transport() }));
  // The poster retries over the posting backoffs itself, as Kopf does: no second layer of retries below it.
  const events = new EventPoster({ post: (object, event) => (api ?? apiBeforeLogin).event(object, { ...event, retry: false }), settings: () => settings.posting, logger });
  const stopPostingLogs = listenToObjectRecords(operatorId, logsToEvents(events, () => settings.posting));
  const indexes = { view: createIndexes(registry.handlersOf('index').map((handler) => handler.id)), readiness: new IndexReadiness() };
  let parts: ActivityRuntime = { registry, settings, memo, logger, api: api ?? apiBeforeLogin, events, indexes: indexes.view };
  let hub: WatchHub | undefined;
  let orchestrator: Orchestrator | undefined;
  let peerings: Peerings | undefined;
  let liveness: LivenessEndpoint | undefined;
  let webhooks: AdmissionWebhooks | undefined;
  let started = false;
  try {
    await runActivity(parts, 'startup', stopping.signal);
    started = true;
    checkSettings(settings);
    // As in Kopf, the networking settings are those after the startup handlers: a client made before them
    // (so that they could use the api) is made again when they changed any.
    if (api && !options.api && networking().some((value, index) => !Object.is(value, connectedWith[index]))) {
      const before = api;
      api = new Api(before.connection, createTransport(before.connection, transport()));
      parts = { ...parts, api };
      await before.close();
    }
    const webhookServer = requireWebhookServer(parts);
    if (!api) {
      const connection = await new CredentialsVault(parts, namedLogger(logger, 'kopf.activities.authentication')).connection();
      api = new Api(connection, createTransport(connection, transport()));
      parts = { ...parts, api };
    }
    const client = api;
    logger.debug(sources[client.connection.source]);
    if (options.liveness) {
      liveness = await serveLiveness(options.liveness, () => runActivity(parts, 'probe'), namedLogger(logger, 'kopf.activities.probe'));
      options.onLiveness?.(liveness.url);
    }
    enableSubhandling();
    const watching = settings.watching;
    hub = new WatchHub(api.transport, {
      inactivityTimeoutMs: watching.inactivityTimeout * 1000,
      useWatchList: watching.initialStreaming,
      pageSize: watching.chunkSize,
      serverTimeoutSeconds: watching.serverTimeout ?? undefined,
      // As in Kopf (aiohttp), 0 is no limit.
      clientTimeoutMs: watching.clientTimeout ? watching.clientTimeout * 1000 : undefined,
      reconnectDelayMs: watching.reconnectBackoff * 1000,
      onIncident: (incident, watch) => logger.debug({ incident: { kind: incident.kind, phase: incident.phase, delayMs: incident.delayMs } }, `Watch incident on ${watch.resource.plural}: ${incident.kind} during ${incident.phase}${incident.error ? `: ${String(incident.error)}` : ''}`),
    });
    const runtime: OperatorRuntime = { ...parts, indexes, hub, patcher: apiPatcher(api), lifecycle: options.lifecycle ?? asap, now: Date.now, signal: stopping.signal };
    const running = new Orchestrator(runtime, fail);
    orchestrator = running;
    const peers = new Peerings(runtime, namedLogger(logger, 'kopf.engines.peering'), (paused) => void running.setPaused(paused).catch(fail));
    peerings = peers;
    if (webhookServer) webhooks = new AdmissionWebhooks(runtime, webhookServer, namedLogger(logger, 'kopf.engines.admission'), fail);
    let namespaces: string[] | undefined;
    const revise = async () => {
      // The peering group is scanned too: peering follows its CRDs like any served resource.
      const groups = registry.groupsOfInterest();
      const discovered = await client.discovery.resources(groups && new Set([...groups, 'kopf.dev']));
      peers.revise(discovered, namespaces);
      webhooks?.revise(registry.resourcesOfInterest(discovered).webhooks);
      await running.revise(discovered, namespaces);
    };
    client.discovery.onChange(() => void revise().catch(fail));
    if (!settings.scanning.disabled) void observeResources(runtime).catch(fail);
    if (scope.clusterwide) {
      await revise();
    } else if (settings.scanning.disabled) {
      namespaces = literalNamespaces(scope.patterns);
      await revise();
    } else {
      const ready = new Promise<void>((resolve) => {
        void observeNamespaces(runtime, scope.patterns, async (served) => {
          namespaces = served;
          await revise();
          resolve();
        }).catch(fail);
      });
      await Promise.race([ready, stopped]);
    }
    indexes.readiness.seal();
    // As in Kopf, the webhooks are served only once the initial discovery knows their resources.
    if (!stopping.signal.aborted) webhooks?.start();
    // Ready means in sync: an object created after this is seen as an event, never in the listing.
    await Promise.race([running.listed(), stopped]);
    if (!stopping.signal.aborted) options.onReady?.();
    await stopped;
  } catch (error) {
    fail(error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await liveness?.close();
    await webhooks?.stop().catch(fail);
    await orchestrator?.stop();
    await peerings?.stop();
    stopPostingLogs();
    await events.stop(settings.queueing.exitTimeout);
    // As in Kopf, an operator whose startup failed has nothing to clean up.
    if (started) await cleanUp(parts, settings, logger);
    hub?.close();
    if (!options.api) await api?.close();
    logger.debug('Root tasks are stopped: finishing normally; tasks left: none.');
    logger.debug('Hung tasks stopping is skipped: no tasks given.');
  }
  if (fatal) throw fatal.error;
}

/**
 * Runs the cleanup handlers, bounded by `process.ultimateExitingTimeout`: a handler that never returns must
 * not keep an embedding program from going on (a process under `kopf run` is ended by then anyway).
 */
async function cleanUp(parts: ActivityRuntime, settings: OperatorSettings, logger: Logger): Promise<void> {
  const limit = settings.process.ultimateExitingTimeout;
  const stop = new AbortController();
  const cleaning = runActivity(parts, 'cleanup', stop.signal).then(
    () => true,
    (error: unknown) => {
      logger.error({ err: error }, String(error));
      return true;
    },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = limit === null ? new Promise<boolean>(() => {}) : new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), limit * 1000)));
  const finished = await Promise.race([cleaning, timedOut]);
  clearTimeout(timer);
  if (!finished) {
    stop.abort();
    logger.warn('Cleanup activity is only partially executed due to cancellation.');
  }
}

/** What startup handlers get as `api` while login handlers are yet to provide the credentials. */
const apiBeforeLogin = new Proxy({} as Api, {
  get(_target, member) {
    throw new Error(`the api is not available before the on.login handlers ran (asked for api.${String(member)}): use it in later handlers`);
  },
});

/**
 * `operator()` for a whole process: SIGINT and SIGTERM stop it gracefully; resolves when it stopped and
 * sets `process.exitCode` (0 after a graceful stop, 1 after a failure, which is also re-thrown).
 */
export async function run(options: OperatorOptions = {}): Promise<void> {
  const logger = options.logger ?? defaultLogger();
  // The operator's own tree, so that a limit changed by on.startup handlers counts.
  const settings = options.settings ?? Settings();
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => {
    logger.info('Stop-flag is raised. Operator is stopping.');
    stop.abort();
  }, { once: true });
  const onSignal = (name: NodeJS.Signals) => {
    logger.info(`Signal ${name} is received. Operator is stopping.`);
    stop.abort();
    // The last resort against a stop that hangs (a handler that never returns): exit regardless.
    const limit = settings.process.ultimateExitingTimeout;
    if (limit !== null) setTimeout(() => process.exit(1), limit * 1000).unref();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await operator({ ...options, settings, logger, signal: stop.signal });
    process.exitCode = 0;
  } catch (error) {
    process.exitCode = 1;
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
