import { hostname, userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { manualPeeringIdentity, peeringIdentity, peerRecord, readPeers } from './peering.ts';

describe('peering identities', () => {
  const userAtHost = `${userInfo().username}@${hostname()}`;

  it('of an operator: the pod, else user@host with the start time and a random suffix', () => {
    expect(peeringIdentity({ POD_ID: 'pod-1' })).toBe('pod-1');
    const identity = peeringIdentity({}, new Date('2026-11-30T10:20:30.456Z'));
    expect(identity).toMatch(new RegExp(`^${userAtHost.replace(/[.]/g, '\\.')}/20261130102030/[a-z0-9]{3}$`));
  });

  it('of operators started in the same second in one process: never the same', () => {
    const second = new Date('2026-11-30T10:20:30Z');
    // Far more than the 36³ suffixes' birthday bound, where random suffixes alone would repeat.
    const identities = Array.from({ length: 3000 }, () => peeringIdentity({}, second));
    expect(new Set(identities).size).toBe(identities.length);
  });

  it('of a person (kopf freeze, kopf resume): the pod, else user@host, the same each time', () => {
    expect(manualPeeringIdentity({ POD_ID: 'pod-1' })).toBe('pod-1');
    expect(manualPeeringIdentity({})).toBe(userAtHost);
    expect(manualPeeringIdentity({ POD_ID: '' })).toBe(userAtHost);
  });
});

describe('peer records', () => {
  const now = Date.parse('2026-11-30T10:00:00.123Z');

  it("hold the priority, the lifetime and when they were written, in Kopf's timestamp form", () => {
    expect(peerRecord(100, 60, now + 0.456)).toEqual({ priority: 100, lifetime: 60, lastseen: '2026-11-30T10:00:00.123456+00:00' });
  });

  it('are removed (null) for a lifetime of 0 or less', () => {
    expect(peerRecord(100, 0, now)).toBeNull();
    expect(peerRecord(100, -5, now)).toBeNull();
  });

  it('are alive for their lifetime, as peers read them', () => {
    const record = peerRecord(100, 60, now);
    expect(readPeers({ frozen: record }, 'me', now + 59_000).live.map((peer) => peer.identity)).toEqual(['frozen']);
    expect(readPeers({ frozen: record }, 'me', now + 60_000).dead.map((peer) => peer.identity)).toEqual(['frozen']);
  });
});
