import type { FieldError } from './errors.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import type { KubeObject, ResourceType, StrategyServices } from './resource-type.ts';
import type { Store } from './store.ts';

/** The schema-driven steps of a write: which fields are known, defaults, validation. */
export interface SchemaSupport {
  /** Drops fields the kind's schema does not know, naming them (for Strict/Warn field validation). */
  prune(type: ResourceType, obj: KubeObject): { value: KubeObject; unknownFields: string[] };
  /** Applies schema defaults (CRDs). */
  applyDefaults(type: ResourceType, obj: KubeObject): KubeObject;
  /** Schema validation (CRDs); `old` enables ratcheting on updates. */
  validate(type: ResourceType, obj: KubeObject, old?: KubeObject): FieldError[];
}

/** What every part of the embedded server shares. */
export interface ClusterState {
  store: Store;
  registry: ResourceRegistry;
  schemas: SchemaSupport;
  services: StrategyServices;
  /** The cluster's clock: tests may scale it. */
  now(): Date;
}

/** `metav1.Time`: RFC 3339 UTC with second precision (apiserver-spec §0.5). */
export function formatTime(date: Date): string {
  // Every write stamps times; within one second the text is the same, so it is made once per second.
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastSecondText;
}

let lastSecond = Number.NaN;
let lastSecondText = '';

/** `metav1.MicroTime`: six fractional digits. */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}
