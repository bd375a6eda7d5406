import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from './request-target.ts';

/** What the URL parser makes of a target: the reference. */
function parsedByUrl(target: string): { path: string; query: string[][] } {
  const url = new URL(target, 'http://embedded');
  return { path: url.pathname, query: [...url.searchParams] };
}

describe('parseRequestTarget', () => {
  const targets = [
    '/api/v1/namespaces/default/configmaps',
    '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=12&labelSelector=app%3Dx%2Cb+in+(1,2)',
    '/apis/kopf.dev/v1/namespaces/ns-1/kopfexamples/my.name/status?fieldManager=kopf&dryRun=All&dryRun=x',
    '/api/v1/namespaces/default/configmaps/a%2Fb',
    '/api/v1/namespaces/../configmaps',
    '/api/v1/namespaces/%2e%2E/configmaps',
    '/api/v1/./namespaces',
    '/api/v1/namespaces/default/configmaps/..',
    '/api/v1/x?q=a b&r="<>"',
    '/api/v1/x#fragment?q=1',
    '/api/v1/x?q=1#fragment',
    '//host/api/v1',
    '/api\\v1\\namespaces',
    '/api/v1/ünïcode?name=ä',
    '/',
    '/?',
    '/api//v1',
  ];
  it.each(targets)('reads %s as the URL parser does', (target) => {
    const { path, query } = parseRequestTarget(target);
    expect({ path, query: [...query] }).toEqual(parsedByUrl(target));
  });
});
