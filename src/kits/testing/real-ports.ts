import { createServer, type Server } from 'node:net';

function listenOnAnyLoopbackPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('a TCP server reported no port');
  return address.port;
}

/**
 * Picks `count` distinct loopback ports that are free right now, none of them in `avoid`. All are held open
 * together before any is released, so they differ from each other; another process can still take one before
 * its user binds it, which callers detect (the component fails with "address already in use") and answer by
 * picking again, avoiding the ports that clashed (the system would otherwise hand them out again as soon as
 * the process that held them briefly let go).
 */
export async function freeLoopbackPorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const chosen: Server[] = [];
  const skipped: Server[] = [];
  try {
    while (chosen.length < count) {
      const server = await listenOnAnyLoopbackPort();
      // Held until the end, so the system cannot offer the same avoided port again.
      (avoid.has(portOf(server)) ? skipped : chosen).push(server);
    }
    return chosen.map(portOf);
  } finally {
    await Promise.all([...chosen, ...skipped].map(close));
  }
}
