import { afterEach, describe, expect, it, vi } from 'vitest';
import { PRESENT } from '../core/filters.ts';
import { asap } from '../core/lifecycles.ts';
import type { Resource } from '../core/resource-selector.ts';
import { RegistrationError } from './handler-ids.ts';
import type { ChangingHandler } from './handlers.ts';
import { Registry } from './registry.ts';
import {
  execute,
  executionRegistry,
  installSubhandlingRuntime,
  register,
  subhandler,
  SubRegistry,
  type ExecuteRequest,
  type SubhandlingScope,
} from './subhandlers.ts';
import { kopfExamples } from '../../test/support/resources.ts';

const kex: Resource = { ...kopfExamples, subresources: [] };

function parentHandler(kind: 'create' | 'update' = 'create'): ChangingHandler {
  const registry = new Registry();
  registry.on[kind]('kopfexamples', async function parentFn() {});
  return registry.handlers[0] as ChangingHandler;
}

/** A stand-in for the engine: one scope at a time, and a record of what execute() was asked. */
function installFakeRuntime(scope: SubhandlingScope | undefined) {
  const requests: ExecuteRequest[] = [];
  installSubhandlingRuntime({
    currentScope: () => scope,
    execute: async (request) => {
      requests.push(request);
    },
  });
  return requests;
}

afterEach(() => installSubhandlingRuntime(undefined));

describe('the installed runtime', () => {
  it('is shared with a second copy of the module (another kopf-ts in the process)', async () => {
    vi.resetModules();
    const copy = await import('./subhandlers.ts');
    const scope = { parent: parentHandler(), registry: new SubRegistry() };
    installFakeRuntime(scope);
    copy.subhandler({ id: 'item' }, async function viaCopy() {});
    expect(scope.registry.handlers.map((handler) => handler.id)).toEqual(['parentFn/item']);
    copy.installSubhandlingRuntime(undefined);
    expect(() => subhandler(async function after() {})).toThrow(RegistrationError);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('kopf-ts.subhandling-runtime')]).toBeUndefined();
  });
});

describe('kopf.subhandler and kopf.register', () => {
  it('add sub-handlers with parent-prefixed ids to the running handler’s registry', () => {
    const scope = { parent: parentHandler(), registry: new SubRegistry() };
    installFakeRuntime(scope);
    const fn = async function createItem() {};
    expect(subhandler({ id: 'item-1', labels: { app: PRESENT } }, fn)).toBe(fn);
    expect(subhandler(async function plain() {})).toBeTypeOf('function');
    expect(register(async function registered() {}, { id: 'item-2', retries: 3 })).toBeTypeOf('function');
    expect(scope.registry.handlers.map((handler) => handler.id)).toEqual(['parentFn/item-1', 'parentFn/plain', 'parentFn/item-2']);
    expect(scope.registry.handlers[2]).toMatchObject({ kind: 'subhandler', retries: 3, selector: undefined });
  });

  it('reject duplicates within one invocation', () => {
    const scope = { parent: parentHandler(), registry: new SubRegistry() };
    installFakeRuntime(scope);
    subhandler({ id: 'x' }, async function one() {});
    expect(() => subhandler({ id: 'x' }, async function two() {})).toThrow(/handler id 'parentFn\/x' is already used by another function/);
  });

  it('fail clearly outside a running changing handler', () => {
    expect(() => subhandler(async function x() {})).toThrow(
      new RegistrationError('kopf.subhandler() can only be used inside a running resume/create/update/delete/field handler (or a sub-handler of one)'),
    );
    installFakeRuntime(undefined);
    expect(() => register(async function x() {})).toThrow(/kopf.register\(\) can only be used inside a running/);
  });
});

describe('SubRegistry', () => {
  it('selects sub-handlers by their filters, for the parent’s cause', () => {
    const scope = { parent: parentHandler('update'), registry: new SubRegistry() };
    installFakeRuntime(scope);
    subhandler({ id: 'a' }, async function a() {});
    subhandler({ id: 'b', labels: { app: 'db' } }, async function b() {});
    subhandler({ id: 'c', field: 'spec.field', new: 'b' }, async function c() {});
    const subject = {
      resource: kex,
      body: { metadata: { labels: { app: 'web' } } },
      context: () => ({}),
      reason: 'update' as const,
      initial: false,
      deleted: false,
      old: { spec: { field: 'a' } },
      new: { spec: { field: 'b' } },
    };
    expect(scope.registry.handlersFor(subject).map((handler) => handler.id)).toEqual(['parentFn/a', 'parentFn/c']);
    expect(scope.registry.handlersFor(subject, new Set(['parentFn/a'])).map((handler) => handler.id)).toEqual(['parentFn/c']);
  });
});

describe('kopf.execute', () => {
  it('asks the engine to run the accumulated sub-handlers when given nothing', async () => {
    const requests = installFakeRuntime({ parent: parentHandler(), registry: new SubRegistry() });
    await execute();
    expect(requests).toEqual([{ registry: undefined, lifecycle: undefined }]);
  });

  it('builds a sub-registry from functions by id, or from named functions', async () => {
    const requests = installFakeRuntime({ parent: parentHandler(), registry: new SubRegistry() });
    await execute({ fns: { first: async () => {}, second: async () => {} }, lifecycle: asap });
    await execute({ fns: [async function third() {}] });
    expect(requests[0].registry!.handlers.map((handler) => handler.id)).toEqual(['parentFn/first', 'parentFn/second']);
    expect(requests[0].lifecycle).toBe(asap);
    expect(requests[1].registry!.handlers.map((handler) => handler.id)).toEqual(['parentFn/third']);
  });

  it('uses ready handlers and registries as they are', () => {
    const parent = parentHandler();
    const registry = new SubRegistry();
    expect(executionRegistry(parent, { registry })).toBe(registry);
    const ready = parentHandler('update');
    expect(executionRegistry(parent, { handlers: [ready] })!.handlers).toEqual([ready]);
  });

  it('takes only one source of sub-handlers, and named functions in lists', () => {
    const parent = parentHandler();
    expect(() => executionRegistry(parent, { fns: [], registry: new SubRegistry() })).toThrow('kopf.execute(): pass only one of fns, handlers, registry');
    expect(() => executionRegistry(parent, { fns: [async () => {}] })).toThrow(/the handler has no name to derive its id from/);
    expect(() => executionRegistry(parent, { fns: { x: 'not a function' as never } })).toThrow('kopf.execute(): fns must be functions, got string');
  });

  it('fails clearly outside a running changing handler', async () => {
    await expect(execute()).rejects.toThrow(/kopf.execute\(\) can only be used inside a running/);
  });
});
