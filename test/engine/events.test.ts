/**
 * Kubernetes Events from a running operator: `kopf.info/warn/exception` about the handled object (the
 * default) or any other, posted by the operator's poster; the framework's own lines become Events only
 * when `posting.loggers` is on (here turned on by a startup handler, as example 04 does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exception, info, warn } from '../../src/engine/event-functions.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { example, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

async function eventsAbout(name: string): Promise<Array<{ type: string; reason: string; message: string; reportingComponent: string }>> {
  const events = await cluster.list('events', { namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
  return events as never;
}

describe('Kubernetes Events', () => {
  it('are posted about the handled object by default, and about any other object', async () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', async function createFn({ api, namespace }) {
      info({ reason: 'Creating', message: 'Hello from the handler.' });
      warn({ reason: 'Careful', message: 'Something looks odd.' });
      exception({ reason: 'Failed', message: 'It broke:', exc: new Error('kaboom') });
      const configMap = await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'child-of-evented', namespace: namespace as string }, data: {} });
      info(configMap, { reason: 'Made', message: 'Made by the operator.' });
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('evented'));
      const events = await cluster.waitFor(async () => {
        const found = await eventsAbout('evented');
        return found.length >= 3 ? found : undefined;
      });
      const summary = events.map(({ type, reason, message }) => ({ type, reason, message }));
      expect(summary).toEqual(
        expect.arrayContaining([
          { type: 'Normal', reason: 'Creating', message: 'Hello from the handler.' },
          { type: 'Warning', reason: 'Careful', message: 'Something looks odd.' },
          { type: 'Error', reason: 'Failed', message: 'It broke: kaboom' },
        ]),
      );
      expect(events.every((event) => event.reportingComponent === 'kopf')).toBe(true);
      const child = await cluster.waitFor(async () => (await eventsAbout('child-of-evented'))[0]);
      expect(child).toMatchObject({ type: 'Normal', reason: 'Made', message: 'Made by the operator.' });
      // The framework's own lines are not posted by default. They would be queued after the handler's own Events:
      // stopping drains the poster, so whatever it was given is posted by then.
      await operator.waitForLine(/^\[default\/evented\] Creation is processed/);
      await operator.stop();
      expect((await eventsAbout('evented')).some((event) => event.reason === 'Logging')).toBe(false);
    } finally {
      await operator.stop();
    }
  });

  it('carry the framework lines when a startup handler turns posting.loggers on', async () => {
    const registry = new Registry();
    registry.on.startup(function configureFn({ settings }) {
      settings.posting.loggers = true;
    });
    registry.on.create('kopfexamples', function createFn() {});
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('logged'));
      const messages = await cluster.waitFor(async () => {
        const found = (await eventsAbout('logged')).filter((event) => event.reason === 'Logging').map((event) => event.message);
        // Events are posted in the background, one after another: wait for the last line of the story.
        return found.includes("Handler 'createFn' succeeded.") && found.includes('Creation is processed: 1 succeeded; 0 failed.') ? found : undefined;
      });
      // Debug lines stay out at the default posting level, and so do the framework's local lines. The patch that
      // ends the handling is logged after the line waited for: stopping drains the poster, so it is posted by then.
      await operator.stop();
      expect(operator.matching(/^\[default\/logged\] Merge-patching/).length).toBeGreaterThan(0);
      const posted = (await eventsAbout('logged')).map((event) => event.message);
      expect(posted).toContain('Creation is processed: 1 succeeded; 0 failed.');
      expect(posted.some((message) => message.startsWith('Merge-patching') || message.startsWith('Creation is in progress'))).toBe(false);
    } finally {
      await operator.stop();
    }
  });

  it('cannot be posted outside a handler of a running operator', () => {
    expect(() => info({ reason: 'Nowhere' })).toThrow(/inside a handler/);
  });
});
