import { record, records } from '../builtins/define.ts';
import { crdResourceType, isTerminating } from '../crd/crd-type.ts';
import type { Deleter } from '../deletion.ts';
import type { ObjectApi } from '../objects.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { formatTime, type ClusterState } from '../state.ts';
import type { ChangeEvent } from '../store.ts';
import { QueuedController } from './queued-controller.ts';

const crdBucket = 'apiextensions.k8s.io/customresourcedefinitions';
const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

type Condition = { type: string; status: string; reason: string; message: string; lastTransitionTime?: string };

/**
 * Emulates the apiextensions controllers (apiserver-spec §9.2, §9.6): names
 * acceptance and establishment right after a CRD is written, serving its
 * resources, and on deletion removing every instance before the CRD itself.
 */
export class CrdController extends QueuedController {

  constructor(
    private readonly state: ClusterState,
    private readonly objects: ObjectApi,
    private readonly deleter: Deleter,
    private readonly onResourceGone: (group: string, plural: string) => void,
    onError: (what: string, error: unknown) => void,
  ) {
    super((name) => `CRD ${name}`, onError);
  }

  /** Reacts to CRD writes and, for terminating CRDs, to deletions of their instances. */
  override observe(event: ChangeEvent): void {
    if (event.bucket === crdBucket) {
      if (event.type === 'DELETED') this.removed(event.object);
      else this.queue.add(event.key);
      return;
    }
    if (event.type === 'DELETED' && !event.bucket.startsWith('/')) {
      for (const crd of this.state.store.list(crdBucket)) {
        if (isTerminating(crd) && `${record(crd.spec)?.group}/${record(crd.spec)?.names && record(record(crd.spec)?.names)?.plural}` === event.bucket) {
          this.queue.add(crd.metadata.name!);
        }
      }
    }
  }

  /** Brings a CRD's served state in line at once: tests that create a CRD and use it straight away work. */
  syncNow(name: string): void {
    this.sync(name);
  }

  protected override sync(name: string): void {
    const crd = this.state.store.get(crdBucket, name);
    if (!crd) return;
    if (crd.metadata.deletionTimestamp) {
      this.cleanup(crd);
      return;
    }
    const status = record(crd.status) ?? {};
    const conditions = records(status.conditions) as unknown as Condition[];
    const conflict = this.nameConflict(crd);
    const now = formatTime(this.state.now());
    const wanted: Condition[] = conflict
      ? [
          { type: 'NamesAccepted', status: 'False', reason: conflict.reason, message: conflict.message },
          { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' },
        ]
      : [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ];
    const merged = wanted.map((c) => {
      const existing = conditions.find((e) => e.type === c.type);
      const same = existing && existing.status === c.status && existing.reason === c.reason;
      return same ? existing : { ...c, lastTransitionTime: now };
    });
    const spec = record(crd.spec)!;
    const storage = records(spec.versions).find((v) => v.storage === true)?.name as string | undefined;
    const stored = new Set<string>((status.storedVersions as string[] | undefined) ?? []);
    if (storage) stored.add(storage);
    const nextStatus = {
      ...status,
      conditions: [...merged, ...conditions.filter((c) => !wanted.some((w) => w.type === c.type))],
      acceptedNames: conflict ? (status.acceptedNames ?? { plural: '', kind: '' }) : stripUndefined(record(spec.names)!),
      storedVersions: [...stored],
    };
    let current = crd;
    if (JSON.stringify(nextStatus) !== JSON.stringify(status)) {
      current = this.objects.update(crdResourceType, undefined, name, { ...crd, status: nextStatus }, { internal: true }, { fromPatch: true, subresource: 'status' }).object;
    }
    this.state.registry.syncCrd(current, name);
  }

  private nameConflict(crd: KubeObject): { reason: string; message: string } | undefined {
    const spec = record(crd.spec)!;
    const names = record(spec.names)!;
    for (const other of this.state.store.list(crdBucket)) {
      if (other.metadata.name === crd.metadata.name) continue;
      const otherSpec = record(other.spec)!;
      if (otherSpec.group !== spec.group) continue;
      const accepted = record(record(other.status)?.acceptedNames) ?? {};
      if (accepted.plural === names.plural) return { reason: 'PluralConflict', message: `"${names.plural}" is already in use` };
      if (accepted.kind === names.kind) return { reason: 'KindConflict', message: `"${names.kind}" is already in use` };
    }
    return undefined;
  }

  /** Deletes every instance; once none is left, drops the finalizer so the CRD goes (§9.6). */
  private cleanup(crd: KubeObject): void {
    const name = crd.metadata.name!;
    this.state.registry.syncCrd(crd, name);
    const types = this.state.registry.all().filter((t) => t.crdName === name);
    const type = types.find((t) => t.version === t.storageVersion) ?? types[0];
    let remaining = 0;
    if (type) {
      for (const obj of this.objects.list(type, undefined).items) {
        if (!obj.metadata.deletionTimestamp) this.deleteQuietly(type, obj);
      }
      remaining = this.objects.list(type, undefined).items.length;
    }
    const status = record(crd.status) ?? {};
    const conditions = (records(status.conditions) as unknown as Condition[]).filter((c) => c.type !== 'Terminating');
    const now = formatTime(this.state.now());
    if (remaining > 0) {
      const terminating = records(status.conditions).find((c) => c.type === 'Terminating');
      if (terminating?.reason === 'InstanceDeletionInProgress') return;
      conditions.push({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress', lastTransitionTime: now });
      this.objects.update(crdResourceType, undefined, name, { ...crd, status: { ...status, conditions } }, { internal: true }, { fromPatch: true, subresource: 'status' });
      return;
    }
    // Completion and finalizer removal are one write: watchers never see InstanceDeletionCompleted.
    const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
    this.objects.update(crdResourceType, undefined, name, { ...crd, metadata: { ...crd.metadata, finalizers } }, { internal: true }, { fromPatch: true });
  }

  private deleteQuietly(type: ResourceType, obj: KubeObject): void {
    try {
      this.deleter.delete(type, obj.metadata.namespace, obj.metadata.name!, {});
    } catch {
      // Already gone or held: the next pass sees what is left.
    }
  }

  private removed(crd: KubeObject): void {
    const name = crd.metadata.name!;
    const spec = record(crd.spec)!;
    const plural = String(record(record(crd.status)?.acceptedNames)?.plural || record(spec.names)?.plural);
    this.state.registry.syncCrd(undefined, name);
    this.state.store.dropBucket(`${spec.group}/${plural}`);
    this.onResourceGone(String(spec.group), plural);
  }
}

function stripUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
