import { record } from '../builtins/define.ts';
import type { Deleter } from '../deletion.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { storageKey } from '../resource-type.ts';
import { formatTime, type ClusterState } from '../state.ts';
import type { ChangeEvent } from '../store.ts';
import { QueuedController } from './queued-controller.ts';

const namespacesBucket = '/namespaces';

/**
 * Emulates the namespace lifecycle (apiserver-spec §10): what a new namespace
 * gets (its default ServiceAccount and `kube-root-ca.crt`), and how a deleted
 * one is emptied, reports what remains, and is finally removed.
 */
export class NamespaceController extends QueuedController {

  constructor(
    private readonly state: ClusterState,
    private readonly objects: ObjectApi,
    private readonly deleter: Deleter,
    private readonly caPem: string,
    onError: (what: string, error: unknown) => void,
  ) {
    super((name) => `namespace ${name}`, onError);
  }

  override observe(event: ChangeEvent): void {
    if (event.bucket === namespacesBucket) {
      if (event.type !== 'DELETED') this.queue.add(event.key);
      return;
    }
    const ns = event.object.metadata.namespace;
    if (event.type === 'DELETED' && ns) {
      const nsObj = this.state.store.get(namespacesBucket, ns);
      if (nsObj?.metadata.deletionTimestamp) this.queue.add(ns);
    }
  }

  /** Sets a namespace's `spec.finalizers` (the `/finalize` subresource); removes it once nothing holds it. */
  finalize(name: string, finalizers: string[]) {
    const type = this.namespaceType();
    const current = this.objects.get(type, undefined, name);
    // Go drops the emptied list (omitempty): `spec: {}`.
    const { finalizers: _old, ...spec } = record(current.spec) ?? {};
    const next: KubeObject = { ...current, spec: finalizers.length ? { ...spec, finalizers } : spec };
    if (finalizers.length === 0 && current.metadata.deletionTimestamp && (current.metadata.finalizers ?? []).length === 0) {
      this.state.store.remove(namespacesBucket, name);
      return { object: next, warnings: [], code: 200 as const };
    }
    const written = this.state.store.update(namespacesBucket, name, next);
    return { object: written, warnings: [], code: 200 as const };
  }

  private namespaceType(): ResourceType {
    return this.state.registry.find('', 'v1', 'namespaces')!;
  }

  protected override sync(name: string): void {
    const ns = this.state.store.get(namespacesBucket, name);
    if (!ns) return;
    if (ns.metadata.deletionTimestamp) this.terminate(ns);
    else this.populate(name);
  }

  /** What controllers put in every namespace upstream; operators often assume they exist. */
  private populate(name: string): void {
    const sa = this.state.registry.find('', 'v1', 'serviceaccounts')!;
    const cm = this.state.registry.find('', 'v1', 'configmaps')!;
    if (!this.objects.tryGet(sa, name, 'default')) {
      this.createQuietly(sa, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
    }
    if (!this.objects.tryGet(cm, name, 'kube-root-ca.crt')) {
      this.createQuietly(cm, name, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': this.caPem },
      });
    }
  }

  private createQuietly(type: ResourceType, ns: string, obj: KubeObject): void {
    try {
      this.objects.create(type, ns, obj, { internal: true });
    } catch {
      // A terminating or vanished namespace takes no new content: nothing to do.
    }
  }

  /** Deletes the content, reports what remains in the conditions, and finalizes when empty. */
  private terminate(ns: KubeObject): void {
    const name = ns.metadata.name!;
    const remaining = new Map<string, number>();
    const finalizersLeft = new Map<string, number>();
    const namespacedTypes = this.state.registry.all().filter((t) => t.namespaced && !t.ephemeral);
    const seenBuckets = new Set<string>();
    for (const type of namespacedTypes) {
      const bucket = storageKey(type);
      if (seenBuckets.has(bucket)) continue;
      seenBuckets.add(bucket);
      for (const obj of this.state.store.list(bucket, name)) {
        if (!obj.metadata.deletionTimestamp) {
          try {
            this.deleter.delete(type, name, obj.metadata.name!, { propagationPolicy: 'Background' });
          } catch {
            // Gone meanwhile.
          }
        }
      }
      const left = this.state.store.list(bucket, name);
      if (left.length) {
        remaining.set(`${type.plural}.${type.group}`, left.length);
        for (const obj of left) for (const f of obj.metadata.finalizers ?? []) finalizersLeft.set(f, (finalizersLeft.get(f) ?? 0) + 1);
      }
    }
    if (remaining.size === 0) {
      const finalizers = ((record(ns.spec)?.finalizers as string[] | undefined) ?? []).filter((f) => f !== 'kubernetes');
      this.finalize(name, finalizers);
      return;
    }
    const now = formatTime(this.state.now());
    const describe = (m: Map<string, number>, unit: (k: string, n: number) => string) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => unit(k, n)).join(', ');
    const conditions = [
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', lastTransitionTime: now, reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', lastTransitionTime: now, reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      { type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: now, reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      { type: 'NamespaceContentRemaining', status: 'True', lastTransitionTime: now, reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${describe(remaining, (k, n) => `${k} has ${n} resource instances`)}` },
      finalizersLeft.size
        ? { type: 'NamespaceFinalizersRemaining', status: 'True', lastTransitionTime: now, reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${describe(finalizersLeft, (k, n) => `${k} in ${n} resource instances`)}` }
        : { type: 'NamespaceFinalizersRemaining', status: 'False', lastTransitionTime: now, reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ];
    const status = record(ns.status) ?? {};
    const old = (status.conditions as Array<Record<string, unknown>> | undefined) ?? [];
    const same = old.length === conditions.length && conditions.every((c, i) => old[i]?.type === c.type && old[i]?.status === c.status && old[i]?.message === c.message);
    if (!same) this.state.store.update(namespacesBucket, name, { ...ns, status: { ...status, conditions } });
  }
}
