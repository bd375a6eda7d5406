import { describe, expect, it } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createServer } from 'node:https';
import { request } from 'node:https';
import { createServingCertificates } from './certificates.ts';

describe('createServingCertificates', () => {
  it('makes a CA-signed serving certificate with the requested names', async () => {
    const pem = await createServingCertificates({ hosts: ['localhost'], ips: ['127.0.0.1'] });
    const ca = new X509Certificate(pem.caCert);
    const cert = new X509Certificate(pem.cert);
    expect(ca.ca).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkPrivateKey(createPrivateKey(pem.key))).toBe(true);
  });

  it('serves TLS that a client trusting only the CA accepts', async () => {
    const pem = await createServingCertificates({ hosts: ['localhost'], ips: ['127.0.0.1'] });
    const server = createServer({ cert: pem.cert, key: pem.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, ca: pem.caCert }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    server.close();
    expect(body).toBe('ok');
  });
});
