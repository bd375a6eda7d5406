import { describe, expect, it } from 'vitest';
import { countBetween, parseRequestTotals, writeVerbs } from './apiserver-requests.ts';

// Lines as kube-apiserver 1.32 exposes them, with the neighbours that must not be mistaken for them.
const before = `# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="kopf.dev",resource="kopfexamples",scope="resource",subresource="",verb="PATCH",version="v1"} 10
apiserver_request_total{code="200",component="apiserver",dry_run="",group="kopf.dev",resource="kopfexamples",scope="resource",subresource="status",verb="PATCH",version="v1"} 10
apiserver_request_total{code="201",component="apiserver",dry_run="",group="kopf.dev",resource="kopfexamples",scope="resource",subresource="",verb="POST",version="v1"} 1000
apiserver_request_total{code="0",component="apiserver",dry_run="",group="kopf.dev",resource="kopfexamples",scope="cluster",subresource="",verb="WATCH",version="v1"} 3
apiserver_request_duration_seconds_count{component="apiserver",dry_run="",group="kopf.dev",resource="kopfexamples",scope="resource",subresource="",verb="PATCH",version="v1"} 99
`;
const after = `${before.replace(/verb="PATCH",version="v1"\} 10/g, 'verb="PATCH",version="v1"} 1010')}apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="events",scope="resource",subresource="",verb="POST",version="v1"} 5
`;

describe('parseRequestTotals', () => {
  it('reads every series of apiserver_request_total with its labels, and nothing else', () => {
    const series = parseRequestTotals(before);
    expect(series).toHaveLength(4);
    expect(series[1]).toEqual({
      labels: { code: '200', component: 'apiserver', dry_run: '', group: 'kopf.dev', resource: 'kopfexamples', scope: 'resource', subresource: 'status', verb: 'PATCH', version: 'v1' },
      count: 10,
    });
  });
});

describe('countBetween', () => {
  it('counts the requests of the matching series made between two readings, new series included', () => {
    const [from, to] = [parseRequestTotals(before), parseRequestTotals(after)];
    expect(countBetween(from, to, (labels) => labels.verb === 'PATCH')).toBe(2000);
    expect(countBetween(from, to, (labels) => labels.verb === 'PATCH' && labels.subresource === 'status')).toBe(1000);
    expect(countBetween(from, to, (labels) => writeVerbs.has(labels.verb))).toBe(2005);
    expect(countBetween(from, to, (labels) => labels.verb === 'WATCH')).toBe(0);
  });
});
