import { describe, expect, it, vi } from 'vitest';
import { ABSENT, PRESENT } from '../core/filters.ts';
import { EVERYTHING, ResourceSelector } from '../core/resource-selector.ts';
import { RegistrationError } from './handler-ids.ts';
import type { ChangingHandler, DaemonHandler, Handler, TimerHandler, WebhookHandler } from './handlers.ts';
import { handlerTitle } from './handlers.ts';
import { handlerKinds } from './kinds.ts';
import { buildSubhandler } from './registration.ts';
import { Registry } from './registry.ts';

/** Registers through a fresh registry's untyped `on`, as plain JavaScript would, and returns the record. */
function register(kind: string, ...args: unknown[]): Handler {
  const registry = new Registry();
  (registry.on as unknown as Record<string, (...a: unknown[]) => unknown>)[kind](...args);
  return registry.handlers[0];
}

function fails(kind: string, ...args: unknown[]): string {
  try {
    register(kind, ...args);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistrationError);
    return (error as Error).message;
  }
  throw new Error('the registration was accepted');
}

async function createFn() {}

describe('every kind', () => {
  it('registers with a selector (resource kinds) or without (activities), and returns the handler', () => {
    for (const kind of handlerKinds) {
      const registry = new Registry();
      const on = registry.on as unknown as Record<string, (...a: unknown[]) => unknown>;
      const fn = function someHandler() {};
      const args = ['startup', 'cleanup', 'login', 'probe'].includes(kind) ? [fn] : kind === 'field' ? ['kopfexamples', { field: 'spec.x' }, fn] : ['kopfexamples', fn];
      expect(on[kind](...args)).toBe(fn);
      expect(registry.handlers).toHaveLength(1);
      expect(registry.handlers[0].kind).toBe(kind);
      expect(registry.handlers[0].fn).toBe(fn);
    }
  });

  it('builds frozen records', () => {
    const handler = register('create', 'kopfexamples', { labels: { app: 'web' } }, createFn) as ChangingHandler;
    expect(Object.isFrozen(handler)).toBe(true);
    expect(Object.isFrozen(handler.filters)).toBe(true);
    expect(Object.isFrozen(handler.filters.labels)).toBe(true);
  });
});

describe('selectors', () => {
  it("accept Kopf's forms and parse them with the resource selector", () => {
    const forms: unknown[][] = [
      ['kopfexamples'],
      ['kopfexamples.kopf.dev'],
      ['v1', 'pods'],
      ['kopf.dev/v1', 'kopfexamples'],
      ['kopf.dev', 'v1', 'kopfexamples'],
      ['KopfExample'],
      ['kex'],
      [{ group: 'kopf.dev', version: 'v1', plural: 'kopfexamples' }],
      [{ category: 'all' }],
      [EVERYTHING],
      ['kopf.dev', EVERYTHING],
      ['kopf.dev', 'v1', EVERYTHING],
      [(resource: { group: string }) => resource.group === 'kopf.dev'],
      [{ group: 'kopf.dev', predicate: () => true }],
    ];
    for (const selector of forms) {
      const handler = register('event', ...selector, function spy() {}) as Extract<Handler, { kind: 'event' }>;
      expect(handler.selector).toBeInstanceOf(ResourceSelector);
      expect(String(handler.selector)).toBe(String(ResourceSelector.of(...(selector as never[]))));
    }
  });

  it('take options after a selector of one to three arguments', () => {
    expect(register('create', 'kopfexamples', { id: 'a' }, createFn).id).toBe('a');
    expect(register('create', 'v1', 'pods', { id: 'b' }, createFn).id).toBe('b');
    expect(register('create', 'kopf.dev', 'v1', 'kopfexamples', { id: 'c' }, createFn).id).toBe('c');
    expect(register('create', { plural: 'pods' }, { id: 'd' }, createFn).id).toBe('d');
  });

  it('are required for resource handlers', () => {
    expect(fails('create', createFn)).toBe("kopf.on.create(): a resource selector is required, e.g. kopf.on.create('kopfexamples', …)");
  });

  it('reject what Kopf rejects, naming the registration', () => {
    expect(fails('create', 'a', 'b', 'c', 'd', createFn)).toMatch(/^kopf\.on\.create\("a", "b", "c", "d"\): a resource selector takes at most 3 arguments/);
    expect(fails('create', '', createFn)).toMatch(/must not be empty/);
    expect(fails('create', { plural: 'a', kind: 'B' }, createFn)).toMatch(/names one thing, not kind and plural/);
  });

  it('reject unknown fields of a selector object, hinting that options come after it', () => {
    expect(fails('create', { id: 'x' }, createFn)).toBe(
      "kopf.on.create({ id: \"x\" }): unknown selector field(s) 'id'; a selector object has group, version, plural, kind, singular, " +
        'shortcut, category, name, predicate — handler options come after the selector',
    );
  });

  it('are not taken by activities', () => {
    expect(fails('startup', 'kopfexamples', createFn)).toMatch(/^kopf\.on\.startup\("kopfexamples"\): activity handlers take no resource selector/);
  });

  it('need a handler function last', () => {
    expect(fails('create', 'kopfexamples')).toBe('kopf.on.create(): the last argument must be the handler function, got "kopfexamples"');
    expect(fails('create', 'kopfexamples', { id: 'x' })).toMatch(/the last argument must be the handler function, got \{ id: "x" \}/);
  });
});

describe('ids', () => {
  it("come from the id option, else from the function's name", () => {
    expect(register('create', 'kopfexamples', { id: 'explicit' }, createFn).id).toBe('explicit');
    expect(register('create', 'kopfexamples', createFn).id).toBe('createFn');
    const arrowFn = () => {};
    expect(register('create', 'kopfexamples', arrowFn).id).toBe('arrowFn');
    expect(register('startup', async function configure() {}).id).toBe('configure');
  });

  it('come from the wrapped function of a bound one', () => {
    expect(register('create', 'kopfexamples', createFn.bind(null)).id).toBe('createFn');
  });

  it('get the field appended for field-aware kinds, except indexes', () => {
    expect(register('field', 'kopfexamples', { field: 'spec.field' }, createFn).id).toBe('createFn/spec.field');
    expect(register('update', 'kopfexamples', { field: ['spec', 'items'] }, createFn).id).toBe('createFn/spec.items');
    expect(register('event', 'kopfexamples', { field: 'status' }, createFn).id).toBe('createFn/status');
    expect(register('create', 'kopfexamples', { id: 'x', field: 'spec.a' }, createFn).id).toBe('x/spec.a');
    expect(register('validate', 'kopfexamples', { field: 'spec.a' }, createFn).id).toBe('createFn/spec.a');
    expect(register('index', 'kopfexamples', { field: 'spec.a' }, createFn).id).toBe('createFn');
  });

  it('reject nameless handlers, naming the registration and how to fix it', () => {
    expect(fails('create', 'kopfexamples', () => {})).toBe(
      'kopf.on.create("kopfexamples"): the handler has no name to derive its id from; ' +
        "pass { id: '…' } or use a named function (ids key the progress stored on objects, so they must stay the same across restarts)",
    );
    expect(register('create', 'kopfexamples', { id: 'named' }, () => {}).id).toBe('named');
  });

  it('reject empty or non-string ids', () => {
    expect(fails('create', 'kopfexamples', { id: '' }, createFn)).toMatch(/option 'id' must be a non-empty string, got ""/);
    expect(fails('create', 'kopfexamples', { id: 5 }, createFn)).toMatch(/option 'id' must be a non-empty string, got 5/);
  });
});

describe('duplicates', () => {
  it('are rejected when another function has the id, naming both registrations', () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', createFn);
    expect(() => registry.on.update('kopfexamples', { id: 'createFn' }, async function other() {})).toThrow(
      new RegistrationError(
        'kopf.on.update("kopfexamples"): handler id \'createFn\' is already used by another function, ' +
          'registered with kopf.on.create("kopfexamples"); pass a distinct { id: \'…\' }',
      ),
    );
  });

  it('are rejected for functions of the same name from different places', () => {
    const registry = new Registry();
    registry.on.create('pods', function handle() {});
    expect(() => registry.on.create('services', function handle() {})).toThrow(/handler id 'handle' is already used by another function/);
  });

  it('are accepted for one function stacked on several kinds or resources (it runs once per cause)', () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', createFn);
    registry.on.resume('kopfexamples', createFn);
    registry.on.create('kopfexamples2', createFn);
    expect(registry.handlers.map((handler) => handler.id)).toEqual(['createFn', 'createFn', 'createFn']);
  });

  it('are only checked within a family: an event handler and a change handler may share an id', () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', { id: 'same' }, createFn);
    registry.on.event('kopfexamples', { id: 'same' }, function spy() {});
    expect(registry.handlers).toHaveLength(2);
  });
});

describe('changing handlers', () => {
  const labels = { app: 'web', tier: PRESENT, legacy: ABSENT, team: (value: string | undefined) => value !== 'x' };
  const annotations = { note: 'yes' };
  const when = () => true;
  const valueFn = (value: unknown) => value !== undefined;

  it('resume: every option', () => {
    const handler = register('resume', 'kopfexamples', {
      id: 'r', param: { p: 1 }, errors: 'permanent', timeout: 30, retries: 3, backoff: 5,
      labels, annotations, when, field: 'spec.a', value: 'v', deleted: true,
    }, createFn) as ChangingHandler;
    expect(handler).toMatchObject({
      family: 'changing', kind: 'resume', id: 'r/spec.a', param: { p: 1 },
      errors: 'permanent', timeout: 30, retries: 3, backoff: 5,
      reason: undefined, initial: true, deleted: true, requiresFinalizer: false, fieldNeedsChange: false,
      field: ['spec', 'a'],
    });
    expect(handler.filters).toEqual({ labels, annotations, when, field: ['spec', 'a'], value: 'v', old: undefined, new: undefined, fieldNeedsChange: false });
  });

  it('create: every option, with defaults where none is given', () => {
    const handler = register('create', 'kopfexamples', {
      labels, annotations, when, field: ['spec', 'a'], value: PRESENT, errors: 'ignored', timeout: 1, retries: 0, backoff: 0,
    }, createFn) as ChangingHandler;
    expect(handler).toMatchObject({ kind: 'create', reason: 'create', initial: false, deleted: false, requiresFinalizer: false, errors: 'ignored', retries: 0 });
    const plain = register('create', 'kopfexamples', createFn) as ChangingHandler;
    expect(plain).toMatchObject({ errors: 'temporary', timeout: undefined, retries: undefined, backoff: undefined, field: undefined, param: undefined });
  });

  it('update: old/new filters and the field change requirement', () => {
    const handler = register('update', 'kopfexamples', { field: 'spec.a', old: ABSENT, new: valueFn }, createFn) as ChangingHandler;
    expect(handler).toMatchObject({ kind: 'update', reason: 'update', fieldNeedsChange: true });
    expect(handler.filters).toMatchObject({ old: ABSENT, new: valueFn, fieldNeedsChange: true });
  });

  it('delete: mandatory (with a finalizer) unless optional', () => {
    expect(register('delete', 'kopfexamples', createFn)).toMatchObject({ reason: 'delete', requiresFinalizer: true });
    expect(register('delete', 'kopfexamples', { optional: true }, createFn)).toMatchObject({ requiresFinalizer: false });
    expect(register('delete', 'kopfexamples', { optional: false }, createFn)).toMatchObject({ requiresFinalizer: true });
  });

  it('field: the field is required; any reason; the field must change', () => {
    expect(fails('field', 'kopfexamples', {}, createFn)).toBe(`kopf.on.field("kopfexamples"): option 'field' is required for field handlers`);
    const handler = register('field', 'kopfexamples', { field: 'spec.a', old: 'x', new: 'y' }, createFn) as ChangingHandler;
    expect(handler).toMatchObject({ kind: 'field', reason: undefined, initial: false, fieldNeedsChange: true, field: ['spec', 'a'] });
  });
});

describe('other resource handlers', () => {
  it('event: filters only, errors ignored', () => {
    const handler = register('event', 'v1', 'pods', { id: 'e', param: 1, labels: { a: 'b' }, when: () => true, field: 'status', value: PRESENT }, createFn);
    expect(handler).toMatchObject({ family: 'watching', kind: 'event', id: 'e/status', param: 1 });
    expect('errors' in handler).toBe(false);
  });

  it('index: retry options, errors ignored by default', () => {
    const handler = register('index', 'pods', { errors: 'temporary', retries: 2, timeout: 3, backoff: 4, field: 'spec.nodeName' }, function byNode() {});
    expect(handler).toMatchObject({ family: 'indexing', kind: 'index', id: 'byNode', errors: 'temporary', retries: 2, timeout: 3, backoff: 4 });
    expect(register('index', 'pods', function byNode() {})).toMatchObject({ errors: 'ignored' });
  });

  it('daemon: every option', () => {
    const delay = () => 3;
    const handler = register('daemon', 'kopfexamples', {
      id: 'd', errors: 'permanent', retries: 1, timeout: 2, backoff: 3, labels: { a: 'b' },
      initialDelay: delay, cancellationBackoff: 1, cancellationTimeout: 2, cancellationPolling: 3, requiresFinalizer: false,
    }, createFn) as DaemonHandler;
    expect(handler).toMatchObject({
      family: 'spawning', kind: 'daemon', initialDelay: delay, cancellationBackoff: 1, cancellationTimeout: 2, cancellationPolling: 3,
      requiresFinalizer: false, errors: 'permanent',
    });
    expect(register('daemon', 'kopfexamples', { initialDelay: 5 }, createFn)).toMatchObject({ initialDelay: 5, requiresFinalizer: true, errors: 'temporary' });
  });

  it('timer: every option', () => {
    const handler = register('timer', 'kopfexamples', {
      interval: 10, initialDelay: 1, sharp: true, idle: 5, requiresFinalizer: true, retries: 1, field: 'spec.a', value: 'x',
    }, createFn) as TimerHandler;
    expect(handler).toMatchObject({ family: 'spawning', kind: 'timer', id: 'createFn/spec.a', interval: 10, initialDelay: 1, sharp: true, idle: 5, requiresFinalizer: true });
    expect(register('timer', 'kopfexamples', createFn)).toMatchObject({ interval: undefined, sharp: false, idle: undefined, requiresFinalizer: true });
  });

  it('validate and mutate: webhook options, errors always permanent', () => {
    const validating = register('validate', 'kopfexamples', {
      operations: ['CREATE', 'UPDATE'], subresource: '*', persistent: true, sideEffects: true, ignoreFailures: true, labels: { a: PRESENT },
    }, createFn) as WebhookHandler;
    expect(validating).toMatchObject({
      family: 'webhooks', kind: 'validate', type: 'validating', errors: 'permanent',
      operations: ['CREATE', 'UPDATE'], subresource: '*', persistent: true, sideEffects: true, ignoreFailures: true,
    });
    const mutating = register('mutate', 'kopfexamples', createFn) as WebhookHandler;
    expect(mutating).toMatchObject({ kind: 'mutate', type: 'mutating', operations: undefined, subresource: undefined, persistent: false, sideEffects: false, ignoreFailures: false });
  });

  it('validate: the deprecated single operation is merged into operations, with a warning', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const handler = register('validate', 'kopfexamples', { operation: 'DELETE', operations: ['CREATE'] }, createFn) as WebhookHandler;
      expect(handler.operations).toEqual(['CREATE', 'DELETE']);
      expect(warn).toHaveBeenCalledWith("The 'operation' option is deprecated; use 'operations: [...]'.", 'DeprecationWarning');
    } finally {
      warn.mockRestore();
    }
  });

  it('validate: operations must be a non-empty list of known ones', () => {
    expect(fails('validate', 'kopfexamples', { operations: [] }, createFn)).toMatch(/option 'operations' must be a non-empty list of CREATE, UPDATE, DELETE, CONNECT/);
    expect(fails('validate', 'kopfexamples', { operations: ['PATCH'] }, createFn)).toMatch(/unknown operation "PATCH"/);
  });
});

describe('activities', () => {
  it('take identity and retry options, and know their activity', () => {
    expect(register('startup', { id: 's', param: 'p', errors: 'permanent', timeout: 1, retries: 2, backoff: 3 }, createFn)).toEqual({
      family: 'activities', kind: 'startup', activity: 'startup', id: 's', fn: createFn, param: 'p',
      errors: 'permanent', timeout: 1, retries: 2, backoff: 3,
    });
    expect(register('cleanup', createFn)).toMatchObject({ activity: 'cleanup', errors: 'temporary' });
    expect(register('login', createFn)).toMatchObject({ activity: 'authentication' });
    expect(register('probe', createFn)).toMatchObject({ activity: 'probe' });
  });
});

describe('option checks', () => {
  it('reject options that do not apply to the kind, listing those that do', () => {
    expect(fails('create', 'kopfexamples', { optional: true }, createFn)).toBe(
      "kopf.on.create(\"kopfexamples\"): option 'optional' does not apply to create handlers; their options are: " +
        'id, param, errors, timeout, retries, backoff, labels, annotations, when, field, value',
    );
    expect(fails('event', 'kopfexamples', { retries: 1 }, createFn)).toMatch(/option 'retries' does not apply to event handlers/);
    expect(fails('create', 'kopfexamples', { field: 'spec.a', old: 'x' }, createFn)).toMatch(/option 'old' does not apply to create handlers/);
    expect(fails('startup', { labels: {} }, createFn)).toMatch(/option 'labels' does not apply to startup handlers/);
    expect(fails('validate', 'kopfexamples', { errors: 'temporary' }, createFn)).toMatch(/option 'errors' does not apply to validate handlers/);
    expect(fails('timer', 'kopfexamples', { cancellationTimeout: 1 }, createFn)).toMatch(/option 'cancellationTimeout' does not apply to timer handlers/);
    expect(fails('resume', 'kopfexamples', { optional: true }, createFn)).toMatch(/option 'optional' does not apply to resume handlers/);
  });

  it('ignore options given as undefined', () => {
    expect(register('create', 'kopfexamples', { id: undefined, timeout: undefined, labels: undefined }, createFn)).toMatchObject({ id: 'createFn', timeout: undefined });
  });

  it('check value types', () => {
    expect(fails('create', 'kopfexamples', { errors: 'fatal' }, createFn)).toMatch(/option 'errors' must be one of 'temporary', 'permanent', 'ignored', got "fatal"/);
    expect(fails('create', 'kopfexamples', { timeout: -1 }, createFn)).toMatch(/option 'timeout' must be a non-negative number of seconds, got -1/);
    expect(fails('create', 'kopfexamples', { backoff: '5' }, createFn)).toMatch(/option 'backoff' must be a non-negative number of seconds, got "5"/);
    expect(fails('create', 'kopfexamples', { retries: 1.5 }, createFn)).toMatch(/option 'retries' must be a non-negative whole number, got 1.5/);
    expect(fails('delete', 'kopfexamples', { optional: 'yes' }, createFn)).toMatch(/option 'optional' must be true or false, got "yes"/);
    expect(fails('create', 'kopfexamples', { when: true }, createFn)).toMatch(/option 'when' must be a function, got true/);
    expect(fails('daemon', 'kopfexamples', { initialDelay: 'soon' }, createFn)).toMatch(/option 'initialDelay' must be a non-negative number of seconds/);
    expect(fails('timer', 'kopfexamples', { interval: Infinity }, createFn)).toMatch(/option 'interval' must be a non-negative number of seconds/);
    expect(fails('validate', 'kopfexamples', { subresource: '' }, createFn)).toMatch(/option 'subresource' must be a non-empty string/);
  });

  it('reject null label and annotation filters, pointing to PRESENT and ABSENT', () => {
    expect(fails('create', 'kopfexamples', { labels: { app: null } }, createFn)).toBe(
      `kopf.on.create("kopfexamples"): labels filter 'app' is null; use kopf.PRESENT or kopf.ABSENT`,
    );
    expect(fails('create', 'kopfexamples', { annotations: { a: 5 } }, createFn)).toMatch(/annotations filter 'a' must be a string, kopf.PRESENT, kopf.ABSENT or a function, got 5/);
    expect(fails('create', 'kopfexamples', { labels: 'app=web' }, createFn)).toMatch(/option 'labels' must be an object of keys to filters/);
  });

  it('require a field for value/old/new, and forbid value with old/new', () => {
    expect(fails('create', 'kopfexamples', { value: 'x' }, createFn)).toMatch(/options 'value', 'old' and 'new' need the 'field' they apply to/);
    expect(fails('update', 'kopfexamples', { new: 'x' }, createFn)).toMatch(/need the 'field'/);
    expect(fails('update', 'kopfexamples', { field: 'spec.a', value: 'x', old: 'y' }, createFn)).toMatch(/option 'value' cannot be combined with 'old'\/'new'/);
  });

  it('reject malformed fields', () => {
    for (const field of ['', 'spec..a', [], ['spec', ''], 5]) {
      expect(fails('create', 'kopfexamples', { field }, createFn)).toMatch(/option 'field' must be a dotted string or a list of non-empty keys/);
    }
  });
});

describe('sub-handlers', () => {
  const parent = register('update', 'kopfexamples', { field: 'spec.items' }, async function updateFn() {}) as ChangingHandler;

  it('are prefixed with the parent id, get no field suffix, and inherit the change requirement', () => {
    const handler = buildSubhandler('subhandler', parent, { id: 'item1', field: 'spec.items.a', old: PRESENT }, createFn);
    expect(handler).toMatchObject({
      family: 'changing', kind: 'subhandler', id: 'updateFn/spec.items/item1', selector: undefined,
      reason: undefined, initial: false, requiresFinalizer: false, fieldNeedsChange: true,
    });
    expect(buildSubhandler('register', parent, {}, createFn).id).toBe('updateFn/spec.items/createFn');
  });

  it('take old/new only under update and field handlers (or other sub-handlers)', () => {
    const create = register('create', 'kopfexamples', createFn) as ChangingHandler;
    expect(() => buildSubhandler('subhandler', create, { field: 'spec.a', new: 'x' }, async function sub() {})).toThrow(
      "kopf.subhandler() in create handler 'createFn': options 'old'/'new' can only be used under update and field handlers",
    );
    const child = buildSubhandler('subhandler', parent, {}, async function child() {});
    expect(buildSubhandler('subhandler', child, { field: 'spec.a', new: 'x' }, async function grandchild() {}).id).toBe(
      'updateFn/spec.items/child/grandchild',
    );
  });

  it('of kopf.register take no field filters', () => {
    expect(() => buildSubhandler('register', parent, { field: 'spec.a' }, createFn)).toThrow(/option 'field' does not apply to register handlers/);
  });

  it('reject nameless functions without an id', () => {
    expect(() => buildSubhandler('register', parent, {}, () => {})).toThrow(/the handler has no name to derive its id from/);
  });
});

describe('handler titles', () => {
  it("are Kopf's log forms", () => {
    expect(handlerTitle(register('create', 'x', createFn))).toBe("Handler 'createFn'");
    expect(handlerTitle(register('event', 'x', createFn))).toBe("Handler 'createFn'");
    expect(handlerTitle(register('daemon', 'x', createFn))).toBe("Daemon 'createFn'");
    expect(handlerTitle(register('timer', 'x', createFn))).toBe("Timer 'createFn'");
    expect(handlerTitle(register('index', 'x', createFn))).toBe("Indexer 'createFn'");
    expect(handlerTitle(register('mutate', 'x', createFn))).toBe("Webhook 'createFn'");
    expect(handlerTitle(register('probe', createFn))).toBe("Activity 'createFn'");
    expect(handlerTitle(register('create', 'x', { id: "it's" }, createFn))).toBe(`Handler "it's"`);
  });

  it('quote ids as the retry lines do (backslashes doubled)', () => {
    expect(handlerTitle(register('create', 'x', { id: 'a\\b' }, createFn))).toBe("Handler 'a\\\\b'");
  });
});
