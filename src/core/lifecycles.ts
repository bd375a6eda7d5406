/**
 * Lifecycles: which of the handlers due in a cycle run in that cycle, and in
 * which order. Each cycle that leaves handlers unfinished ends with a patch
 * (progress records) that brings the next cycle, so running one handler per
 * cycle persists each result before the next handler starts.
 *
 * The handlers come in registration order, already without the finished and
 * the sleeping ones. Randomness is injected so tests can pin it.
 */

/** What a lifecycle knows about a handler. */
export interface LifecycleHandler {
  readonly id: string;
}

/** What a lifecycle knows besides the handlers. */
export interface LifecycleContext {
  /** The attempts each handler has made for the current cause. */
  readonly state: { retriesOf(id: string): number };
  /** A source of numbers in [0, 1); `Math.random` by default. */
  readonly random?: () => number;
}

/** Picks the handlers to run now, in the order to run them. */
export type Lifecycle = <H extends LifecycleHandler>(handlers: readonly H[], context: LifecycleContext) => H[];

/** All of them, in registration order, in one cycle. Used for on.event, daemons and the like. */
export const allAtOnce: Lifecycle = (handlers) => [...handlers];

/** The first one in registration order. */
export const oneByOne: Lifecycle = (handlers) => handlers.slice(0, 1);

/** One, picked at random. */
export const randomized: Lifecycle = (handlers, { random = Math.random }) => {
  return handlers.length ? [handlers[Math.floor(random() * handlers.length)]] : [];
};

/** All of them in one cycle, in a random order. */
export const shuffled: Lifecycle = (handlers, { random = Math.random }) => {
  const order = [...handlers];
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other], order[index]];
  }
  return order;
};

/**
 * One: the one with the fewest attempts, the earliest registered among
 * equals. A failing handler thus lets the others run before its retry.
 * The default for changing handlers.
 */
export const asap: Lifecycle = (handlers, { state }) => {
  let chosen = handlers[0];
  for (const handler of handlers) {
    if (state.retriesOf(handler.id) < state.retriesOf(chosen.id)) chosen = handler;
  }
  return chosen === undefined ? [] : [chosen];
};

/** The built-in lifecycles by their names (Kopf's names in camelCase). */
export const LIFECYCLES: Readonly<Record<'allAtOnce' | 'oneByOne' | 'randomized' | 'shuffled' | 'asap', Lifecycle>> = {
  allAtOnce, oneByOne, randomized, shuffled, asap,
};
