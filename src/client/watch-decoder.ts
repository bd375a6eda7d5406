/**
 * Turns the bytes of a watch response into its events. The server sends one
 * JSON document per line (apiserver-spec §7.2), and the network cuts the
 * stream into chunks anywhere, even inside a multi-byte character. Each chunk
 * is decoded up to its last newline in one piece (a newline byte never occurs
 * inside a multi-byte character), and the rest waits for the next chunk.
 */
import type { RawWatchEvent } from '../core/watch-machine.ts';

const newline = 0x0a;

function isBlank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim() === '');
}

/** The events of one watch response, fed chunk by chunk. */
export class WatchDecoder {
  /** Bytes of a line whose end has not arrived yet. */
  private partial: Buffer[] = [];

  /**
   * Takes the next chunk and answers the events it completes.
   * @throws SyntaxError when a line is not JSON (a broken stream; the caller reconnects).
   */
  push(chunk: Uint8Array): RawWatchEvent[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = bytes.lastIndexOf(newline);
    if (end < 0) {
      this.partial.push(bytes);
      return [];
    }
    const complete = this.partial.length > 0 ? Buffer.concat([...this.partial, bytes.subarray(0, end)]) : bytes.subarray(0, end);
    this.partial = end + 1 < bytes.length ? [bytes.subarray(end + 1)] : [];
    const events: RawWatchEvent[] = [];
    for (const line of complete.toString('utf8').split('\n')) {
      if (!isBlank(line)) events.push(JSON.parse(line) as RawWatchEvent);
    }
    return events;
  }
}
