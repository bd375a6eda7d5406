import { randomFillSync } from 'node:crypto';

/** Random bytes drawn in batches: one system call per 256 uids. */
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
/** The uid's text is written here, then read out as one string. */
const text = Buffer.alloc(36);
const hexDigits = Buffer.from('0123456789abcdef', 'latin1');

/**
 * A new random (version 4) UUID for `metadata.uid`, as one flat string.
 * Node's `randomUUID` joins its text from a dozen pieces, a chain of V8 cons
 * strings (about 450 bytes) that every stored object would keep; this text is
 * written into a buffer and read out in one piece (about 60 bytes), without
 * the copy that flattening `randomUUID`'s text costs.
 */
export function newUid(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let at = 0;
  for (let i = 0; i < 16; i++) {
    let byte = pool[poolOffset + i];
    if (i === 6) byte = 0x40 | (byte & 0x0f); // the version, 4
    else if (i === 8) byte = 0x80 | (byte & 0x3f); // the variant, RFC 4122
    text[at++] = hexDigits[byte >> 4];
    text[at++] = hexDigits[byte & 0x0f];
    if (i === 3 || i === 5 || i === 7 || i === 9) text[at++] = 0x2d; // 8-4-4-4-12 digits
  }
  poolOffset += 16;
  return text.toString('latin1', 0, 36);
}
