/**
 * Admission requests answered by the handlers, posted directly as AdmissionReviews (no server): what
 * the response says for allowed, denied, warned and mutated requests, which handlers a webhook id and
 * an operation select, and which requests are errors of the server rather than denials.
 */
import { describe, expect, it } from 'vitest';
import { AdmissionError, PermanentError, TemporaryError } from '../core/handler-errors.ts';
import type { Resource } from '../core/resource-selector.ts';
import { Registry } from '../registry/registry.ts';
import { Settings } from '../registry/settings.ts';
import { kopfExamples } from '../../test/support/resources.ts';
import { admissionHandler, WebhookRequestError, type AdmissionRuntime } from './admission.ts';
import { currentScope } from './handling-scope.ts';
import { IndexReadiness } from './indexes.ts';
import { createLogger } from './logging.ts';

function setup(registry: Registry, resources: readonly Resource[] = [kopfExamples]) {
  const lines: string[] = [];
  const runtime = {
    settings: Settings(),
    registry,
    api: {} as AdmissionRuntime['api'],
    events: { post: () => {} },
    logger: createLogger({ level: 'debug', format: 'plain', output: { write: (text: string) => lines.push(text.trimEnd()) } }),
    memo: { shared: true },
    indexes: { view: {}, readiness: new IndexReadiness() },
    now: Date.now,
  } satisfies AdmissionRuntime;
  return { handle: admissionHandler(runtime, () => resources), lines };
}

const object = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'one', namespace: 'default', uid: 'u-1', labels: { app: 'x' } }, spec: { field: 'value' } };

function review(request: Record<string, unknown> = {}, apiVersion?: string): unknown {
  return {
    ...(apiVersion ? { apiVersion } : {}),
    kind: 'AdmissionReview',
    request: {
      uid: 'req-1',
      resource: { group: 'kopf.dev', version: 'v1', resource: 'kopfexamples' },
      operation: 'CREATE',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      ...request,
    },
  };
}

function decodedPatch(response: { patch?: string }): unknown {
  return JSON.parse(Buffer.from(response.patch!, 'base64').toString('utf8'));
}

describe('serving an admission request', () => {
  it('allows a request no handler objects to, echoing the uid and the apiVersion', async () => {
    const registry = new Registry();
    const seen: Record<string, unknown>[] = [];
    registry.on.validate('kopfexamples', function check(context) {
      seen.push({ ...context });
    });
    const { handle } = setup(registry);
    const answer = await handle(review({}, 'admission.k8s.io/v1beta1'), { webhook: 'check', headers: { 'x-test': 'yes' } });
    expect(answer).toEqual({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'req-1', allowed: true } });
    expect(seen).toHaveLength(1);
    const context = seen[0]!;
    expect(context).toMatchObject({
      name: 'one',
      namespace: 'default',
      uid: 'u-1',
      spec: { field: 'value' },
      labels: { app: 'x' },
      operation: 'CREATE',
      subresource: undefined,
      dryrun: false,
      userinfo: { username: 'alice' },
      headers: { 'x-test': 'yes' },
      sslpeer: {},
      old: undefined,
      new: object,
      retry: 0,
    });
    expect(context.diff).toEqual([['add', [], undefined, object]]);
    // A creation gets a fresh copy of the operator's memo, never stored.
    expect(context.memo).toEqual({ shared: true });
  });

  it('defaults the apiVersion of the response to admission.k8s.io/v1', async () => {
    const { handle } = setup(new Registry());
    expect(await handle(review(), {})).toMatchObject({ apiVersion: 'admission.k8s.io/v1', response: { allowed: true } });
  });

  it('denies with the AdmissionError first, with its message and code', async () => {
    const registry = new Registry();
    registry.on.validate('kopfexamples', function failing() {
      throw new Error('boom');
    });
    registry.on.validate('kopfexamples', function temporary() {
      throw new TemporaryError('later');
    });
    registry.on.validate('kopfexamples', function denying() {
      throw new AdmissionError('field is wrong', { code: 422 });
    });
    const { handle, lines } = setup(registry);
    const answer = (await handle(review(), {})) as { response: unknown };
    expect(answer.response).toEqual({ uid: 'req-1', allowed: false, status: { message: 'field is wrong', code: 422 } });
    expect(lines.some((line) => line.includes("Webhook 'denying' failed permanently: field is wrong"))).toBe(true);
  });

  it('reports a permanent error before a temporary one, with the code 500', async () => {
    const registry = new Registry();
    registry.on.validate('kopfexamples', function temporary() {
      throw new TemporaryError('later');
    });
    registry.on.validate('kopfexamples', function permanent() {
      throw new PermanentError('never');
    });
    const { handle } = setup(registry);
    expect(((await handle(review(), {})) as { response: unknown }).response).toMatchObject({ allowed: false, status: { message: 'never', code: 500 } });
  });

  it('returns the warnings the handlers added', async () => {
    const registry = new Registry();
    registry.on.validate('kopfexamples', function warn({ warnings }) {
      warnings.push('careful');
    });
    const { handle } = setup(registry);
    expect(((await handle(review(), {})) as { response: unknown }).response).toEqual({ uid: 'req-1', allowed: true, warnings: ['careful'] });
  });

  it("returns the handlers' patch as a base64 JSON patch against the request's object", async () => {
    const registry = new Registry();
    registry.on.mutate('kopfexamples', function mutate({ patch }) {
      patch.spec.injected = 'by-webhook';
      patch.labels.app = null;
      patch.labels.added = 'yes';
      expect(currentScope()?.object?.body).toMatchObject({ metadata: { name: 'one' } });
    });
    const { handle } = setup(registry);
    const answer = (await handle(review(), { webhook: 'mutate' })) as { response: { patch?: string; patchType?: string } };
    expect(answer.response.patchType).toBe('JSONPatch');
    expect(decodedPatch(answer.response)).toEqual([
      { op: 'add', path: '/spec/injected', value: 'by-webhook' },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'add', path: '/metadata/labels/added', value: 'yes' },
    ]);
  });

  it('serves a deletion with the old object as the body, skipping mutators not for deletions only', async () => {
    const registry = new Registry();
    const called: string[] = [];
    registry.on.validate('kopfexamples', function validator({ body, old, new: fresh, diff: changes }) {
      called.push('validator');
      expect(body).toEqual(object);
      expect(old).toEqual(object);
      expect(fresh).toBeUndefined();
      expect(changes).toEqual([['remove', [], object, undefined]]);
    });
    registry.on.mutate('kopfexamples', function anyMutator() {
      called.push('anyMutator');
    });
    registry.on.mutate('kopfexamples', { operations: ['DELETE'] }, function deletionMutator() {
      called.push('deletionMutator');
    });
    const { handle } = setup(registry);
    const answer = await handle(review({ operation: 'DELETE', object: null, oldObject: object }), {});
    expect(answer).toMatchObject({ response: { allowed: true } });
    expect(called.sort()).toEqual(['deletionMutator', 'validator']);
  });

  it('runs only the handler the webhook id names; an unknown id runs none', async () => {
    const registry = new Registry();
    const called: string[] = [];
    registry.on.validate('kopfexamples', function first() {
      called.push('first');
    });
    registry.on.validate('kopfexamples', function second() {
      called.push('second');
    });
    const { handle } = setup(registry);
    await handle(review(), { webhook: 'second' });
    expect(called).toEqual(['second']);
    await handle(review(), { webhook: 'unknown' });
    expect(called).toEqual(['second']);
    await handle(review(), {});
    expect(called.sort()).toEqual(['first', 'second', 'second']);
  });

  it('applies the subresource and the label filters', async () => {
    const registry = new Registry();
    const called: string[] = [];
    registry.on.validate('kopfexamples', function main() {
      called.push('main');
    });
    registry.on.validate('kopfexamples', { subresource: 'status' }, function status() {
      called.push('status');
    });
    registry.on.validate('kopfexamples', { labels: { app: 'other' } }, function other() {
      called.push('other');
    });
    const { handle } = setup(registry);
    await handle(review({ subResource: 'status', operation: 'UPDATE', oldObject: object }), {});
    expect(called).toEqual(['status']);
    await handle(review(), {});
    expect(called).toEqual(['status', 'main']);
  });

  it('shares one memo per object across its requests after its creation', async () => {
    const registry = new Registry();
    const memos: unknown[] = [];
    registry.on.validate('kopfexamples', function remember({ memo }) {
      memos.push(memo);
    });
    const { handle } = setup(registry);
    await handle(review({ operation: 'UPDATE', oldObject: object }), {});
    await handle(review({ operation: 'UPDATE', oldObject: object }), {});
    await handle(review(), {});
    expect(memos[0]).toBe(memos[1]);
    expect(memos[2]).not.toBe(memos[0]);
  });

  it('refuses requests it cannot serve with the HTTP status of the problem', async () => {
    const { handle } = setup(new Registry(), [kopfExamples, { ...kopfExamples }]);
    const { handle: single } = setup(new Registry());
    const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as WebhookRequestError);
    expect(await failure(single(review({ resource: { group: 'apps', version: 'v1', resource: 'deployments' } }), {}))).toMatchObject({ name: 'WebhookRequestError', code: 404 });
    expect(await failure(handle(review(), {}))).toMatchObject({ code: 409 });
    expect(await failure(single(review({ userInfo: undefined }), {}))).toMatchObject({ code: 400 });
    expect(await failure(single(review({ object: null, oldObject: null }), {}))).toMatchObject({ code: 400 });
    expect(await failure(single('not a review', {}))).toMatchObject({ code: 400 });
  });
});
