/**
 * The requests kube-apiserver counted itself: `apiserver_request_total` from its `/metrics`, read before
 * and after a measurement, so the writes of an operator are counted by the server and not by the client
 * under test.
 */

/** One series of `apiserver_request_total`: its labels (verb, resource, subresource, code …) and count. */
export interface RequestSeries {
  labels: Record<string, string>;
  count: number;
}

const seriesLine = /^apiserver_request_total\{([^}]*)\} (\S+)$/;
const label = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The `apiserver_request_total` series of a Prometheus text exposition. */
export function parseRequestTotals(metrics: string): RequestSeries[] {
  const series: RequestSeries[] = [];
  for (const line of metrics.split('\n')) {
    const match = seriesLine.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of match[1].matchAll(label)) labels[name] = value;
    series.push({ labels, count: Number(match[2]) });
  }
  return series;
}

/** How many requests matching `filter` the server counted between two readings. */
export function countBetween(before: RequestSeries[], after: RequestSeries[], filter: (labels: Record<string, string>) => boolean): number {
  const total = (series: RequestSeries[]) => series.filter((s) => filter(s.labels)).reduce((sum, s) => sum + s.count, 0);
  return total(after) - total(before);
}

/** The verbs that change something (kube-apiserver names server-side apply `APPLY`). */
export const writeVerbs: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION']);
