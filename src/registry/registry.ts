/**
 * The registry: every handler an operator has, and the questions the engine asks about them — which
 * handlers apply to this object and cause, whether the object needs the finalizer, which fields
 * extend the essence, which resources to watch. `kopf.on.*` registers into the default registry;
 * `new Registry()` gives an isolated one (embedding, tests) with its own `registry.on.*`.
 */
import type { FieldPath } from '../core/field-path.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { Activity } from './context.ts';
import { checkUniqueId } from './handler-ids.ts';
import type {
  ActivityHandler,
  ChangingHandler,
  Handler,
  IndexingHandler,
  ResourceHandler,
  SpawningHandler,
  WatchingHandler,
  WebhookHandler,
} from './handlers.ts';
import { createOn, type On } from './on.ts';
import { groupsOfInterest, resourcesOfInterest, type InterestSelectors, type ResourcesOfInterest } from './resources-of-interest.ts';
import {
  changingHandlersFor,
  deduplicated,
  matchesObject,
  prematchesObject,
  selectsResource,
  webhookHandlersFor,
  type AdmissionSubject,
  type ChangeSubject,
  type ObjectSubject,
} from './selection.ts';

/** An object checked for the finalizer: its change (for changing handlers' field filters) and the daemons already done. */
export interface FinalizerSubject extends ObjectSubject {
  /** The last handled and the current essence, as the changing cause has them; without it, the body is used. */
  change?: { old: unknown; new: unknown };
  /** Ids of daemons and timers that have exited for good and no longer hold the object. */
  excluded?: ReadonlySet<string>;
}

/** The handlers of an operator. */
export class Registry {
  /** Registers handlers into this registry: `registry.on.create('kopfexamples', fn)`. */
  readonly on: On;
  readonly #handlers: Handler[] = [];

  constructor() {
    this.on = createOn((handler) => this.add(handler));
  }

  /** Adds a handler record; throws a `RegistrationError` if its id is taken by another function. */
  add(handler: Handler): void {
    checkUniqueId(this.#handlers, handler);
    this.#handlers.push(handler);
  }

  /** Every handler, in registration order. */
  get handlers(): readonly Handler[] {
    return [...this.#handlers];
  }

  /** The handlers of one kind; with `resource`, handlers of objects only if their selector takes it. */
  handlersOf<K extends Handler['kind']>(kind: K, resource?: Resource): Extract<Handler, { kind: K }>[] {
    return this.#handlers.filter(
      (handler): handler is Extract<Handler, { kind: K }> =>
        handler.kind === kind && (resource === undefined || handler.family === 'activities' || selectsResource(handler, resource)),
    );
  }

  /** The handlers of one activity (`startup`, `cleanup`, `authentication`, `probe`). */
  activityHandlers(activity: Activity): ActivityHandler[] {
    return deduplicated(this.#family('activities').filter((handler) => handler.activity === activity));
  }

  /** Whether any handler of the family applies to the resource (the engine builds that family's causes only then). */
  hasHandlers(family: ResourceHandler['family'], resource: Resource): boolean {
    return this.#family(family).some((handler) => selectsResource(handler, resource));
  }

  /** Every changing handler of the resource, whatever the cause (their progress records belong to the object). */
  changingHandlersOf(resource: Resource): ChangingHandler[] {
    return deduplicated(this.#family('changing').filter((handler) => selectsResource(handler, resource)));
  }

  /** The changing handlers to run for a cause, minus `excluded` ids. */
  changingHandlers(subject: ChangeSubject, excluded?: ReadonlySet<string>): ChangingHandler[] {
    return changingHandlersFor(this.#family('changing'), subject, excluded);
  }

  /**
   * Whether any changing handler is interested in the object at all (filters without the change
   * check). When none is, the object is handled in stealth: no state stored, no finalizer, no logs.
   */
  prematchesChanging(subject: ChangeSubject): boolean {
    const change = { old: subject.old, new: subject.new };
    return this.#family('changing').some((handler) => prematchesObject(handler, subject, change));
  }

  /** The `on.event` handlers for an object. */
  watchingHandlers(subject: ObjectSubject): WatchingHandler[] {
    return deduplicated(this.#family('watching').filter((handler) => matchesObject(handler, subject)));
  }

  /** The `on.index` handlers for an object. */
  indexingHandlers(subject: ObjectSubject): IndexingHandler[] {
    return deduplicated(this.#family('indexing').filter((handler) => matchesObject(handler, subject)));
  }

  /** The daemons and timers for an object, minus `excluded` ids (those that exited for good). */
  spawningHandlers(subject: ObjectSubject, excluded: ReadonlySet<string> = new Set()): SpawningHandler[] {
    return deduplicated(this.#family('spawning').filter((handler) => !excluded.has(handler.id) && matchesObject(handler, subject)));
  }

  /** The `on.validate/mutate` handlers for an admission request. */
  webhookHandlers(subject: AdmissionSubject): WebhookHandler[] {
    return webhookHandlersFor(this.#family('webhooks'), subject);
  }

  /**
   * Whether the object must carry the finalizer: a mandatory delete handler is interested in it, or a
   * daemon or timer that requires the finalizer (and has not exited for good) applies to it.
   */
  requiresFinalizer(subject: FinalizerSubject): boolean {
    const excluded = subject.excluded ?? new Set<string>();
    const byDeletion = this.#family('changing').some(
      (handler) => handler.requiresFinalizer && prematchesObject(handler, subject, subject.change),
    );
    return (
      byDeletion ||
      this.#family('spawning').some(
        (handler) => handler.requiresFinalizer && !excluded.has(handler.id) && matchesObject(handler, subject),
      )
    );
  }

  /** Fields the essence keeps for the resource's handlers with `field` (changing, event, daemon and timer handlers). */
  extraFields(resource: Resource): FieldPath[] {
    const fields = new Map<string, FieldPath>();
    for (const handler of this.#handlers) {
      const counts = handler.family === 'changing' || handler.family === 'watching' || handler.family === 'spawning';
      if (counts && handler.field && selectsResource(handler, resource)) fields.set(JSON.stringify(handler.field), handler.field);
    }
    return [...fields.values()];
  }

  /** The selectors of the resource handlers, by what the engine does with their resources. */
  selectors(): InterestSelectors {
    const of = (...families: ResourceHandler['family'][]) =>
      [...new Set(families.flatMap((family) => this.#family(family).map((handler) => handler.selector)))].filter(
        (selector) => selector !== undefined,
      );
    return {
      watched: of('changing', 'watching', 'indexing', 'spawning'),
      patched: of('changing', 'spawning'),
      indexed: of('indexing'),
      webhooks: of('webhooks'),
    };
  }

  /** The discovered resources to serve, and the selectors and resources that cannot be served. */
  resourcesOfInterest(discovered: readonly Resource[]): ResourcesOfInterest {
    return resourcesOfInterest(this.selectors(), discovered);
  }

  /** The API groups discovery must scan for the handlers, or `undefined` for all of them. */
  groupsOfInterest(): Set<string> | undefined {
    const { watched, webhooks } = this.selectors();
    return groupsOfInterest([...watched, ...webhooks]);
  }

  #family<F extends Handler['family']>(family: F): Extract<Handler, { family: F }>[] {
    return this.#handlers.filter((handler): handler is Extract<Handler, { family: F }> => handler.family === family);
  }
}
