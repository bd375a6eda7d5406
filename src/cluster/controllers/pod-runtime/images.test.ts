import { describe, expect, it } from 'vitest';
import { goDuration } from './go-duration.ts';
import { ImageStore, imageIdOf, imageSizeOf, normalizeImage } from './images.ts';

describe('images', () => {
  it('qualifies references as containerd reports them', () => {
    expect(normalizeImage('busybox')).toBe('docker.io/library/busybox:latest');
    expect(normalizeImage('busybox:1.36')).toBe('docker.io/library/busybox:1.36');
    expect(normalizeImage('bitnami/redis')).toBe('docker.io/bitnami/redis:latest');
    expect(normalizeImage('quay.io/coreos/etcd:v3.5')).toBe('quay.io/coreos/etcd:v3.5');
    expect(normalizeImage('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(normalizeImage('nginx@sha256:0123')).toBe('docker.io/library/nginx@sha256:0123');
  });

  it('derives a stable image ID and size from the reference', () => {
    expect(imageIdOf('busybox')).toMatch(/^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
    expect(imageIdOf('busybox')).toBe(imageIdOf('docker.io/library/busybox:latest'));
    expect(imageIdOf('busybox:1.36')).not.toBe(imageIdOf('busybox'));
    expect(imageIdOf('nginx@sha256:0123')).toBe('docker.io/library/nginx@sha256:0123');
    expect(imageSizeOf('busybox')).toBe(imageSizeOf('busybox:latest'));
  });

  it('pulls per the policy: once when IfNotPresent, every time when Always, never when Never', () => {
    const store = new ImageStore();
    expect(store.pullSeconds('nginx:1.27', 'IfNotPresent')).toBe(1);
    expect(store.pullSeconds('nginx:1.27', 'Never')).toBe(0);
    store.add('nginx:1.27');
    expect(store.pullSeconds('docker.io/library/nginx:1.27', 'IfNotPresent')).toBe(0);
    expect(store.pullSeconds('nginx:1.27', 'Always')).toBe(0.5);
    expect(store.pullSeconds('busybox', 'Always')).toBe(1);
  });
});

describe('goDuration', () => {
  it("prints durations as Go's time.Duration does", () => {
    expect([0, 0.5, 1, 1.5, 10, 80, 160, 300, 3600, 3725].map(goDuration)).toEqual(['0s', '500ms', '1s', '1.5s', '10s', '1m20s', '2m40s', '5m0s', '1h0m0s', '1h2m5s']);
  });
});
