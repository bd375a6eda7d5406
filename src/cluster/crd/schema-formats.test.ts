import { describe, expect, it } from 'vitest';
import { formatCheck } from './schema-formats.ts';

/** Valid and invalid examples per format, following upstream's registry. */
const examples: Record<string, { valid: string[]; invalid: string[] }> = {
  uuid: { valid: ['123e4567-e89b-12d3-a456-426614174000', '123E4567E89B12D3A456426614174000'], invalid: ['123e4567', 'g23e4567-e89b-12d3-a456-426614174000'] },
  uuid4: { valid: ['123e4567-e89b-42d3-a456-426614174000'], invalid: ['123e4567-e89b-12d3-a456-426614174000'] },
  'date-time': { valid: ['2026-01-02T03:04:05Z', '2026-01-02t03:04:05.123+01:00'], invalid: ['2026-01-02', '2026-01-02T25:00:00Z', '2026-02-30T00:00:00Z', 'yesterday'] },
  date: { valid: ['2024-02-29'], invalid: ['2023-02-29', '2024-1-01', '24-01-01'] },
  byte: { valid: ['aGVsbG8=', 'aGk='], invalid: ['', 'abc', 'a$==', 'aGVsbG8'] },
  duration: { valid: ['1h30m', '-1.5s', '0', '3 days', '22 ns'], invalid: ['', 'forever', '1x'] },
  ipv4: { valid: ['10.0.0.1', '010.000.000.001'], invalid: ['10.0.0.256', '::1', 'host'] },
  ipv6: { valid: ['::1', 'fe80::1', '::ffff:10.0.0.1'], invalid: ['10.0.0.1', 'fe80::1%eth0', ':::'] },
  cidr: { valid: ['10.0.0.0/8', '::/0'], invalid: ['10.0.0.0/33', '10.0.0.0', 'x/8'] },
  // Upstream's pattern only allows a dash after the first character of a dotless name, so `my-host` fails there too.
  hostname: { valid: ['example.com', 'localhost', 'a-host', 'my-host.example'], invalid: ['-bad', 'a..b', 'under_score.com', 'my-host'] },
  email: { valid: ['a@example.com', 'Jane <jane@example.com>'], invalid: ['plain', 'a@', '@b'] },
  uri: { valid: ['https://example.com/x', '/just/a/path', 'mailto:a@b'], invalid: ['', 'relative/path', '1http://x'] },
  mac: { valid: ['01:23:45:67:89:ab', '01-23-45-67-89-AB', '0123.4567.89ab'], invalid: ['01:23:45:67:89', '0123456789ab'] },
  isbn10: { valid: ['0-306-40615-2', '080442957X'], invalid: ['0306406153'] },
  isbn13: { valid: ['978-0-306-40615-7'], invalid: ['9780306406158'] },
  creditcard: { valid: ['4111 1111 1111 1111'], invalid: ['4111 1111 1111 1112'] },
  ssn: { valid: ['123-45-6789', '123 45 6789'], invalid: ['123456789', '12-345-6789'] },
  hexcolor: { valid: ['#fff', 'A0B1C2'], invalid: ['#ffff', 'ggg'] },
  rgbcolor: { valid: ['rgb(0, 128, 255)'], invalid: ['rgb(256,0,0)', 'rgb(1,2)'] },
  bsonobjectid: { valid: ['507f1f77bcf86cd799439011'], invalid: ['507f1f77bcf86cd79943901'] },
  password: { valid: ['', 'anything at all'], invalid: [] },
};

describe('formatCheck', () => {
  for (const [format, { valid, invalid }] of Object.entries(examples)) {
    it(`checks ${format} as upstream does`, () => {
      const check = formatCheck(format)!;
      expect(check).toBeDefined();
      for (const value of valid) expect([value, check(value)]).toEqual([value, true]);
      for (const value of invalid) expect([value, check(value)]).toEqual([value, false]);
    });
  }

  it('matches names with dashes removed', () => {
    expect(formatCheck('datetime')).toBe(formatCheck('date-time'));
    expect(formatCheck('u-u-i-d')).toBe(formatCheck('uuid'));
  });

  it('does not check the formats upstream drops from CRD schemas', () => {
    for (const format of ['int32', 'int64', 'float', 'double', 'quantity', 'my-own']) expect(formatCheck(format)).toBeUndefined();
  });
});
