import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JsonObject } from '../core/field-path.ts';
import { runInScope, type HandlingScope } from '../engine/handling-scope.ts';
import { createLogger } from '../engine/logging.ts';
import { Settings } from '../registry/settings.ts';
import {
  adjustNamespace,
  adopt,
  appendOwnerReference,
  buildObjectReference,
  buildOwnerReference,
  harmonizeNaming,
  label,
  removeOwnerReference,
} from './hierarchies.ts';
import { kopfExamples } from '../../test/support/resources.ts';

const parent = {
  apiVersion: 'kopf.dev/v1',
  kind: 'KopfExample',
  metadata: { name: 'kex', namespace: 'ns1', uid: 'uid-parent', labels: { app: 'demo', tier: 'web' } },
  spec: {},
};
const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns2', uid: 'uid-other', labels: { owner: 'cfg' } } };
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'uid-node', labels: { zone: 'a' } } };
const parentRef = { controller: true, blockOwnerDeletion: true, apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'kex', uid: 'uid-parent' };
const resource = kopfExamples;

/** Runs `fn` as a handler does: for `body` as the object being handled, or with no object (an activity). */
function inHandler<T>(body: JsonObject | undefined, fn: () => T): T {
  const scope: HandlingScope = {
    settings: Settings(),
    events: { post: () => undefined },
    ...(body ? { object: { body, resource, logger: createLogger({ output: { write: () => undefined } }) } } : {}),
  };
  return runInScope(scope, fn);
}

function pod(metadata: Record<string, unknown> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'main', image: 'busybox' }] } };
}

describe('buildOwnerReference', () => {
  it('refers to the owner as a controller that blocks its deletion by default', () => {
    expect(buildOwnerReference(parent)).toEqual(parentRef);
    expect(buildOwnerReference(parent, { controller: false, blockOwnerDeletion: false })).toEqual({ ...parentRef, controller: false, blockOwnerDeletion: false });
  });

  it('names what an owner that was never created lacks', () => {
    expect(() => buildOwnerReference({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toThrow('kopf.buildOwnerReference(): the owner has no metadata.uid;');
    expect(() => buildOwnerReference({ metadata: { uid: 'u' } })).toThrow('the owner has no apiVersion, kind, metadata.name;');
  });
});

describe('buildObjectReference', () => {
  it('refers to the object by what it has, leaving out empty fields', () => {
    expect(buildObjectReference(parent)).toEqual({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'kex', uid: 'uid-parent', namespace: 'ns1' });
    expect(buildObjectReference(node)).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'uid-node' });
    expect(buildObjectReference({ kind: 'Pod', metadata: { name: 'p', namespace: '' } })).toEqual({ kind: 'Pod', name: 'p' });
  });
});

describe('appendOwnerReference', () => {
  it('adds the reference to every object of nested arrays, once per owner, keeping other owners', () => {
    const first = pod();
    const second = pod({ ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', uid: 'uid-other' }] });
    const third = pod({ ownerReferences: [{ ...parentRef, controller: false }] });
    const result = appendOwnerReference([first, [second, [third]]], parent);
    expect(result).toEqual([first, [second, [third]]]);
    expect(first.metadata!.ownerReferences).toEqual([parentRef]);
    expect(second.metadata!.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', uid: 'uid-other' }, parentRef]);
    // An existing reference to the same owner (by uid) is left as it is.
    expect(third.metadata!.ownerReferences).toEqual([{ ...parentRef, controller: false }]);
    appendOwnerReference(first, parent);
    expect(first.metadata!.ownerReferences).toHaveLength(1);
  });

  it('creates the metadata when the object has none, and gives each object its own reference', () => {
    const first: { kind: string; metadata?: { ownerReferences?: unknown[] } } = { kind: 'Secret' };
    const second: { kind: string; metadata?: { ownerReferences?: unknown[] } } = { kind: 'Secret' };
    appendOwnerReference([first, second], parent, { controller: false });
    expect(first.metadata).toEqual({ ownerReferences: [{ ...parentRef, controller: false }] });
    expect(first.metadata!.ownerReferences![0]).not.toBe(second.metadata!.ownerReferences![0]);
  });

  it('defaults the owner to the object being handled', () => {
    const child = pod();
    inHandler(parent, () => appendOwnerReference(child));
    expect(child.metadata!.ownerReferences).toEqual([parentRef]);
    // An explicit owner wins over the handled object.
    inHandler(parent, () => appendOwnerReference(child, other));
    expect(child.metadata!.ownerReferences!.map((reference) => reference.uid)).toEqual(['uid-parent', 'uid-other']);
  });

  it('needs an explicit owner outside of resource handlers', () => {
    expect(() => appendOwnerReference(pod())).toThrow(
      'kopf.appendOwnerReference() needs the owner when no object is being handled: pass it, or call kopf.appendOwnerReference() inside a resource handler.',
    );
    expect(() => inHandler(undefined, () => appendOwnerReference(pod()))).toThrow('kopf.appendOwnerReference() needs the owner');
  });

  it('refuses what is not an object, and metadata that is not one', () => {
    expect(() => appendOwnerReference([pod(), 'pod' as unknown as Pod], parent)).toThrow(new TypeError('kopf.appendOwnerReference() works on objects and arrays of them, not on string.'));
    expect(() => appendOwnerReference([null as unknown as Pod], parent)).toThrow('not on null');
    expect(() => appendOwnerReference({ metadata: 'broken' }, parent)).toThrow(TypeError);
    expect(() => appendOwnerReference({ metadata: { ownerReferences: {} } }, parent)).toThrow('metadata.ownerReferences is not an array');
  });
});

describe('removeOwnerReference', () => {
  it('removes the references to the owner in place, keeping the others', () => {
    const otherRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', uid: 'uid-other' };
    const child = pod({ ownerReferences: [parentRef, otherRef, { ...parentRef, controller: false }] });
    const references = child.metadata!.ownerReferences!;
    removeOwnerReference([child], parent);
    expect(references).toEqual([otherRef]);
    expect(child.metadata!.ownerReferences).toBe(references);
  });

  it('leaves objects without references as they are', () => {
    const bare: { kind: string; metadata?: object } = { kind: 'Secret' };
    const unowned = pod({ name: 'p' });
    removeOwnerReference([bare, unowned], parent);
    expect(bare).toEqual({ kind: 'Secret' });
    expect(unowned.metadata).toEqual({ name: 'p' });
  });

  it('defaults the owner to the object being handled', () => {
    const child = pod({ ownerReferences: [parentRef] });
    inHandler(parent, () => removeOwnerReference(child));
    expect(child.metadata!.ownerReferences).toEqual([]);
    expect(() => removeOwnerReference(child)).toThrow('kopf.removeOwnerReference() needs the owner');
  });
});

describe('label', () => {
  it('adds the labels, keeping the values the objects already have unless forced', () => {
    const child = pod({ labels: { app: 'mine' } });
    label(child, { app: 'demo', tier: 'web' });
    expect(child.metadata!.labels).toEqual({ app: 'mine', tier: 'web' });
    label(child, { app: 'demo' }, { forced: true });
    expect(child.metadata!.labels).toEqual({ app: 'demo', tier: 'web' });
  });

  it('labels the nested objects that exist, by one dotted path or several', () => {
    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: {}, template: { metadata: { labels: { app: 'mine' } } } },
    };
    label(deployment, { app: 'demo' }, { nested: 'spec.template' });
    expect(deployment.metadata!.labels).toEqual({ app: 'demo' });
    expect(deployment.spec!.template.metadata!.labels).toEqual({ app: 'mine' });

    const job = { kind: 'CronJob', spec: { jobTemplate: { spec: { template: {} } } } };
    label(job, { app: 'demo' }, { nested: ['spec.template', 'spec.jobTemplate.spec.template', 'spec.jobTemplate.spec'] });
    expect(job).toEqual({
      kind: 'CronJob',
      metadata: { labels: { app: 'demo' } },
      spec: { jobTemplate: { spec: { metadata: { labels: { app: 'demo' } }, template: { metadata: { labels: { app: 'demo' } } } } } },
    });
    // Paths through absent or non-object fields are skipped, not created.
    expect(job.spec).not.toHaveProperty('template');
    expect(job.spec.jobTemplate).not.toHaveProperty('metadata');
  });

  it('defaults the labels to those of the object being handled, only when they are omitted', () => {
    const child = pod();
    inHandler(parent, () => label(child));
    expect(child.metadata!.labels).toEqual({ app: 'demo', tier: 'web' });
    const unlabelled = pod();
    inHandler(parent, () => label(unlabelled, {}));
    expect(unlabelled.metadata!.labels).toEqual({});
    expect(() => label(pod())).toThrow('kopf.label() needs the labels when no object is being handled');
  });
});

describe('harmonizeNaming', () => {
  it('names unnamed objects with the name as a prefix, or exactly when strict', () => {
    const loose = pod();
    const strict = pod();
    harmonizeNaming(loose, 'kex');
    harmonizeNaming(strict, 'kex', { strict: true });
    expect(loose.metadata).toEqual({ generateName: 'kex-' });
    expect(strict.metadata).toEqual({ name: 'kex' });
  });

  it('keeps a name or prefix the object has, unless forced, which replaces either', () => {
    const named = pod({ name: 'mine' });
    const prefixed = pod({ generateName: 'mine-' });
    harmonizeNaming([named, prefixed], 'kex');
    expect(named.metadata).toEqual({ name: 'mine' });
    expect(prefixed.metadata).toEqual({ generateName: 'mine-' });
    harmonizeNaming(named, 'kex', { forced: true });
    harmonizeNaming(prefixed, 'kex', { forced: true, strict: true });
    expect(named.metadata).toEqual({ generateName: 'kex-' });
    expect(prefixed.metadata).toEqual({ name: 'kex' });
  });

  it('defaults the name to that of the object being handled', () => {
    const child = pod();
    inHandler(parent, () => harmonizeNaming(child));
    expect(child.metadata).toEqual({ generateName: 'kex-' });
    expect(() => harmonizeNaming(pod())).toThrow('kopf.harmonizeNaming() needs the name when no object is being handled');
    expect(() => harmonizeNaming(pod(), '')).toThrow('kopf.harmonizeNaming() has no name to name the objects after: pass one explicitly.');
  });
});

describe('adjustNamespace', () => {
  it('sets the namespace of objects that have none, and of all when forced', () => {
    const bare = pod();
    const placed = pod({ namespace: 'mine' });
    adjustNamespace([bare, placed], 'ns1');
    expect(bare.metadata).toEqual({ namespace: 'ns1' });
    expect(placed.metadata).toEqual({ namespace: 'mine' });
    adjustNamespace(placed, 'ns1', { forced: true });
    expect(placed.metadata).toEqual({ namespace: 'ns1' });
  });

  it('takes null as no namespace: nothing set, and removed when forced', () => {
    const bare = pod();
    const placed = pod({ namespace: 'mine' });
    adjustNamespace([bare, placed], null);
    expect(bare.metadata).toEqual({});
    expect(placed.metadata).toEqual({ namespace: 'mine' });
    adjustNamespace(placed, null, { forced: true });
    expect(placed.metadata).toEqual({});
  });

  it('defaults the namespace to that of the object being handled (none for a cluster-scoped one)', () => {
    const child = pod();
    inHandler(parent, () => adjustNamespace(child));
    expect(child.metadata).toEqual({ namespace: 'ns1' });
    const nodeChild = pod();
    inHandler(node, () => adjustNamespace(nodeChild));
    expect(nodeChild.metadata).toEqual({});
    expect(() => adjustNamespace(pod())).toThrow('kopf.adjustNamespace() needs the namespace when no object is being handled');
  });
});

describe('adopt', () => {
  it('makes the objects children of the owner: owned, named after it, in its namespace, with its labels', () => {
    const child = pod({ labels: { app: 'mine' } });
    const [adopted] = adopt([child], parent);
    expect(adopted).toBe(child);
    expect(child.metadata).toEqual({
      ownerReferences: [parentRef],
      generateName: 'kex-',
      namespace: 'ns1',
      labels: { app: 'mine', tier: 'web' },
    });
  });

  it('overwrites what the objects have when forced; names exactly when strict; labels nested objects', () => {
    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'mine', labels: { app: 'mine' } },
      spec: { selector: {}, template: { metadata: {} } },
    };
    adopt(deployment, parent, { forced: true, strict: true, nested: 'spec.template' });
    expect(deployment.metadata).toEqual({ name: 'kex', namespace: 'ns1', labels: { app: 'demo', tier: 'web' }, ownerReferences: [parentRef] });
    expect(deployment.spec!.template.metadata).toEqual({ labels: { app: 'demo', tier: 'web' } });
  });

  it('adopts into the object being handled when no owner is given', () => {
    const child = inHandler(parent, () => adopt(pod()));
    expect(child.metadata).toEqual({ ownerReferences: [parentRef], generateName: 'kex-', namespace: 'ns1', labels: { app: 'demo', tier: 'web' } });
    // A cluster-scoped owner leaves the namespace to the caller.
    const nodeChild = inHandler(parent, () => adopt(pod(), node));
    expect(nodeChild.metadata!.namespace).toBeUndefined();
    expect(nodeChild.metadata!.ownerReferences![0].uid).toBe('uid-node');
    expect(() => adopt(pod())).toThrow('kopf.adopt() needs the owner when no object is being handled');
  });

  it('keeps the static type of what it is given', () => {
    const child = adopt(pod(), parent);
    expectTypeOf(child).toEqualTypeOf<Pod>();
    expectTypeOf(adopt([pod(), pod()], parent)).toEqualTypeOf<Pod[]>();
    expectTypeOf(label(pod(), {})).toEqualTypeOf<Pod>();
  });
});
