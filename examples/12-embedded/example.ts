/**
 * An operator embedded in an application: a plain script starts `kopf.operator()` in the background,
 * waits until it is ready, does its own work — creating and deleting three KopfExamples, each once the
 * operator has greeted it — and finally stops the operator with an AbortController, waiting for its
 * graceful end. The application and the handlers share an event emitter through the operator's memo.
 */
import { EventEmitter } from 'node:events';
import * as kopf from 'kopf-ts';

kopf.on.create('kopfexamples', function createFn({ name, memo }) {
  console.log(`Hello, ${name}!`);
  memo.greetings.emit('hello', name);
});

kopf.on.delete('kopfexamples', function deleteFn({ name, memo }) {
  console.log(`Good bye, ${name}!`);
  memo.greetings.emit('goodbye', name);
});

/** Resolves when a handler has said `greeting` to the object `name`. */
function greeted(greetings: EventEmitter, greeting: 'hello' | 'goodbye', name: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (greetedName: string) => {
      if (greetedName !== name) return;
      greetings.off(greeting, listener);
      resolve();
    };
    greetings.on(greeting, listener);
  });
}

/** The application's own work, while the operator runs beside it. */
async function work(greetings: EventEmitter, steps: number): Promise<void> {
  const api = await kopf.connect();
  const kind = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample' } as const;
  try {
    for (let step = 0; step < steps; step++) {
      console.log(`Do the main app activity here. Step ${step + 1}/${steps}.`);
      const name = `kopf-example-${step}`;
      const hello = greeted(greetings, 'hello', name);
      await api.create({ ...kind, metadata: { name, namespace: 'default' }, spec: {} });
      await hello;
      const goodbye = greeted(greetings, 'goodbye', name);
      await api.delete(kind, name, { namespace: 'default' });
      await goodbye;
    }
  } finally {
    await api.close();
  }
}

async function main(steps = 3): Promise<void> {
  console.log('Starting the main app.');
  kopf.configure({ level: 'debug' });

  // Start the operator and let it initialise: `onReady` is called once it watches its resources.
  const greetings = new EventEmitter();
  const stop = new AbortController();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const operator = kopf.operator({ clusterwide: true, standalone: true, memo: { greetings }, signal: stop.signal, onReady: markReady });
  try {
    // An operator that fails to start rejects before it is ready.
    await Promise.race([ready, operator]);
    await work(greetings, steps);
  } finally {
    // Ask the operator to stop gracefully, and wait until it has (its cleanup included).
    console.log('Exiting the main app.');
    stop.abort();
    await operator;
  }
}

await main();
