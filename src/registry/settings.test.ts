import { describe, expect, it } from 'vitest';
import { AnnotationsDiffBaseStorage, StatusDiffBaseStorage } from '../core/diff-base.ts';
import { SmartProgressStorage } from '../core/progress-storage.ts';
import { EVERYTHING } from '../core/resource-selector.ts';
import { checkSettings, Settings, type OperatorSettings } from './settings.ts';

describe('Settings defaults', () => {
  it("are Kopf's, group by group", () => {
    const settings = Settings();
    expect(settings.process).toEqual({ ultimateExitingTimeout: 600 });
    expect(settings.posting).toEqual({
      enabled: true,
      loggers: false,
      level: 'info',
      reportingComponent: 'kopf',
      reportingInstance: 'dev',
      eventNamePrefix: 'kopf-event-',
      defaultBackoffs: [1, 1, 2, 3, 5, 8, 13, 21],
      loggingBackoffs: [1, 1, 2, 3, 5],
      workerLimit: null,
      idleTimeout: 1,
    });
    expect({ ...settings.peering }).toEqual({
      name: 'default',
      stealth: false,
      priority: 0,
      lifetime: 60,
      mandatory: false,
      standalone: false,
      clusterwide: false,
      namespaced: true,
    });
    expect(settings.watching).toEqual({
      serverTimeout: null,
      clientTimeout: null,
      connectTimeout: null,
      reconnectBackoff: 0.1,
      inactivityTimeout: 70,
      chunkSize: null,
      initialStreaming: false,
      labelSelectors: new Map(),
      fieldSelectors: new Map(),
      shardSelectors: new Map(),
    });
    expect(settings.queueing).toEqual({
      workerLimit: 64,
      idleTimeout: 5,
      exitTimeout: 2,
      errorDelays: [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610],
    });
    expect(settings.scanning).toEqual({ disabled: false });
    expect(settings.admission).toEqual({ server: null, managed: null });
    expect(settings.execution).toEqual({ defaultBackoff: 60 });
    expect(settings.background).toEqual({ cancellationPolling: 60, instantExitTimeout: null, instantExitZeroTimeCycles: 10 });
    expect(settings.networking).toEqual({
      requestTimeout: 300,
      connectTimeout: null,
      errorBackoffs: [1, 1, 2, 3, 5, 8, 13, 21],
      enforceRetryAfter: false,
      trustEnv: false,
      connectionLimit: 32,
    });
    expect(settings.persistence.finalizer).toBe('kopf.zalando.org/KopfFinalizerMarker');
    expect(settings.persistence.consistencyTimeout).toBe(5);
    expect(settings.persistence.progressStorage).toBeInstanceOf(SmartProgressStorage);
    expect(settings.persistence.diffbaseStorage).toBeInstanceOf(AnnotationsDiffBaseStorage);
  });

  it('are fresh objects for every tree, so changing one leaves the others alone', () => {
    const first = Settings();
    const second = Settings();
    first.posting.enabled = false;
    (first.queueing.errorDelays as number[]).push(1000);
    first.watching.labelSelectors.set('pods', 'app=web');
    expect(second.posting.enabled).toBe(true);
    expect(second.queueing.errorDelays).toHaveLength(15);
    expect(second.watching.labelSelectors.size).toBe(0);
    expect(second.persistence.progressStorage).not.toBe(first.persistence.progressStorage);
  });
});

describe('Settings overrides', () => {
  it('change the given fields and keep the other defaults', () => {
    const storage = new StatusDiffBaseStorage();
    const settings = Settings({
      posting: { enabled: false, level: 'warn' },
      persistence: { diffbaseStorage: storage, finalizer: 'example.com/finalizer' },
      watching: { labelSelectors: new Map([[EVERYTHING, 'team=a']]) },
    });
    expect(settings.posting.enabled).toBe(false);
    expect(settings.posting.level).toBe('warn');
    expect(settings.posting.reportingComponent).toBe('kopf');
    expect(settings.persistence.diffbaseStorage).toBe(storage);
    expect(settings.persistence.finalizer).toBe('example.com/finalizer');
    expect(settings.persistence.progressStorage).toBeInstanceOf(SmartProgressStorage);
    expect(settings.watching.labelSelectors.get(EVERYTHING)).toBe('team=a');
  });

  it('reject unknown groups and fields, naming what exists', () => {
    expect(() => Settings({ postin: {} } as never)).toThrow(/Unknown settings group 'postin'; known groups: process, posting/);
    expect(() => Settings({ posting: { enable: false } } as never)).toThrow(
      /Unknown setting 'posting.enable'; known settings of 'posting': enabled, loggers/,
    );
  });
});

describe('peering.namespaced', () => {
  it('is the inverse of clusterwide, both ways', () => {
    const settings = Settings();
    settings.peering.namespaced = false;
    expect(settings.peering.clusterwide).toBe(true);
    settings.peering.clusterwide = false;
    expect(settings.peering.namespaced).toBe(true);
    expect(Settings({ peering: { namespaced: false } }).peering.clusterwide).toBe(true);
  });
});

describe('batching', () => {
  it('is the deprecated alias of queueing: the same object', () => {
    const settings = Settings();
    expect(settings.batching).toBe(settings.queueing);
    settings.batching.workerLimit = 3;
    expect(settings.queueing.workerLimit).toBe(3);
  });
});

describe('checkSettings', () => {
  /** The error checkSettings throws after `change` is applied to a fresh default tree. */
  function errorAfter(change: (settings: OperatorSettings) => void): string | undefined {
    const settings = Settings();
    change(settings);
    try {
      checkSettings(settings);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      return (error as TypeError).message;
    }
  }
  const loose = (settings: OperatorSettings) => settings as unknown as Record<string, Record<string, unknown>>;

  it('accepts the defaults and sensible changes', () => {
    expect(() => checkSettings(Settings())).not.toThrow();
    const settings = Settings({
      queueing: { workerLimit: 10, errorDelays: [] },
      watching: { serverTimeout: 300, chunkSize: 500, labelSelectors: new Map([['pods', 'app=web']]) },
      networking: { errorBackoffs: 3, requestTimeout: null },
      posting: { level: 'error', defaultBackoffs: new Set([1, 2]) },
      admission: { server: async function* () {}, managed: 'kopf-webhooks' },
    });
    settings.networking.errorBackoffs = (function* endless() {
      for (;;) yield 1;
    })();
    expect(() => checkSettings(settings)).not.toThrow();
  });

  it('names the field, what it must be, and what it is', () => {
    expect(errorAfter((s) => (s.queueing.workerLimit = -1))).toBe('settings.queueing.workerLimit must be a positive integer or null, not -1');
    expect(errorAfter((s) => (s.queueing.workerLimit = 1.5))).toBe('settings.queueing.workerLimit must be a positive integer or null, not 1.5');
    expect(errorAfter((s) => (s.watching.chunkSize = 0))).toBe('settings.watching.chunkSize must be a positive integer or null, not 0');
    expect(errorAfter((s) => (s.posting.workerLimit = '3' as never))).toBe('settings.posting.workerLimit must be a positive integer or null, not "3"');
  });

  it('wants non-negative finite numbers for durations', () => {
    expect(errorAfter((s) => (s.persistence.consistencyTimeout = -1))).toBe('settings.persistence.consistencyTimeout must be a non-negative number, not -1');
    expect(errorAfter((s) => (s.queueing.idleTimeout = NaN))).toBe('settings.queueing.idleTimeout must be a non-negative number, not NaN');
    expect(errorAfter((s) => (s.networking.requestTimeout = Infinity))).toBe('settings.networking.requestTimeout must be a non-negative number or null, not Infinity');
    expect(errorAfter((s) => (s.process.ultimateExitingTimeout = undefined as never))).toBe('settings.process.ultimateExitingTimeout must be a non-negative number or null, not undefined');
    expect(errorAfter((s) => (s.execution.defaultBackoff = null as never))).toBe('settings.execution.defaultBackoff must be a non-negative number, not null');
    expect(errorAfter((s) => (s.watching.serverTimeout = 1.5))).toBe('settings.watching.serverTimeout must be a positive integer or null, not 1.5');
    expect(errorAfter((s) => (s.watching.serverTimeout = 0))).toBe('settings.watching.serverTimeout must be a positive integer or null, not 0');
  });

  it('wants booleans, strings, integers and known levels', () => {
    expect(errorAfter((s) => (s.posting.enabled = 'yes' as never))).toBe('settings.posting.enabled must be a boolean, not "yes"');
    expect(errorAfter((s) => (s.posting.reportingComponent = 5 as never))).toBe('settings.posting.reportingComponent must be a string, not 5');
    expect(errorAfter((s) => (s.persistence.finalizer = ''))).toBe('settings.persistence.finalizer must be a non-empty string, not ""');
    expect(errorAfter((s) => (s.peering.priority = 0.5))).toBe('settings.peering.priority must be an integer, not 0.5');
    expect(errorAfter((s) => (s.peering.priority = -10))).toBeUndefined();
    expect(errorAfter((s) => (s.posting.level = 'warning' as never))).toBe(
      'settings.posting.level must be one of "debug", "info", "warn", "error", "fatal", not "warning"',
    );
    expect(errorAfter((s) => (s.posting.level = 30 as never))).toMatch(/^settings.posting.level must be one of .*, not 30$/);
  });

  it('checks backoffs: a number, an array of them (item by item), or another iterable', () => {
    expect(errorAfter((s) => (s.networking.errorBackoffs = -1))).toBe('settings.networking.errorBackoffs must be a non-negative number, not -1');
    expect(errorAfter((s) => (s.networking.errorBackoffs = [1, 2, -3]))).toBe('settings.networking.errorBackoffs[2] must be a non-negative number, not -3');
    expect(errorAfter((s) => (s.posting.loggingBackoffs = '1,2' as never))).toBe(
      'settings.posting.loggingBackoffs must be a non-negative number or an iterable of them, not "1,2"',
    );
    expect(errorAfter((s) => (s.posting.defaultBackoffs = { a: 1 } as never))).toBe(
      'settings.posting.defaultBackoffs must be a non-negative number or an iterable of them, not an object',
    );
  });

  it('checks errorDelays as an array of non-negative numbers', () => {
    expect(errorAfter((s) => (s.queueing.errorDelays = 5 as never))).toBe('settings.queueing.errorDelays must be an array of non-negative numbers, not 5');
    expect(errorAfter((s) => (s.queueing.errorDelays = [1, 'x'] as never))).toBe('settings.queueing.errorDelays[1] must be a non-negative number, not "x"');
  });

  it('checks the selector maps', () => {
    expect(errorAfter((s) => (s.watching.labelSelectors = { pods: 'a=b' } as never))).toBe(
      'settings.watching.labelSelectors must be a Map of selectors to strings, not an object',
    );
    expect(errorAfter((s) => s.watching.fieldSelectors.set('pods', 5 as never))).toBe(
      'settings.watching.fieldSelectors must be a Map of selectors to strings, not a Map holding 5',
    );
  });

  it('checks the storages by the methods of their interfaces', () => {
    expect(errorAfter((s) => (s.persistence.progressStorage = null as never))).toBe(
      'settings.persistence.progressStorage must be a progress storage (an object with the methods fetch, store, purge, touch, clear), not null',
    );
    const { touch: _, ...withoutTouch } = { fetch() {}, store() {}, purge() {}, touch() {}, clear() {} };
    expect(errorAfter((s) => (s.persistence.progressStorage = withoutTouch as never))).toBe(
      'settings.persistence.progressStorage must be a progress storage (an object with the methods fetch, store, purge, touch, clear), not an object without touch()',
    );
    expect(errorAfter((s) => (s.persistence.diffbaseStorage = new SmartProgressStorage() as never))).toBe(
      'settings.persistence.diffbaseStorage must be a diff-base storage (an object with the methods fetch, store, build), not an object without build()',
    );
    const custom = { fetch: () => undefined, store: () => {}, build: () => ({}) };
    expect(errorAfter((s) => (s.persistence.diffbaseStorage = custom))).toBeUndefined();
  });

  it('checks the webhook server and the managed configuration name', () => {
    expect(errorAfter((s) => (s.admission.server = 'https://x' as never))).toBe('settings.admission.server must be a function or null, not "https://x"');
    expect(errorAfter((s) => (s.admission.managed = ''))).toBe('settings.admission.managed must be a non-empty string or null, not ""');
  });

  it('rejects groups that are not objects, and unknown groups and fields', () => {
    expect(errorAfter((s) => (loose(s).posting = null as never))).toBe('settings.posting must be an object, not null');
    expect(errorAfter((s) => (loose(s).posting.enable = false))).toBe(
      'settings.posting.enable is not a setting; known settings of posting: enabled, loggers, level, reportingComponent, reportingInstance, '
        + 'eventNamePrefix, defaultBackoffs, loggingBackoffs, workerLimit, idleTimeout',
    );
    expect(errorAfter((s) => (loose(s).postin = {}))).toMatch(/^settings.postin is not a settings group; known groups: process, posting, peering/);
  });
});
