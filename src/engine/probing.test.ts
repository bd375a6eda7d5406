import { describe, expect, it } from 'vitest';
import { createLogger } from './logging.ts';
import { parseLivenessUrl, serveLiveness } from './probing.ts';

const logger = createLogger({ output: { write: () => undefined } });

describe('parseLivenessUrl', () => {
  it('takes http URLs with Kopf defaults, and refuses other schemes', () => {
    expect(parseLivenessUrl('http://0.0.0.0:8080/healthz')).toEqual({ host: '0.0.0.0', port: 8080, path: '/healthz' });
    expect(parseLivenessUrl('http://localhost')).toEqual({ host: 'localhost', port: 80, path: '/' });
    expect(() => parseLivenessUrl('https://0.0.0.0:8080/healthz')).toThrow('Unsupported scheme: https://0.0.0.0:8080/healthz');
    expect(() => parseLivenessUrl('not a url')).toThrow(/Unsupported liveness endpoint/);
  });
});

describe('serveLiveness', () => {
  it('reuses results for a while and shares one run between concurrent requests', async () => {
    let runs = 0;
    const endpoint = await serveLiveness('http://127.0.0.1:0/healthz', async () => ({ run: ++runs }), logger);
    try {
      const answers = await Promise.all([fetch(endpoint.url), fetch(endpoint.url), fetch(endpoint.url)].map(async (response) => (await response).json()));
      expect(answers).toEqual([{ run: 1 }, { run: 1 }, { run: 1 }]);
      expect(await (await fetch(endpoint.url)).json()).toEqual({ run: 1 });
      expect(runs).toBe(1);
    } finally {
      await endpoint.close();
    }
  });

  it('does not keep a failure: the next request probes again', async () => {
    let fail = true;
    const endpoint = await serveLiveness('http://127.0.0.1:0/', async () => {
      if (fail) throw new Error('not ready');
      return {};
    }, logger);
    try {
      const failed = await fetch(endpoint.url);
      expect(failed.status).toBe(500);
      expect(await failed.text()).toBe('not ready\n');
      fail = false;
      expect(await (await fetch(endpoint.url)).json()).toEqual({});
    } finally {
      await endpoint.close();
    }
  });
});
