/**
 * The operator's settings: Kopf's tree of groups (`posting`, `watching`, `queueing`, `persistence` …)
 * with Kopf's defaults and camelCase names. Durations are in seconds, as in Kopf, so settings port
 * over unchanged. The tree is a plain mutable object: `on.startup` handlers receive it as `settings`
 * and may change it before the operator starts watching.
 */
import { AnnotationsDiffBaseStorage, type DiffBaseStorage } from '../core/diff-base.ts';
import { SmartProgressStorage, type ProgressStorage } from '../core/progress-storage.ts';
import type { SelectorArgument } from '../core/resource-selector.ts';

/**
 * A key of the server-side selector maps: a resource selector in any form `kopf.on.*` takes — one
 * argument (`'kopfexamples'`, `kopf.EVERYTHING`, a predicate, an object), or several as a list
 * (`['kopf.dev', 'v1', 'kopfexamples']`).
 */
export type ResourceSelectorKey = SelectorArgument | readonly SelectorArgument[];

/** Log levels, named as pino names them; Kubernetes Event types follow from them (warn → Warning …). */
export type PostingLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** The operator process. */
export interface ProcessSettings {
  /**
   * Seconds after a termination signal before the process is killed regardless of what it is still doing,
   * the last resort against a stuck exit. `null` disables it. Default 600 (longer than Kubernetes' usual
   * `terminationGracePeriodSeconds`, so Kubernetes kills the pod first).
   */
  ultimateExitingTimeout: number | null;
}

/** Kubernetes Events posted by the operator. */
export interface PostingSettings {
  /** Whether Events are posted at all (`kopf.event/info/exception`; `kopf.warn` posts regardless, as in Kopf). Default true. */
  enabled: boolean;
  /** Whether the handlers' and the framework's per-object log lines are also posted as Events. Default false (as in Kopf 1.44+). */
  loggers: boolean;
  /** The lowest level posted as an Event, for log lines and for `kopf.info/warn/exception`. Default `'info'`. */
  level: PostingLevel;
  /** The Events' `reportingComponent` and `source.component`. Default `'kopf'`. */
  reportingComponent: string;
  /** The Events' `reportingInstance`. Default `'dev'`. */
  reportingInstance: string;
  /** The Events' `metadata.generateName`. Default `'kopf-event-'`. */
  eventNamePrefix: string;
  /**
   * Retry delays (seconds) of Event POSTs from `kopf.event/info/warn/exception` without their own `backoffs`,
   * instead of `networking.errorBackoffs`. Default 1, 1, 2, 3, 5, 8, 13, 21.
   */
  defaultBackoffs: number | Iterable<number>;
  /** Retry delays (seconds) of Event POSTs made from log lines (`loggers: true`). Default 1, 1, 2, 3, 5. */
  loggingBackoffs: number | Iterable<number>;
  /** How many objects' Events are posted concurrently; `null` for no limit. Default `null`. */
  workerLimit: number | null;
  /** Seconds after which an idle per-object Event poster stops (it restarts on demand). Default 1. */
  idleTimeout: number;
}

/** Coordination between operator replicas (Kopf-compatible peering). */
export interface PeeringSettings {
  /** The peering object's name; operators in different peering objects do not see each other. Default `'default'`. */
  name: string;
  /** Whether to keep the keep-alive lines out of the logs. Default false. */
  stealth: boolean;
  /** This operator's priority: operators pause while one with a higher or equal priority runs. Default 0. */
  priority: number;
  /** Seconds this operator's peering record stays valid for others (refreshed before it expires). Default 60. */
  lifetime: number;
  /** Whether a missing peering resource or object makes the operator pause instead of running alone. Default false. */
  mandatory: boolean;
  /** Whether to ignore peering entirely, even if peering objects exist. Default false. */
  standalone: boolean;
  /** Whether the cluster-wide peering kind is used instead of the namespaced one. Default false (set from the operator's mode). */
  clusterwide: boolean;
  /** The inverse of `clusterwide`, for readability; setting it sets `clusterwide`. */
  namespaced: boolean;
}

/** The watch streams. */
export interface WatchingSettings {
  /** `timeoutSeconds` asked of the server for each watch request; `null` leaves it to the server. Default `null`. */
  serverTimeout: number | null;
  /** Seconds a watch request may last in total on the client side; `null` for no limit. Default `null`. */
  clientTimeout: number | null;
  /**
   * Seconds to connect for a watch request; `null` falls back to `networking.connectTimeout`. Read when the
   * operator connects, with the networking settings. Default `null`.
   */
  connectTimeout: number | null;
  /** Seconds to pause between watch reconnections. Default 0.1. */
  reconnectBackoff: number;
  /**
   * Seconds without any event or bookmark after which the stream counts as dead and is reopened.
   * Kubernetes bookmarks every ~60 s and keeps events for ~75 s, hence the default 70.
   */
  inactivityTimeout: number;
  /**
   * Page size of every initial list (`limit=N`, then `continue` tokens); `null` lists in one request.
   * An expired continue token mid-listing is not retried: the operator stops. Default `null`.
   */
  chunkSize: number | null;
  /**
   * Whether to stream the initial state through the watch itself (`sendInitialEvents=true`, Kubernetes
   * WatchList) instead of listing first; the streamed objects count as the initial listing until the
   * first bookmark. Default false.
   */
  initialStreaming: boolean;
  /**
   * Server-side label selectors per resource: every key (a selector in any `kopf.on.*` form) that matches a
   * resource contributes its selector; they are de-duplicated, sorted and AND-ed into `labelSelector=` of
   * that resource's list and watch requests. Default empty.
   */
  labelSelectors: Map<ResourceSelectorKey, string>;
  /** Server-side field selectors per resource, combined as `labelSelectors` are, into `fieldSelector=`. Default empty. */
  fieldSelectors: Map<ResourceSelectorKey, string>;
  /**
   * Server-side shard selectors per resource: only the first key (in insertion order) that matches a resource
   * counts, sent as `shardSelector=`. A non-empty map also stops same-priority peers from pausing each other.
   * Default empty.
   */
  shardSelectors: Map<ResourceSelectorKey, string>;
}

/** The per-object workers that process watch events. */
export interface QueueingSettings {
  /**
   * How many objects of one watched resource are processed concurrently; `null` for no limit. Default 64
   * (Kopf: no limit), so that thousands of objects listed or created at once are handled a few dozen at a
   * time instead of all holding their half-done cycles in memory while they queue for the API server.
   */
  workerLimit: number | null;
  /** Seconds after which an idle per-object worker stops (it restarts with the next event). Default 5. */
  idleTimeout: number;
  /** Seconds given to workers to finish their queues when their watcher stops. Default 2. */
  exitTimeout: number;
  /**
   * Seconds to pause an object's processing after each consecutive unexpected framework error (the last
   * value repeats; a success resets the sequence; empty disables the pause). Default the Fibonacci-like
   * 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610.
   */
  errorDelays: readonly number[];
}

/** Observation of namespaces and custom resource definitions while running. */
export interface ScanningSettings {
  /**
   * Whether to stop observing namespaces and CRDs at run time: namespace patterns are then used
   * literally and only the resources found at start are served. Default false.
   */
  disabled: boolean;
}

/** Where a webhook endpoint can be reached, as an admission configuration's `clientConfig` names it. */
export interface WebhookClientConfig {
  /** The endpoint's URL, for servers reachable from the API server directly. */
  url?: string;
  /** The in-cluster service that fronts the endpoint. */
  service?: { namespace: string; name: string; path?: string; port?: number };
  /** The PEM CA bundle, base64-encoded, that the API server trusts the endpoint with. */
  caBundle?: string;
}

/** The operator's entry point for one admission request, given to a webhook server. */
export type AdmissionRequestFn = (
  review: unknown,
  request: { webhook?: string; headers?: Record<string, string>; sslpeer?: Record<string, unknown> },
) => Promise<unknown>;

/**
 * A webhook server or tunnel: serves admission requests by calling the given function, and yields the
 * client configuration every time the endpoint changes, running until the iteration is stopped.
 */
export type WebhookServer = (handle: AdmissionRequestFn) => AsyncIterable<WebhookClientConfig>;

/** Admission webhooks. */
export interface AdmissionSettings {
  /** The server or tunnel that receives admission requests; required when validate/mutate handlers exist. Default `null`. */
  server: WebhookServer | null;
  /**
   * The name of the Validating/MutatingWebhookConfiguration objects the operator keeps up to date with its
   * handlers; `null` leaves the configuration to the user. Default `null`.
   */
  managed: string | null;
}

/** Handler execution. */
export interface ExecutionSettings {
  /** Seconds before retrying a handler that threw an arbitrary error, unless the handler sets `backoff`. Default 60. */
  defaultBackoff: number;
}

/** Daemons and timers being stopped. */
export interface BackgroundSettings {
  /** Seconds between checks whether a stopping daemon has exited, unless it sets `cancellationPolling`. Default 60. */
  cancellationPolling: number;
  /** Seconds to wait for a daemon to exit right after it is asked to; `null` uses `instantExitZeroTimeCycles` instead. Default `null`. */
  instantExitTimeout: number | null;
  /** Event-loop turns to wait for a daemon to exit right after it is asked to; `null` does not wait. Default 10. */
  instantExitZeroTimeCycles: number | null;
}

/** Requests to the API server. */
export interface NetworkingSettings {
  /** Seconds a non-watch request may take in total; `null` for no limit. Default 300. */
  requestTimeout: number | null;
  /** Seconds to connect; `null` for no separate limit. Default `null`. */
  connectTimeout: number | null;
  /**
   * Retry delays (seconds) for connection errors, timeouts, 5xx, 403 and 429: a number is one retry, an
   * empty list none; an iterable without a known length leaves the attempt total out of the logs.
   * Default 1, 1, 2, 3, 5, 8, 13, 21.
   */
  errorBackoffs: number | Iterable<number>;
  /** Whether `Retry-After` always decides the delay; otherwise the longer of it and the backoff. Default false. */
  enforceRetryAfter: boolean;
  /** Whether proxies and credentials from the environment (`HTTPS_PROXY` …) are used. Default false. */
  trustEnv: boolean;
  /**
   * The most connections the operator's requests hold open to the API server at once; further requests
   * wait for a free one. Watch streams are not counted. `null` for no limit. Default 32. (Not in Kopf.)
   */
  connectionLimit: number | null;
}

/** State kept on the handled objects. */
export interface PersistenceSettings {
  /** The finalizer the operator puts on objects it must see deleted. Default `'kopf.zalando.org/KopfFinalizerMarker'`. */
  finalizer: string;
  /**
   * Where handler progress is stored on objects: `SmartProgressStorage` (annotations
   * `kopf.zalando.org/<id>`, reading and purging records older versions left in `status.kopf.progress`),
   * `AnnotationsProgressStorage`, `StatusProgressStorage`, `MultiProgressStorage`, or your own.
   * Default `new SmartProgressStorage()`, as in Kopf, whose formats these are.
   */
  progressStorage: ProgressStorage;
  /**
   * Where the last handled state (the diff base) is stored on objects: `AnnotationsDiffBaseStorage`
   * (`kopf.zalando.org/last-handled-configuration`), `StatusDiffBaseStorage`, `MultiDiffBaseStorage`, or
   * your own. Default `new AnnotationsDiffBaseStorage()`, as in Kopf.
   */
  diffbaseStorage: DiffBaseStorage;
  /**
   * Seconds to wait, after patching an object, for the watch to deliver that patch's resourceVersion before
   * handling the object's changes again; 0 disables the wait. Default 5.
   */
  consistencyTimeout: number;
}

/** The whole settings tree. */
export interface OperatorSettings {
  process: ProcessSettings;
  posting: PostingSettings;
  peering: PeeringSettings;
  watching: WatchingSettings;
  queueing: QueueingSettings;
  /** @deprecated Kopf's old name of `queueing`; the same object. */
  readonly batching: QueueingSettings;
  scanning: ScanningSettings;
  admission: AdmissionSettings;
  execution: ExecutionSettings;
  background: BackgroundSettings;
  networking: NetworkingSettings;
  persistence: PersistenceSettings;
}

/** The groups of the tree that can be overridden (everything but the `batching` alias). */
export type SettingsGroups = Omit<OperatorSettings, 'batching'>;

/** Values to change from the defaults, group by group. */
export type SettingsOverrides = { [G in keyof SettingsGroups]?: Partial<SettingsGroups[G]> };

function defaultGroups(): SettingsGroups {
  return {
    process: { ultimateExitingTimeout: 600 },
    posting: {
      enabled: true,
      loggers: false,
      level: 'info',
      reportingComponent: 'kopf',
      reportingInstance: 'dev',
      eventNamePrefix: 'kopf-event-',
      defaultBackoffs: [1, 1, 2, 3, 5, 8, 13, 21],
      loggingBackoffs: [1, 1, 2, 3, 5],
      workerLimit: null,
      idleTimeout: 1.0,
    },
    peering: {
      name: 'default',
      stealth: false,
      priority: 0,
      lifetime: 60,
      mandatory: false,
      standalone: false,
      clusterwide: false,
      get namespaced(): boolean {
        return !this.clusterwide;
      },
      set namespaced(value: boolean) {
        this.clusterwide = !value;
      },
    },
    watching: {
      serverTimeout: null,
      clientTimeout: null,
      connectTimeout: null,
      reconnectBackoff: 0.1,
      inactivityTimeout: 70.0,
      chunkSize: null,
      initialStreaming: false,
      labelSelectors: new Map(),
      fieldSelectors: new Map(),
      shardSelectors: new Map(),
    },
    queueing: {
      workerLimit: 64,
      idleTimeout: 5.0,
      exitTimeout: 2.0,
      errorDelays: [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610],
    },
    scanning: { disabled: false },
    admission: { server: null, managed: null },
    execution: { defaultBackoff: 60 },
    background: { cancellationPolling: 60, instantExitTimeout: null, instantExitZeroTimeCycles: 10 },
    networking: {
      requestTimeout: 300,
      connectTimeout: null,
      errorBackoffs: [1, 1, 2, 3, 5, 8, 13, 21],
      enforceRetryAfter: false,
      trustEnv: false,
      connectionLimit: 32,
    },
    persistence: {
      finalizer: 'kopf.zalando.org/KopfFinalizerMarker',
      progressStorage: new SmartProgressStorage(),
      diffbaseStorage: new AnnotationsDiffBaseStorage(),
      consistencyTimeout: 5.0,
    },
  };
}

/**
 * A fresh settings tree with Kopf's defaults, changed by `overrides` group by group
 * (`Settings({ posting: { enabled: false } })`). Unknown groups or fields are rejected, since a
 * misspelt setting would otherwise be silently ignored.
 */
export function Settings(overrides: SettingsOverrides = {}): OperatorSettings {
  const groups = defaultGroups();
  for (const [groupName, values] of Object.entries(overrides)) {
    if (!Object.hasOwn(groups, groupName)) {
      throw new TypeError(`Unknown settings group '${groupName}'; known groups: ${Object.keys(groups).join(', ')}`);
    }
    if (values === undefined) continue;
    const group = groups[groupName as keyof SettingsGroups] as object;
    for (const [field, value] of Object.entries(values as object)) {
      if (!(field in group)) {
        throw new TypeError(
          `Unknown setting '${groupName}.${field}'; known settings of '${groupName}': ${Object.keys(group).join(', ')}`,
        );
      }
      (group as Record<string, unknown>)[field] = value;
    }
  }
  return Object.defineProperty(groups, 'batching', {
    get(this: SettingsGroups) {
      return this.queueing;
    },
    enumerable: false,
  }) as OperatorSettings;
}

// A field's rule: undefined when the value is acceptable, else what was expected and what was found,
// with `at` naming a part inside the value (an array item) when the problem is there.
type Rule = (value: unknown) => { expected: string; found: string; at?: string } | undefined;

// How an error message shows a wrong value: primitives as written, containers by their kind.
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function rule(expected: string, accepts: (value: unknown) => boolean): Rule {
  return (value) => (accepts(value) ? undefined : { expected, found: shown(value) });
}

function orNull(inner: Rule): Rule {
  return (value) => {
    if (value === null) return undefined;
    const problem = inner(value);
    return problem && !problem.at ? { ...problem, expected: `${problem.expected} or null` } : problem;
  };
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const duration = rule('a non-negative number', (value) => isNumber(value) && value >= 0);
const positiveDuration = rule('a positive number', (value) => isNumber(value) && value > 0);
const positiveInteger = rule('a positive integer', (value) => Number.isInteger(value) && (value as number) > 0);
const nonNegativeInteger = rule('a non-negative integer', (value) => Number.isInteger(value) && (value as number) >= 0);
const integer = rule('an integer', Number.isInteger);
const boolean = rule('a boolean', (value) => typeof value === 'boolean');
const string = rule('a string', (value) => typeof value === 'string');
const nonEmptyString = rule('a non-empty string', (value) => typeof value === 'string' && value !== '');
const webhookServer = rule('a function', (value) => typeof value === 'function');

const POSTING_LEVELS: readonly PostingLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];
const postingLevel = rule(`one of ${POSTING_LEVELS.map((level) => `"${level}"`).join(', ')}`, (value) =>
  (POSTING_LEVELS as readonly unknown[]).includes(value),
);

// The items of an array, each checked by `item`; the first bad one is reported with its index.
function arrayItems(value: unknown[], item: Rule): ReturnType<Rule> {
  for (const [index, each] of value.entries()) {
    const problem = item(each);
    if (problem) return { ...problem, at: `[${index}]` };
  }
  return undefined;
}

const errorDelays: Rule = (value) => {
  if (!Array.isArray(value)) return { expected: 'an array of non-negative numbers', found: shown(value) };
  return arrayItems(value, duration);
};

// Only arrays have their items checked: any other iterable may be a one-shot or endless generator,
// which iterating here would use up or never finish.
const backoffs: Rule = (value) => {
  if (isNumber(value)) return duration(value);
  if (Array.isArray(value)) return arrayItems(value, duration);
  const iterable = typeof value === 'object' && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
  return iterable ? undefined : { expected: 'a non-negative number or an iterable of them', found: shown(value) };
};

const selectorMap: Rule = (value) => {
  if (!(value instanceof Map)) return { expected: 'a Map of selectors to strings', found: shown(value) };
  for (const selector of value.values()) {
    if (typeof selector !== 'string') return { expected: 'a Map of selectors to strings', found: `a Map holding ${shown(selector)}` };
  }
  return undefined;
};

// A storage object: anything with the methods of its interface (users may write their own).
function storage(what: string, methods: readonly string[]): Rule {
  const expected = `${what} (an object with the methods ${methods.join(', ')})`;
  return (value) => {
    if (typeof value !== 'object' || value === null) return { expected, found: shown(value) };
    const missing = methods.find((method) => typeof (value as Record<string, unknown>)[method] !== 'function');
    return missing === undefined ? undefined : { expected, found: `an object without ${missing}()` };
  };
}

const PROGRESS_STORAGE_METHODS = ['fetch', 'store', 'purge', 'touch', 'clear'] as const satisfies readonly (keyof ProgressStorage)[];
const DIFFBASE_STORAGE_METHODS = ['fetch', 'store', 'build'] as const satisfies readonly (keyof DiffBaseStorage)[];

// One rule per field of every group; the mapped type makes a new setting without a rule a compile error.
const RULES: { [G in keyof SettingsGroups]: { [F in keyof SettingsGroups[G]]-?: Rule } } = {
  process: { ultimateExitingTimeout: orNull(duration) },
  posting: {
    enabled: boolean,
    loggers: boolean,
    level: postingLevel,
    reportingComponent: string,
    reportingInstance: string,
    eventNamePrefix: string,
    defaultBackoffs: backoffs,
    loggingBackoffs: backoffs,
    workerLimit: orNull(positiveInteger),
    idleTimeout: duration,
  },
  peering: {
    name: nonEmptyString,
    stealth: boolean,
    priority: integer,
    lifetime: duration,
    mandatory: boolean,
    standalone: boolean,
    clusterwide: boolean,
    namespaced: boolean,
  },
  watching: {
    // The API server takes whole seconds only (`timeoutSeconds` is an integer), and 0 would mean its default.
    serverTimeout: orNull(positiveInteger),
    clientTimeout: orNull(duration),
    connectTimeout: orNull(duration),
    reconnectBackoff: duration,
    inactivityTimeout: positiveDuration,
    chunkSize: orNull(positiveInteger),
    initialStreaming: boolean,
    labelSelectors: selectorMap,
    fieldSelectors: selectorMap,
    shardSelectors: selectorMap,
  },
  queueing: { workerLimit: orNull(positiveInteger), idleTimeout: duration, exitTimeout: duration, errorDelays },
  scanning: { disabled: boolean },
  admission: { server: orNull(webhookServer), managed: orNull(nonEmptyString) },
  execution: { defaultBackoff: duration },
  background: { cancellationPolling: duration, instantExitTimeout: orNull(duration), instantExitZeroTimeCycles: orNull(nonNegativeInteger) },
  networking: {
    requestTimeout: orNull(duration),
    connectTimeout: orNull(duration),
    errorBackoffs: backoffs,
    enforceRetryAfter: boolean,
    trustEnv: boolean,
    connectionLimit: orNull(positiveInteger),
  },
  persistence: {
    finalizer: nonEmptyString,
    progressStorage: storage('a progress storage', PROGRESS_STORAGE_METHODS),
    diffbaseStorage: storage('a diff-base storage', DIFFBASE_STORAGE_METHODS),
    consistencyTimeout: duration,
  },
};

/**
 * Checks every value of a settings tree — types, ranges, the storage objects, the selector maps — and
 * fields or groups that are not settings (a misspelt field set by an `on.startup` handler would
 * otherwise be ignored). Throws a `TypeError` naming the first wrong field:
 * `settings.queueing.workerLimit must be a positive integer or null, not -1`. Run at start and again
 * after the `on.startup` handlers, which may change the tree.
 */
export function checkSettings(settings: OperatorSettings): void {
  const groupNames = Object.keys(RULES) as (keyof SettingsGroups)[];
  const unknownGroup = Object.keys(settings).find((name) => !Object.hasOwn(RULES, name));
  if (unknownGroup !== undefined) {
    throw new TypeError(`settings.${unknownGroup} is not a settings group; known groups: ${groupNames.join(', ')}`);
  }
  for (const groupName of groupNames) {
    const group: unknown = settings[groupName];
    if (typeof group !== 'object' || group === null || Array.isArray(group)) {
      throw new TypeError(`settings.${groupName} must be an object, not ${shown(group)}`);
    }
    const rules: Record<string, Rule> = RULES[groupName];
    const unknownField = Object.keys(group).find((field) => !Object.hasOwn(rules, field));
    if (unknownField !== undefined) {
      throw new TypeError(
        `settings.${groupName}.${unknownField} is not a setting; known settings of ${groupName}: ${Object.keys(rules).join(', ')}`,
      );
    }
    for (const [field, check] of Object.entries(rules)) {
      const problem = check((group as Record<string, unknown>)[field]);
      if (problem) {
        throw new TypeError(`settings.${groupName}.${field}${problem.at ?? ''} must be ${problem.expected}, not ${problem.found}`);
      }
    }
  }
}
