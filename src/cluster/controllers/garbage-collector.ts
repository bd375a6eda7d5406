import type { Deleter } from '../deletion.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject, OwnerReference, ResourceType } from '../resource-type.ts';
import type { ClusterState } from '../state.ts';
import type { ChangeEvent } from '../store.ts';
import { objectKey } from '../store.ts';
import { QueuedController } from './queued-controller.ts';

interface Located {
  bucket: string;
  key: string;
}

/**
 * Emulates kube-controller-manager's garbage collector (apiserver-spec §3.4):
 * dependents whose owners are all gone are deleted; an owner deleted with
 * Orphan policy releases its dependents; one deleted in the Foreground waits
 * for its dependents first. Owners are matched by uid, in the dependent's
 * namespace.
 */
export class GarbageCollector extends QueuedController {
  /** uid → where the object lives, for every stored object. */
  private readonly byUid = new Map<string, Located>();
  /** owner uid → the keys of its dependents. */
  private readonly dependents = new Map<string, Set<string>>();

  constructor(
    private readonly state: ClusterState,
    private readonly objects: ObjectApi,
    private readonly deleter: Deleter,
    onError: (what: string, error: unknown) => void,
  ) {
    super((item) => `garbage collection of ${item}`, onError);
  }

  override observe(event: ChangeEvent): void {
    const { object, previous } = event;
    const uid = object.metadata.uid!;
    const ref = `${event.bucket}|${event.key}`;
    for (const owner of previous?.metadata.ownerReferences ?? []) this.dependents.get(owner.uid)?.delete(ref);
    if (event.type === 'DELETED') {
      this.byUid.delete(uid);
      // The owner is gone: its dependents are re-examined.
      for (const dependent of this.dependents.get(uid) ?? []) this.queue.add(dependent);
      // A dependent gone may be the last one a foreground-deleting owner waited for.
      this.requeueOwners(previous);
      return;
    }
    // An object keeps its uid where it is: only a new one is recorded.
    if (event.type === 'ADDED' || !this.byUid.has(uid)) this.byUid.set(uid, { bucket: event.bucket, key: event.key });
    for (const owner of object.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(owner.uid);
      if (!set) this.dependents.set(owner.uid, (set = new Set()));
      set.add(ref);
    }
    if (object.metadata.ownerReferences?.length) this.queue.add(ref);
    const finalizers = object.metadata.finalizers ?? [];
    if (object.metadata.deletionTimestamp && (finalizers.includes('orphan') || finalizers.includes('foregroundDeletion'))) this.queue.add(ref);
    // A dependent leaving changes what a foreground-deleting owner waits for.
    this.requeueOwners(previous);
  }

  private requeueOwners(dependent: KubeObject | undefined): void {
    for (const owner of dependent?.metadata.ownerReferences ?? []) {
      const located = this.byUid.get(owner.uid);
      if (located) this.queue.add(`${located.bucket}|${located.key}`);
    }
  }

  private typeOf(bucket: string): ResourceType | undefined {
    const [group, plural] = bucket.split('/');
    const versions = this.state.registry.versionsOf(group, plural);
    return versions.find((t) => t.version === t.storageVersion) ?? versions[0];
  }

  protected override sync(ref: string): void {
    const [bucket, key] = ref.split('|');
    const obj = this.state.store.get(bucket, key);
    const type = this.typeOf(bucket);
    if (!obj || !type) return;
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && finalizers.includes('orphan')) this.orphanDependents(type, obj);
    else if (obj.metadata.deletionTimestamp && finalizers.includes('foregroundDeletion')) this.deleteDependentsFirst(type, obj);
    if (obj.metadata.ownerReferences?.length) this.collectIfOrphaned(type, obj);
  }

  private ownerExists(dependent: KubeObject, owner: OwnerReference): boolean {
    const located = this.byUid.get(owner.uid);
    if (!located) return false;
    const found = this.state.store.get(located.bucket, located.key);
    if (!found || found.metadata.name !== owner.name) return false;
    // A namespaced owner counts only in the dependent's own namespace.
    return !found.metadata.namespace || found.metadata.namespace === dependent.metadata.namespace;
  }

  /** Deletes a dependent all of whose owners are gone; patches out dangling references otherwise. */
  private collectIfOrphaned(type: ResourceType, obj: KubeObject): void {
    if (obj.metadata.deletionTimestamp) return;
    const owners = obj.metadata.ownerReferences ?? [];
    const alive = owners.filter((o) => this.ownerExists(obj, o));
    if (alive.length === owners.length) return;
    if (alive.length === 0) {
      const ownerDeletingInForeground = owners.some((o) => this.isForegroundDeleting(o.uid));
      this.quietly(() => this.deleter.delete(type, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy: ownerDeletingInForeground ? 'Foreground' : 'Background' }));
      return;
    }
    const dangling = new Set(owners.filter((o) => !alive.includes(o)).map((o) => o.uid));
    this.removeOwnerRefs(type, obj, dangling);
  }

  private isForegroundDeleting(uid: string): boolean {
    const located = this.byUid.get(uid);
    const owner = located && this.state.store.get(located.bucket, located.key);
    return !!owner?.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes('foregroundDeletion');
  }

  private dependentsOf(uid: string): Array<{ type: ResourceType; obj: KubeObject }> {
    const result: Array<{ type: ResourceType; obj: KubeObject }> = [];
    for (const ref of this.dependents.get(uid) ?? []) {
      const [bucket, key] = ref.split('|');
      const obj = this.state.store.get(bucket, key);
      const type = this.typeOf(bucket);
      if (obj && type) result.push({ type, obj });
    }
    return result;
  }

  private orphanDependents(type: ResourceType, owner: KubeObject): void {
    for (const d of this.dependentsOf(owner.metadata.uid!)) this.removeOwnerRefs(d.type, d.obj, new Set([owner.metadata.uid!]));
    this.removeFinalizer(type, owner, 'orphan');
  }

  private deleteDependentsFirst(type: ResourceType, owner: KubeObject): void {
    const dependents = this.dependentsOf(owner.metadata.uid!);
    for (const d of dependents) {
      if (!d.obj.metadata.deletionTimestamp) {
        const hasOwnDependents = (this.dependents.get(d.obj.metadata.uid!)?.size ?? 0) > 0;
        this.quietly(() => this.deleter.delete(d.type, d.obj.metadata.namespace, d.obj.metadata.name!, { propagationPolicy: hasOwnDependents ? 'Foreground' : 'Background' }));
      }
    }
    const blocking = this.dependentsOf(owner.metadata.uid!).filter((d) =>
      (d.obj.metadata.ownerReferences ?? []).some((o) => o.uid === owner.metadata.uid && o.blockOwnerDeletion === true),
    );
    if (blocking.length === 0) this.removeFinalizer(type, owner, 'foregroundDeletion');
  }

  private removeOwnerRefs(type: ResourceType, obj: KubeObject, uids: Set<string>): void {
    const refs = (obj.metadata.ownerReferences ?? []).filter((o) => !uids.has(o.uid));
    const metadata = { ...obj.metadata, ownerReferences: refs };
    if (refs.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
    this.quietly(() => this.objects.update(type, obj.metadata.namespace, obj.metadata.name!, { ...obj, metadata }, { internal: true }, { fromPatch: true }));
  }

  private removeFinalizer(type: ResourceType, obj: KubeObject, finalizer: string): void {
    const current = this.state.store.get(this.bucketOf(type), objectKey(obj.metadata.namespace, obj.metadata.name!));
    if (!current) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.quietly(() => this.objects.update(type, obj.metadata.namespace, obj.metadata.name!, { ...current, metadata: { ...current.metadata, finalizers } }, { internal: true }, { fromPatch: true }));
  }

  private bucketOf(type: ResourceType): string {
    return `${type.group}/${type.plural}`;
  }

  private quietly(action: () => unknown): void {
    try {
      action();
    } catch {
      // Conflicts and vanished objects: the next event brings the object back here if needed.
    }
  }
}
