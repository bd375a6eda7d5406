/**
 * Which watchers run: one per served resource × namespace (or one cluster-wide), revised whenever the
 * served resources or namespaces change. New watchers start, obsolete ones get `queueing.exitTimeout`
 * to finish their objects and stop. A watcher that fails for good (bad credentials, missing
 * permissions) fails the operator.
 */
import type { Resource } from '../core/resource-selector.ts';
import type { InterestProblem } from '../registry/resources-of-interest.ts';
import type { OperatorRuntime } from './runtime.ts';
import { watchSelectors } from './watch-selectors.ts';
import { Watcher } from './watcher.ts';

function resourceName(resource: Resource): string {
  return [resource.plural, resource.version, resource.group].filter(Boolean).join('.');
}

const problemTitles: Record<InterestProblem['kind'], string> = {
  unresolved: 'Unresolved resources cannot be served (try creating their CRDs)',
  ambiguous: 'Ambiguous resources will not be served (try specifying API groups)',
  unwatchable: 'Non-watchable resources will not be served',
  unpatchable: 'Non-patchable resources will not be served',
};

function problemSubject(problem: InterestProblem): string {
  if (problem.kind === 'unresolved') return String(problem.selector);
  if (problem.kind === 'ambiguous') return `${problem.selector} (${problem.resources.map(resourceName).join(', ')})`;
  return resourceName(problem.resource);
}

/** The running watchers of an operator. */
export class Orchestrator {
  readonly #running = new Map<string, Watcher>();
  readonly #reported = new Set<string>();
  #paused = false;
  #last?: { discovered: readonly Resource[]; namespaces: readonly string[] | undefined };

  /** @param onFatal called once a watcher fails for good; the operator stops with that error. */
  constructor(
    private readonly runtime: OperatorRuntime,
    private readonly onFatal: (error: unknown) => void,
  ) {}

  /**
   * Brings the watchers in line with the discovered resources and the served namespaces (`undefined`:
   * cluster-wide). Problems are logged once each.
   */
  async revise(discovered: readonly Resource[], namespaces: readonly string[] | undefined): Promise<void> {
    this.#last = { discovered, namespaces };
    const { registry, logger } = this.runtime;
    const interest = registry.resourcesOfInterest(discovered);
    for (const kind of Object.keys(problemTitles) as InterestProblem['kind'][]) {
      const subjects = [...new Set(interest.problems.filter((problem) => problem.kind === kind).map(problemSubject))].filter((subject) => !this.#reported.has(`${kind}:${subject}`));
      if (!subjects.length) continue;
      for (const subject of subjects) this.#reported.add(`${kind}:${subject}`);
      logger.warn(`${problemTitles[kind]}: ${subjects.join(', ')}`);
    }
    const wanted = new Map<string, { resource: Resource; namespace?: string }>();
    for (const resource of this.#paused ? [] : interest.watched) {
      const scopes = namespaces === undefined || !resource.namespaced ? [undefined] : namespaces;
      for (const namespace of scopes) wanted.set(`${resourceName(resource)}@${namespace ?? ''}`, { resource, namespace });
    }
    const obsolete = [...this.#running].filter(([key]) => !wanted.has(key));
    for (const [key, { resource, namespace }] of wanted) {
      if (!this.#running.has(key)) this.#start(key, resource, namespace);
    }
    await Promise.all(obsolete.map(([key, watcher]) => {
      this.#running.delete(key);
      return watcher.stop(this.#paused ? 'operator-pausing' : 'operator-exiting');
    }));
  }

  /**
   * Pauses (peers of higher or equal priority are active) or resumes: paused, no resource is watched
   * and every daemon is stopped; resumed, the watchers start again and see every object afresh.
   */
  async setPaused(paused: boolean): Promise<void> {
    if (this.#paused === paused) return;
    this.#paused = paused;
    if (this.#last) await this.revise(this.#last.discovered, this.#last.namespaces);
  }

  /** Settles once every running watcher has listed its objects in full. */
  async listed(): Promise<void> {
    await Promise.all([...this.#running.values()].map((watcher) => watcher.listed));
  }

  /** Stops every watcher, each given `queueing.exitTimeout` to finish. */
  async stop(): Promise<void> {
    const watchers = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(watchers.map((watcher) => watcher.stop()));
  }

  #start(key: string, resource: Resource, namespace: string | undefined): void {
    const selectors = watchSelectors(this.runtime.settings.watching, resource);
    const watcher = new Watcher(this.runtime, resource, namespace === undefined ? selectors : { namespace, ...selectors });
    this.#running.set(key, watcher);
    watcher.run().catch((error: unknown) => {
      if (this.#running.get(key) !== watcher) return;
      this.runtime.logger.error(`Watcher for ${watcher.title} has failed: ${error instanceof Error ? error.message : String(error)}`);
      this.onFatal(error);
    });
  }
}
