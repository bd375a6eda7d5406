import { describe, expect, it } from 'vitest';
import { blake2b } from './blake2b.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

// Expected digests computed with Python's hashlib.blake2b(data, digest_size=n), the function Kopf uses.
describe('blake2b', () => {
  it.each([
    ['', 4, '1271cf25'],
    ['', 32, '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8'],
    ['', 64, '786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce'],
    ['abc', 4, '63906248'],
    ['abc', 64, 'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923'],
    ['a'.repeat(127), 4, 'd52a9199'],
    ['a'.repeat(128), 4, '12cabd16'],
    ['a'.repeat(128), 32, 'ae2aa48507885c4c950fb809b2076f959cde9f8ea6da260d9a3587df33dac450'],
    ['a'.repeat(129), 4, '55ada03e'],
    ['a'.repeat(300), 4, 'a5de59a0'],
    ['a'.repeat(300), 64, 'a2ff3040eda405b929c2fc2fd93e8add6ac3bb5369b679bae170ac6956863ca006285f132a868000fc3fae5bc696e5d17fe3fddfb4a342876c40451184742986'],
    ['ключ/é', 4, '44f50fa7'],
  ])('hashes %j to %i bytes as hashlib does', (text, size, expected) => {
    expect(hex(blake2b(utf8(text), size))).toBe(expected);
  });

  it('matches Node crypto for the full 64-byte digest', async () => {
    const { createHash } = await import('node:crypto');
    const data = utf8('kopf.zalando.org/' + 'x'.repeat(500));
    expect(hex(blake2b(data, 64))).toBe(createHash('blake2b512').update(data).digest('hex'));
  });

  it.each([0, 65, 1.5])('rejects the digest size %s', (size) => {
    expect(() => blake2b(utf8('x'), size)).toThrow(RangeError);
  });
});
