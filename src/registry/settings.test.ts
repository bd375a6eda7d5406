import { describe, expect, it } from 'vitest';
import { AnnotationsDiffBaseStorage, StatusDiffBaseStorage } from '../core/diff-base.ts';
import { SmartProgressStorage } from '../core/progress-storage.ts';
import { EVERYTHING } from '../core/resource-selector.ts';
import { Settings } from './settings.ts';

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
      workerLimit: null,
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
