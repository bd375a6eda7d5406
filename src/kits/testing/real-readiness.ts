import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { ComponentExitedError, logTail, type ComponentProcess } from './real-process.ts';

const pollIntervalMs = 100;
const probeTimeoutMs = 2_000;

/** The HTTP status of a GET, or undefined when nothing answered (refused, reset, timed out). */
export async function probeStatus(
  url: string,
  options: { dispatcher?: Dispatcher; token?: string } = {},
): Promise<number | undefined> {
  try {
    const response = await request(url, {
      dispatcher: options.dispatcher,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      headersTimeout: probeTimeoutMs,
      bodyTimeout: probeTimeoutMs,
    });
    await response.body.dump();
    return response.statusCode;
  } catch {
    return undefined;
  }
}

/** Fails the start when a component has ended: a server that exits while starting never comes back by itself. */
export function assertAllRunning(components: ComponentProcess[]): void {
  const ended = components.find((component) => component.exit !== undefined);
  if (ended) throw new ComponentExitedError(ended);
}

/**
 * Polls `isReady` until it answers true. Throws a ComponentExitedError as soon as any of `components` exits, and
 * a timeout error carrying the end of every component's log once `deadline` (epoch ms) passes.
 */
export async function waitUntilReady(
  what: string,
  isReady: () => Promise<boolean>,
  components: ComponentProcess[],
  deadline: number,
): Promise<void> {
  for (;;) {
    assertAllRunning(components);
    if (await isReady()) return;
    assertAllRunning(components);
    if (Date.now() > deadline) {
      const logs = components.map((component) => `${component.name} (${component.logPath}):\n${logTail(component.logPath)}`);
      throw new Error(`timed out waiting for ${what}; the ends of the component logs:\n${logs.join('\n')}`);
    }
    await sleep(pollIntervalMs);
  }
}
