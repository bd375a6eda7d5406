/**
 * The registration API as users import it from the package: `kopf.on.*` and friends are exported, and the
 * handlers' `api` is the client's API (merged into `HandlerApi` by the entry point, since the registry layer
 * cannot import the client).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as kopf from '../../src/index.ts';

describe('the package entry point', () => {
  it('exports the registration API', () => {
    const original = kopf.getDefaultRegistry();
    const registry = new kopf.Registry();
    kopf.setDefaultRegistry(registry);
    try {
      kopf.on.create('kopfexamples', { labels: { app: kopf.PRESENT }, when: kopf.not(() => false) }, async function createFn() {});
      expect(registry.handlers.map((handler) => handler.id)).toEqual(['createFn']);
    } finally {
      kopf.setDefaultRegistry(original);
    }
    expect(new kopf.TemporaryError('x', { delay: 1 })).toBeInstanceOf(Error);
    expect(kopf.Settings().persistence.progressStorage).toBeInstanceOf(kopf.SmartProgressStorage);
    expect(typeof kopf.EVERYTHING).toBe('symbol');
  });

  it('exports the running operator, logging, Events and lifecycles', () => {
    for (const fn of [kopf.operator, kopf.run, kopf.configure, kopf.event, kopf.info, kopf.warn, kopf.exception]) expect(fn).toBeTypeOf('function');
    expect(Object.keys(kopf.lifecycles).sort()).toEqual(['allAtOnce', 'asap', 'oneByOne', 'randomized', 'shuffled']);
  });

  it("types handlers' api as the client's API", () => {
    new kopf.Registry().on.create('kopfexamples', async function usesApi({ api }) {
      expectTypeOf(api).toExtend<kopf.Api>();
      expectTypeOf(api.get).toBeFunction();
      expectTypeOf(api.list).toBeFunction();
    });
  });
});
