/**
 * BLAKE2b (RFC 7693) with a configurable digest size, unkeyed.
 *
 * Kopf shortens long annotation keys with a 4-byte BLAKE2b digest. Node's
 * crypto only offers the fixed 64-byte variant, and a shorter BLAKE2b digest
 * is not a prefix of the longer one (the digest size is hashed in), so the
 * function is implemented here. Inputs are annotation keys, a few hundred
 * bytes at most, so plain BigInt arithmetic is fast enough.
 */

const MASK_64 = (1n << 64n) - 1n;

const INITIAL_VECTOR: readonly bigint[] = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];

// The message word order of each of the twelve rounds (rounds 10 and 11 repeat rows 0 and 1).
const SIGMA: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

const BLOCK_BYTES = 128;

function rotateRight(value: bigint, bits: bigint): bigint {
  return ((value >> bits) | (value << (64n - bits))) & MASK_64;
}

function readWord(block: Uint8Array, index: number): bigint {
  let word = 0n;
  for (let byte = 7; byte >= 0; byte--) word = (word << 8n) | BigInt(block[index * 8 + byte]);
  return word;
}

function compress(state: bigint[], block: Uint8Array, bytesSoFar: bigint, isLast: boolean): void {
  const words = Array.from({ length: 16 }, (_, i) => readWord(block, i));
  const v = [...state, ...INITIAL_VECTOR];
  v[12] ^= bytesSoFar & MASK_64;
  v[13] ^= bytesSoFar >> 64n;
  if (isLast) v[14] ^= MASK_64;

  const mix = (a: number, b: number, c: number, d: number, x: bigint, y: bigint): void => {
    v[a] = (v[a] + v[b] + x) & MASK_64;
    v[d] = rotateRight(v[d] ^ v[a], 32n);
    v[c] = (v[c] + v[d]) & MASK_64;
    v[b] = rotateRight(v[b] ^ v[c], 24n);
    v[a] = (v[a] + v[b] + y) & MASK_64;
    v[d] = rotateRight(v[d] ^ v[a], 16n);
    v[c] = (v[c] + v[d]) & MASK_64;
    v[b] = rotateRight(v[b] ^ v[c], 63n);
  };

  for (let round = 0; round < 12; round++) {
    const s = SIGMA[round % 10];
    mix(0, 4, 8, 12, words[s[0]], words[s[1]]);
    mix(1, 5, 9, 13, words[s[2]], words[s[3]]);
    mix(2, 6, 10, 14, words[s[4]], words[s[5]]);
    mix(3, 7, 11, 15, words[s[6]], words[s[7]]);
    mix(0, 5, 10, 15, words[s[8]], words[s[9]]);
    mix(1, 6, 11, 12, words[s[10]], words[s[11]]);
    mix(2, 7, 8, 13, words[s[12]], words[s[13]]);
    mix(3, 4, 9, 14, words[s[14]], words[s[15]]);
  }
  for (let i = 0; i < 8; i++) state[i] ^= v[i] ^ v[i + 8];
}

/**
 * The unkeyed BLAKE2b digest of `data`, `digestSize` bytes long (1–64).
 */
export function blake2b(data: Uint8Array, digestSize: number): Uint8Array {
  if (!Number.isInteger(digestSize) || digestSize < 1 || digestSize > 64) {
    throw new RangeError(`BLAKE2b digest size must be an integer from 1 to 64, not ${digestSize}`);
  }
  const state = [...INITIAL_VECTOR];
  state[0] ^= 0x01010000n ^ BigInt(digestSize);

  // Every block but the last is compressed as it fills; the last one (even when empty or full) gets the final flag.
  const blockCount = Math.max(1, Math.ceil(data.length / BLOCK_BYTES));
  for (let index = 0; index < blockCount; index++) {
    const chunk = data.subarray(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES);
    const block = new Uint8Array(BLOCK_BYTES);
    block.set(chunk);
    const isLast = index === blockCount - 1;
    compress(state, block, BigInt(index * BLOCK_BYTES + chunk.length), isLast);
  }

  const digest = new Uint8Array(digestSize);
  for (let i = 0; i < digestSize; i++) digest[i] = Number((state[i >> 3] >> BigInt(8 * (i & 7))) & 0xffn);
  return digest;
}
