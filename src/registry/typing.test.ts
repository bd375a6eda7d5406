/**
 * Type-level tests of the registration API: `npx tsc --noEmit` fails if the typing breaks (wrong
 * body types, options accepted where they do not apply, members missing from a context). At run time
 * the registrations go into a throwaway registry.
 */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Event as CoreEvent, Pod } from 'kubernetes-types/core/v1.js';
import type { Event as EventsEvent } from 'kubernetes-types/events/v1.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Diff } from '../core/diff.ts';
import { EVERYTHING, type Resource } from '../core/resource-selector.ts';
import type { DaemonStopped, Operation, Patch, Reason, WatchEventType } from './context.ts';
import { RegistrationError } from './handler-ids.ts';
import type { AnyObject, Body } from './objects.ts';
import { Registry } from './registry.ts';
import type { OperatorSettings } from './settings.ts';
import { subhandler } from './subhandlers.ts';

interface KopfExample {
  apiVersion?: 'kopf.dev/v1';
  kind?: 'KopfExample';
  metadata?: { name?: string; namespace?: string };
  spec?: { duration?: string; field?: string; items?: string[] };
  status?: { createFn?: { message: string } };
}

const { on } = new Registry();

describe('the body type', () => {
  it('is the type argument when given', () => {
    on.create<KopfExample>('kopfexamples', function typedCreate({ body, spec, status }) {
      expectTypeOf(body).toEqualTypeOf<Readonly<Body<KopfExample>>>();
      expectTypeOf(spec).toEqualTypeOf<Readonly<NonNullable<KopfExample['spec']>>>();
      expectTypeOf(spec.items).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(status.createFn).toEqualTypeOf<{ message: string } | undefined>();
    });
    on.update<KopfExample>('kopf.dev', 'v1', 'kopfexamples', { field: 'spec.field' }, function typedUpdate({ spec }) {
      expectTypeOf(spec.field).toEqualTypeOf<string | undefined>();
    });
  });

  it('is loosely typed when nothing is known', () => {
    on.create('kopfexamples', function looseCreate({ body, spec, status }) {
      expectTypeOf(body).toEqualTypeOf<Readonly<Body<AnyObject>>>();
      expectTypeOf(spec.anything).toBeAny();
      expectTypeOf(status.anything).toBeAny();
    });
    on.event(EVERYTHING, function everything({ body }) {
      expectTypeOf(body).toEqualTypeOf<Readonly<Body<AnyObject>>>();
    });
    on.event((resource) => resource.group === 'kopf.dev', function byPredicate({ body }) {
      expectTypeOf(body).toEqualTypeOf<Readonly<Body<AnyObject>>>();
    });
    on.event({ category: 'all' }, function byCategory({ body }) {
      expectTypeOf(body).toEqualTypeOf<Readonly<Body<AnyObject>>>();
    });
  });

  it('is the built-in kind that the selector names, in every form', () => {
    on.event('v1', 'pods', { id: 'a' }, ({ body, spec, status }) => {
      expectTypeOf(body).toEqualTypeOf<Readonly<Body<Pod>>>();
      expectTypeOf(spec.nodeName).toEqualTypeOf<string | undefined>();
      expectTypeOf(status.phase).toEqualTypeOf<string | undefined>();
      // Objects from the API always have metadata, although kubernetes-types makes it optional.
      expectTypeOf(body.metadata.name).toEqualTypeOf<string | undefined>();
    });
    on.event('pods', { id: 'b' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Pod>>>());
    on.event('Pod', { id: 'c' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Pod>>>());
    on.event('po', { id: 'd' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Pod>>>());
    on.event('pods.v1', { id: 'e' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Pod>>>());
    on.event('', 'v1', 'pods', { id: 'f' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Pod>>>());
    on.event({ version: 'v1', plural: 'pods' }, { id: 'g' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Pod>>>());
    on.event('apps', 'deployments', { id: 'h' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Deployment>>>());
    on.event('apps/v1', 'deployments', { id: 'i' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Deployment>>>());
    on.event('apps', 'v1', 'Deployment', { id: 'j' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Deployment>>>());
    on.event('deployments.apps', { id: 'k' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Deployment>>>());
    on.event('deploy.v1.apps', { id: 'l' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Deployment>>>());
    on.event({ group: 'apps', kind: 'Deployment' }, { id: 'm' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<Deployment>>>());
  });

  it('has empty stanzas where the kind has none', () => {
    on.event('configmaps', { id: 'r' }, ({ body, spec, status }) => {
      expectTypeOf(spec).toEqualTypeOf<Readonly<Record<string, never>>>();
      expectTypeOf(status).toEqualTypeOf<Readonly<Record<string, never>>>();
      expectTypeOf(body.data).toEqualTypeOf<{ [name: string]: string } | undefined>();
    });
  });

  it("makes the design's example compile as written", () => {
    on.event('v1', 'pods', { field: 'status.containerStatuses' }, function podStatuses({ type, body, logger }) {
      logger.info(`${type} ${body.metadata.name}: ${JSON.stringify(body.status?.containerStatuses)}`);
    });
  });

  it('prefers the core group for names in several groups, like the matching does', () => {
    on.event('events', { id: 'n' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<CoreEvent>>>());
    on.event('events.k8s.io', 'events', { id: 'o' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<EventsEvent>>>());
    on.event('events.events.k8s.io', { id: 'p' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<EventsEvent>>>());
  });

  it('does not look up a group that does not have the name', () => {
    on.event('apps', 'pods', { id: 'q' }, ({ body }) => expectTypeOf(body).toEqualTypeOf<Readonly<Body<AnyObject>>>());
  });
});

describe('the context of each kind', () => {
  it('of changing handlers', () => {
    on.resume('kopfexamples', function resumeFn(context) {
      expectTypeOf(context.reason).toEqualTypeOf<Reason>();
      expectTypeOf(context.diff).toEqualTypeOf<Diff>();
      expectTypeOf(context.old).toBeUnknown();
      expectTypeOf(context.new).toBeUnknown();
      expectTypeOf(context.retry).toBeNumber();
      expectTypeOf(context.started).toEqualTypeOf<Date>();
      expectTypeOf(context.runtime).toBeNumber();
      expectTypeOf(context.patch).toEqualTypeOf<Patch>();
      expectTypeOf(context.resource).toEqualTypeOf<Resource>();
      expectTypeOf(context.name).toBeString();
      expectTypeOf(context.namespace).toEqualTypeOf<string | undefined>();
      expectTypeOf(context.labels).toEqualTypeOf<Readonly<Record<string, string>>>();
      expectTypeOf(context.param).toBeUnknown();
      expectTypeOf(context).toHaveProperty('api');
      expectTypeOf(context).toHaveProperty('memo');
      expectTypeOf(context).toHaveProperty('indexes');
      expectTypeOf(context).toHaveProperty('logger');
      expectTypeOf(context).not.toHaveProperty('stopped');
      expectTypeOf(context).not.toHaveProperty('settings');
    });
  });

  it('of event handlers', () => {
    on.event('pods', function eventFn({ type, event }) {
      expectTypeOf(type).toEqualTypeOf<WatchEventType>();
      expectTypeOf(event.object).toEqualTypeOf<Body<Pod>>();
      expectTypeOf(event.object.metadata.name).toEqualTypeOf<string | undefined>();
    });
  });

  it('of daemons and timers', () => {
    on.daemon('kopfexamples', async function daemonFn({ stopped }) {
      expectTypeOf(stopped).toEqualTypeOf<DaemonStopped>();
      expectTypeOf(stopped.wait).returns.toEqualTypeOf<Promise<boolean>>();
    });
    on.timer('kopfexamples', { interval: 10 }, function timerFn({ stopped }) {
      expectTypeOf(stopped.isSet).toBeBoolean();
    });
  });

  it('of admission handlers', () => {
    on.validate('pods', function validateFn(context) {
      expectTypeOf(context.warnings).toEqualTypeOf<string[]>();
      expectTypeOf(context.dryrun).toBeBoolean();
      expectTypeOf(context.operation).toEqualTypeOf<Operation | undefined>();
      expectTypeOf(context.subresource).toEqualTypeOf<string | undefined>();
      expectTypeOf(context.old).toEqualTypeOf<Body<Pod> | undefined>();
      expectTypeOf(context.name).toEqualTypeOf<string | undefined>();
      expectTypeOf(context.userinfo.username).toEqualTypeOf<string | undefined>();
    });
  });

  it('of activities: settings, and no api for login handlers', () => {
    on.startup(function startupFn({ settings, activity }) {
      expectTypeOf(settings).toEqualTypeOf<OperatorSettings>();
      expectTypeOf(activity).toEqualTypeOf<'startup' | 'cleanup' | 'authentication' | 'probe'>();
    });
    on.login(function loginFn(context) {
      expectTypeOf(context).not.toHaveProperty('api');
      expectTypeOf(context.activity).toEqualTypeOf<'authentication'>();
    });
    on.probe({ id: 'health' }, () => 'ok');
  });

  it('of filter callbacks: the context without the attempt members', () => {
    on.create('pods', {
      when: (context) => {
        expectTypeOf(context.spec.nodeName).toEqualTypeOf<string | undefined>();
        expectTypeOf(context).not.toHaveProperty('retry');
        expectTypeOf(context).not.toHaveProperty('param');
        return true;
      },
      labels: { app: (value, context) => value === context.name },
    }, function filtered() {});
    on.daemon('pods', { initialDelay: ({ spec }) => (spec.nodeName ? 1 : 2) }, function delayed() {});
  });
});

describe('options', () => {
  it('are only those of the kind (and are rejected at run time too)', () => {
    const { on: fresh } = new Registry();
    // @ts-expect-error: `optional` is for delete handlers only
    expect(() => fresh.create('kopfexamples', { optional: true }, function a() {})).toThrow(RegistrationError);
    // @ts-expect-error: event handlers are never retried
    expect(() => fresh.event('kopfexamples', { retries: 3 }, function b() {})).toThrow(RegistrationError);
    // @ts-expect-error: `interval` is for timers only
    expect(() => fresh.daemon('kopfexamples', { interval: 3 }, function c() {})).toThrow(RegistrationError);
    // @ts-expect-error: old/new are for update and field handlers only
    expect(() => fresh.create('kopfexamples', { field: 'spec.x', old: 'a' }, function d() {})).toThrow(RegistrationError);
    // @ts-expect-error: activities take no filters
    expect(() => fresh.startup({ labels: {} }, function e() {})).toThrow(RegistrationError);
    // @ts-expect-error: webhooks errors are always permanent
    expect(() => fresh.validate('kopfexamples', { errors: 'temporary' }, function f() {})).toThrow(RegistrationError);
  });

  it('check their values', () => {
    const { on: fresh } = new Registry();
    // @ts-expect-error: not an errors mode
    expect(() => fresh.create('kopfexamples', { errors: 'fatal' }, function a() {})).toThrow(RegistrationError);
    // @ts-expect-error: not an operation
    expect(() => fresh.validate('kopfexamples', { operations: ['PATCH'] }, function b() {})).toThrow(RegistrationError);
    on.update('kopfexamples', { field: ['spec', 'a'], old: 'x', new: (value) => value !== undefined }, function okUpdate() {});
    on.delete('kopfexamples', { optional: true }, function okDelete() {});
  });

  it('are required by field handlers, with the field', () => {
    // @ts-expect-error: on.field needs its options
    expectTypeOf(new Registry().on.field).toBeCallableWith('kopfexamples', function a() {});
    // @ts-expect-error: on.field needs the field
    expectTypeOf(new Registry().on.field).toBeCallableWith('kopfexamples', {}, function b() {});
    on.field('kopfexamples', { field: 'spec.field' }, function okField() {});
  });
});

describe('registration', () => {
  it('returns the handler, typed', () => {
    const registered = on.create<KopfExample>('kopfexamples', function returned() {
      return { message: 'hello' };
    });
    expectTypeOf(registered).parameter(0).toHaveProperty('spec');
  });

  it('types sub-handlers like their parents', () => {
    expectTypeOf(subhandler<KopfExample>).toBeCallableWith({ id: 'x' }, ({ spec }) => spec.items);
  });
});
