/**
 * One parser for every `kopf.on.<kind>(...selector, [options], handler)` call: splits the arguments,
 * checks the options that apply to the kind (types cannot protect plain JavaScript callers), derives
 * the id, and builds the frozen handler record. Every problem is a `RegistrationError` naming the
 * registration, so a typo fails the operator at load time, not silently at run time.
 */
import { ABSENT, PRESENT, type ObjectFilters, type WhenFilter } from '../core/filters.ts';
import { parseField, type FieldPath } from '../core/field-path.ts';
import { errorsModes, type ErrorsMode } from '../core/handler-errors.ts';
import { EVERYTHING, ResourceSelector, type SelectorArgument } from '../core/resource-selector.ts';
import type { Activity, Operation } from './context.ts';
import { handlerId, RegistrationError, type RegistrationLabel } from './handler-ids.ts';
import type {
  ActivityHandler,
  ChangingHandler,
  DaemonHandler,
  DelaySpec,
  Handler,
  IndexingHandler,
  ResourceHandler,
  RetryPolicy,
  StoredFn,
  TimerHandler,
  WatchingHandler,
  WebhookHandler,
} from './handlers.ts';
import { isActivityKind, type ActivityKind, type HandlerKind, type ResourceKind } from './kinds.ts';

/** What sub-handler registrations are checked as: `kopf.subhandler` and `kopf.register`. */
export type SubhandlerKind = 'subhandler' | 'register';

const identity = ['id', 'param'];
const retrying = ['errors', 'timeout', 'retries', 'backoff'];
const filtering = ['labels', 'annotations', 'when', 'field', 'value'];
const changeFiltering = ['old', 'new'];

/** The options each kind accepts. */
const allowedOptions: Record<HandlerKind | SubhandlerKind, readonly string[]> = {
  resume: [...identity, ...retrying, ...filtering, 'deleted'],
  create: [...identity, ...retrying, ...filtering],
  update: [...identity, ...retrying, ...filtering, ...changeFiltering],
  delete: [...identity, ...retrying, ...filtering, 'optional'],
  field: [...identity, ...retrying, ...filtering, ...changeFiltering],
  event: [...identity, ...filtering],
  index: [...identity, ...retrying, ...filtering],
  daemon: [
    ...identity,
    ...retrying,
    ...filtering,
    'initialDelay',
    'cancellationBackoff',
    'cancellationTimeout',
    'cancellationPolling',
    'requiresFinalizer',
  ],
  timer: [...identity, ...retrying, ...filtering, 'interval', 'initialDelay', 'sharp', 'idle', 'requiresFinalizer'],
  validate: [...identity, ...filtering, 'operation', 'operations', 'subresource', 'persistent', 'sideEffects', 'ignoreFailures'],
  mutate: [...identity, ...filtering, 'operation', 'operations', 'subresource', 'persistent', 'sideEffects', 'ignoreFailures'],
  startup: [...identity, ...retrying],
  cleanup: [...identity, ...retrying],
  login: [...identity, ...retrying],
  probe: [...identity, ...retrying],
  subhandler: [...identity, ...retrying, ...filtering, ...changeFiltering],
  register: [...identity, ...retrying, 'labels', 'annotations', 'when'],
};

const selectorFields = new Set(['group', 'version', 'plural', 'kind', 'singular', 'shortcut', 'category', 'name', 'predicate']);
const operationNames: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
const activities: Record<ActivityKind, Activity> = { startup: 'startup', cleanup: 'cleanup', login: 'authentication', probe: 'probe' };

/** Options as received: a plain object of any shape until checked. */
export type RawOptions = Readonly<Record<string, unknown>>;

/** A registration call taken apart. */
export interface SplitArguments {
  selector: SelectorArgument[];
  options: RawOptions;
  fn: StoredFn;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeArgument(argument: unknown): string {
  if (argument === EVERYTHING) return 'kopf.EVERYTHING';
  if (typeof argument === 'function') return argument.name ? `[function ${argument.name}]` : '[function]';
  if (isPlainObject(argument)) {
    const fields = Object.entries(argument)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}: ${describeArgument(value)}`);
    return `{ ${fields.join(', ')} }`;
  }
  if (typeof argument === 'symbol') return argument.toString();
  return JSON.stringify(argument) ?? String(argument);
}

/** How errors name a registration: `kopf.on.create("kopfexamples")`. */
export function registrationLabel(kind: HandlerKind, selector: readonly unknown[]): RegistrationLabel {
  return `kopf.on.${kind}(${selector.map(describeArgument).join(', ')})`;
}

/**
 * Takes `(...selector, [options], handler)` apart. The handler comes last; an object right before it
 * is the options when a selector precedes it (a lone object is the selector of a resource handler, the
 * options of an activity).
 */
export function splitArguments(kind: HandlerKind, args: readonly unknown[]): SplitArguments {
  const fn = args[args.length - 1];
  const rest = args.slice(0, -1);
  if (typeof fn !== 'function') {
    throw new RegistrationError(`${registrationLabel(kind, rest)}: the last argument must be the handler function, got ${describeArgument(fn)}`);
  }
  const optionsGiven = rest.length > 0 && isPlainObject(rest[rest.length - 1]) && (isActivityKind(kind) || rest.length > 1);
  const options = optionsGiven ? (rest.pop() as RawOptions) : {};
  if (isActivityKind(kind)) {
    if (rest.length > 0) {
      throw new RegistrationError(`${registrationLabel(kind, rest)}: activity handlers take no resource selector, only options and the handler`);
    }
  } else {
    if (rest.length === 0) {
      throw new RegistrationError(`kopf.on.${kind}(): a resource selector is required, e.g. kopf.on.${kind}('kopfexamples', …)`);
    }
    const spec = rest.length === 1 && isPlainObject(rest[0]) ? rest[0] : undefined;
    const unknown = spec ? Object.keys(spec).filter((key) => !selectorFields.has(key)) : [];
    if (unknown.length > 0) {
      throw new RegistrationError(
        `${registrationLabel(kind, rest)}: unknown selector field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; ` +
          `a selector object has ${[...selectorFields].join(', ')} — handler options come after the selector`,
      );
    }
  }
  return { selector: rest as SelectorArgument[], options, fn: fn as StoredFn };
}

/** Parses the selector, re-throwing its syntax errors as registration errors. */
export function parseSelector(kind: HandlerKind, selector: SelectorArgument[]): ResourceSelector {
  try {
    return ResourceSelector.of(...selector);
  } catch (error) {
    throw new RegistrationError(`${registrationLabel(kind, selector)}: ${(error as Error).message}`, { cause: error });
  }
}

/** Checks the options of one registration: known names, and the value of each. */
class OptionReader {
  constructor(
    private readonly options: RawOptions,
    private readonly label: RegistrationLabel,
  ) {}

  checkNames(kind: HandlerKind | SubhandlerKind): void {
    if (!isPlainObject(this.options)) throw this.error(`the options must be an object, got ${describeArgument(this.options)}`);
    const allowed = allowedOptions[kind];
    for (const name of Object.keys(this.options)) {
      if (!allowed.includes(name)) {
        throw this.error(`option '${name}' does not apply to ${kind} handlers; their options are: ${allowed.join(', ')}`);
      }
    }
  }

  error(message: string): RegistrationError {
    return new RegistrationError(`${this.label}: ${message}`);
  }

  has(name: string): boolean {
    return this.options[name] !== undefined;
  }

  raw(name: string): unknown {
    return this.options[name];
  }

  string(name: string): string | undefined {
    const value = this.options[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw this.error(`option '${name}' must be a non-empty string, got ${describeArgument(value)}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.options[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw this.error(`option '${name}' must be true or false, got ${describeArgument(value)}`);
    return value;
  }

  seconds(name: string): number | undefined {
    const value = this.options[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw this.error(`option '${name}' must be a non-negative number of seconds, got ${describeArgument(value)}`);
    }
    return value;
  }

  count(name: string): number | undefined {
    const value = this.options[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw this.error(`option '${name}' must be a non-negative whole number, got ${describeArgument(value)}`);
    }
    return value;
  }

  callback<F>(name: string): F | undefined {
    const value = this.options[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'function') throw this.error(`option '${name}' must be a function, got ${describeArgument(value)}`);
    return value as F;
  }

  delay(name: string): DelaySpec | undefined {
    return typeof this.options[name] === 'function' ? this.callback<DelaySpec>(name) : this.seconds(name);
  }

  retryPolicy(defaultErrors: ErrorsMode): RetryPolicy {
    const errors = this.options.errors;
    if (errors !== undefined && !errorsModes.includes(errors as ErrorsMode)) {
      throw this.error(`option 'errors' must be one of ${errorsModes.map((m) => `'${m}'`).join(', ')}, got ${describeArgument(errors)}`);
    }
    return {
      errors: (errors as ErrorsMode | undefined) ?? defaultErrors,
      timeout: this.seconds('timeout'),
      retries: this.count('retries'),
      backoff: this.seconds('backoff'),
    };
  }

  metaFilter(name: 'labels' | 'annotations'): ObjectFilters<unknown>['labels'] {
    const filter = this.options[name];
    if (filter === undefined) return undefined;
    if (!isPlainObject(filter)) throw this.error(`option '${name}' must be an object of keys to filters, got ${describeArgument(filter)}`);
    for (const [key, value] of Object.entries(filter)) {
      if (value === null || value === undefined) {
        throw this.error(`${name} filter '${key}' is ${String(value)}; use kopf.PRESENT or kopf.ABSENT`);
      }
      if (typeof value !== 'string' && typeof value !== 'function' && value !== PRESENT && value !== ABSENT) {
        throw this.error(`${name} filter '${key}' must be a string, kopf.PRESENT, kopf.ABSENT or a function, got ${describeArgument(value)}`);
      }
    }
    return Object.freeze({ ...filter }) as ObjectFilters<unknown>['labels'];
  }

  field(): FieldPath | undefined {
    const field = this.options.field;
    if (field === undefined) return undefined;
    const keys: readonly unknown[] | undefined = typeof field === 'string' ? parseField(field) : Array.isArray(field) ? field : undefined;
    if (!keys || keys.length === 0 || keys.some((key) => typeof key !== 'string' || key === '')) {
      throw this.error(`option 'field' must be a dotted string or a list of non-empty keys, got ${describeArgument(field)}`);
    }
    return Object.freeze([...(keys as string[])]);
  }

  /** The object filters; `value/old/new` need `field`, and `value` excludes `old/new` (as in Kopf). */
  filters(field: FieldPath | undefined, fieldNeedsChange: boolean): ObjectFilters<unknown> {
    const hasValue = this.has('value');
    const hasChange = this.has('old') || this.has('new');
    if (!field && (hasValue || hasChange)) throw this.error(`options 'value', 'old' and 'new' need the 'field' they apply to`);
    if (hasValue && hasChange) throw this.error(`option 'value' cannot be combined with 'old'/'new'; use either`);
    return Object.freeze({
      labels: this.metaFilter('labels'),
      annotations: this.metaFilter('annotations'),
      field,
      value: this.raw('value') as ObjectFilters<unknown>['value'],
      old: this.raw('old') as ObjectFilters<unknown>['old'],
      new: this.raw('new') as ObjectFilters<unknown>['new'],
      when: this.callback<WhenFilter<unknown>>('when'),
      fieldNeedsChange,
    });
  }

  operations(): readonly Operation[] | undefined {
    const single = this.options.operation;
    const list = this.options.operations;
    const all: unknown[] = [];
    if (list !== undefined) {
      if (!Array.isArray(list) || list.length === 0) {
        throw this.error(`option 'operations' must be a non-empty list of ${operationNames.join(', ')}; leave it out for all operations`);
      }
      all.push(...list);
    }
    if (single !== undefined) {
      process.emitWarning("The 'operation' option is deprecated; use 'operations: [...]'.", 'DeprecationWarning');
      all.push(single);
    }
    for (const operation of all) {
      if (!operationNames.includes(operation as Operation)) {
        throw this.error(`unknown operation ${describeArgument(operation)}; operations are ${operationNames.join(', ')}`);
      }
    }
    return all.length ? Object.freeze([...new Set(all as Operation[])]) : undefined;
  }
}

/** Builds the record of a `kopf.on.startup/cleanup/login/probe` registration. */
export function buildActivityHandler(kind: ActivityKind, options: RawOptions, fn: StoredFn): ActivityHandler {
  const label = registrationLabel(kind, []);
  const reader = new OptionReader(options, label);
  reader.checkNames(kind);
  return Object.freeze({
    family: 'activities',
    kind,
    activity: activities[kind],
    id: handlerId({ fn, id: reader.string('id') }, label),
    fn,
    param: reader.raw('param'),
    ...reader.retryPolicy('temporary'),
  });
}

/** Builds the record of a `kopf.on.<kind>` registration of a resource handler. */
export function buildResourceHandler(
  kind: ResourceKind,
  selectorArgs: SelectorArgument[],
  options: RawOptions,
  fn: StoredFn,
): ResourceHandler {
  const label = registrationLabel(kind, selectorArgs);
  const reader = new OptionReader(options, label);
  reader.checkNames(kind);
  const selector = parseSelector(kind, selectorArgs);
  const field = reader.field();
  if (kind === 'field' && !field) throw reader.error(`option 'field' is required for field handlers`);
  // Index ids name the index itself, so they never carry the field.
  const suffix = field && kind !== 'index' ? field.join('.') : undefined;
  const common = {
    id: handlerId({ fn, id: reader.string('id'), suffix }, label),
    fn,
    param: reader.raw('param'),
    selector,
    field,
  };
  // What daemons and timers share.
  const spawningCommon = () => ({
    ...common,
    family: 'spawning' as const,
    filters: reader.filters(field, false),
    ...reader.retryPolicy('temporary'),
    requiresFinalizer: reader.boolean('requiresFinalizer') ?? true,
    initialDelay: reader.delay('initialDelay'),
  });
  switch (kind) {
    case 'resume':
    case 'create':
    case 'update':
    case 'delete':
    case 'field': {
      const fieldNeedsChange = kind === 'update' || kind === 'field';
      const record: ChangingHandler = {
        ...common,
        family: 'changing',
        kind,
        filters: reader.filters(field, fieldNeedsChange),
        ...reader.retryPolicy('temporary'),
        reason: kind === 'resume' || kind === 'field' ? undefined : kind,
        initial: kind === 'resume',
        deleted: reader.boolean('deleted') ?? false,
        requiresFinalizer: kind === 'delete' && !(reader.boolean('optional') ?? false),
        fieldNeedsChange,
      };
      return Object.freeze(record);
    }
    case 'event': {
      const record: WatchingHandler = { ...common, family: 'watching', kind, filters: reader.filters(field, false) };
      return Object.freeze(record);
    }
    case 'index': {
      const record: IndexingHandler = {
        ...common,
        family: 'indexing',
        kind,
        filters: reader.filters(field, false),
        ...reader.retryPolicy('ignored'),
      };
      return Object.freeze(record);
    }
    case 'daemon': {
      const record: DaemonHandler = {
        ...spawningCommon(),
        kind,
        cancellationBackoff: reader.seconds('cancellationBackoff'),
        cancellationTimeout: reader.seconds('cancellationTimeout'),
        cancellationPolling: reader.seconds('cancellationPolling'),
      };
      return Object.freeze(record);
    }
    case 'timer': {
      const record: TimerHandler = {
        ...spawningCommon(),
        kind,
        interval: reader.seconds('interval'),
        sharp: reader.boolean('sharp') ?? false,
        idle: reader.seconds('idle'),
      };
      return Object.freeze(record);
    }
    case 'validate':
    case 'mutate': {
      const record: WebhookHandler = {
        ...common,
        family: 'webhooks',
        kind,
        type: kind === 'validate' ? 'validating' : 'mutating',
        errors: 'permanent',
        filters: reader.filters(field, false),
        operations: reader.operations(),
        subresource: reader.string('subresource'),
        persistent: reader.boolean('persistent') ?? false,
        sideEffects: reader.boolean('sideEffects') ?? false,
        ignoreFailures: reader.boolean('ignoreFailures') ?? false,
      };
      return Object.freeze(record);
    }
  }
}

/** Builds the record of a handler from a `kopf.on.<kind>(…)` call's arguments. */
export function buildHandler(kind: HandlerKind, args: readonly unknown[]): Handler {
  const { selector, options, fn } = splitArguments(kind, args);
  return isActivityKind(kind) ? buildActivityHandler(kind, options, fn) : buildResourceHandler(kind, selector, options, fn);
}

/** Builds a sub-handler's record under `parent` (`kopf.subhandler`, `kopf.register`, `kopf.execute`). */
export function buildSubhandler(
  kind: SubhandlerKind,
  parent: ChangingHandler,
  options: RawOptions,
  fn: StoredFn,
): ChangingHandler {
  const label = `kopf.${kind}() in ${parent.kind} handler '${parent.id}'`;
  const reader = new OptionReader(options, label);
  reader.checkNames(kind);
  if (typeof fn !== 'function') throw reader.error(`the handler must be a function, got ${describeArgument(fn)}`);
  // Kopf's rule: old/new need a parent that sees changes — an update, a field handler, or a sub-handler.
  const parentSeesChanges = parent.reason === 'update' || (parent.reason === undefined && !parent.initial);
  if ((reader.has('old') || reader.has('new')) && !parentSeesChanges) {
    throw reader.error(`options 'old'/'new' can only be used under update and field handlers`);
  }
  const field = reader.field();
  const record: ChangingHandler = {
    family: 'changing',
    kind: 'subhandler',
    // Sub-handler ids carry no field suffix, as in Kopf.
    id: handlerId({ fn, id: reader.string('id'), prefix: parent.id }, label),
    fn,
    param: reader.raw('param'),
    selector: undefined,
    field,
    filters: reader.filters(field, parent.fieldNeedsChange),
    ...reader.retryPolicy('temporary'),
    reason: undefined,
    initial: false,
    deleted: false,
    requiresFinalizer: false,
    fieldNeedsChange: parent.fieldNeedsChange,
  };
  return Object.freeze(record);
}
