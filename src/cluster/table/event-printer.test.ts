import { describe, expect, it } from 'vitest';
import { coreEventPrinter, eventsEventPrinter } from './event-printer.ts';

const now = new Date('2026-01-02T03:04:05Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');
const agoMicro = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace('Z', '000Z');

describe('coreEventPrinter', () => {
  it('has the kubectl get events columns, the wide ones at priority 1', () => {
    expect(coreEventPrinter.columns.map((column) => [column.name, column.priority])).toEqual([
      ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1],
      ['Message', 0], ['First Seen', 1], ['Count', 1], ['Name', 1],
    ]);
    expect(coreEventPrinter.columns.at(-1)?.format).toBe('name');
  });

  it('prints a kubelet event with its timestamps, source and trimmed message', () => {
    const event = {
      metadata: { name: 'p.17a' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: '  Back-off restarting failed container\n',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(3000),
      lastTimestamp: ago(60),
      count: 7,
    };
    expect(coreEventPrinter.print(event, now).cells).toEqual([
      '60s', 'Warning', 'BackOff', 'pod/p', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container', '50m', 7, 'p.17a',
    ]);
  });

  it('falls back to eventTime, the reporting fields and a count of one', () => {
    const event = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Node', namespace: 'default' },
      reason: 'Started',
      message: 'm',
      type: 'Normal',
      action: 'Start',
      reportingComponent: 'controller',
      reportingInstance: 'controller-0',
      eventTime: agoMicro(120),
    };
    expect(coreEventPrinter.print(event, now).cells).toEqual(['2m', 'Normal', 'Started', 'node', '', 'controller, controller-0', 'm', '2m', 1, 'e']);
  });

  it('takes the last time and count of an event series', () => {
    const event = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'q' },
      eventTime: agoMicro(900),
      series: { count: 4, lastObservedTime: agoMicro(30) },
      reportingComponent: 'kopf',
    };
    const cells = coreEventPrinter.print(event, now).cells;
    expect([cells[0], cells[5], cells[7], cells[8]]).toEqual(['30s', 'kopf', '15m', 4]);
  });

  it('says <unknown> when the event has no time at all', () => {
    expect(coreEventPrinter.print({ metadata: { name: 'e' }, involvedObject: {} }, now).cells.slice(0, 4)).toEqual(['<unknown>', '', '', '']);
  });
});

describe('eventsEventPrinter', () => {
  it('prints events.k8s.io/v1 Events through the core fields they map to', () => {
    const event = {
      metadata: { name: 'e' },
      regarding: { kind: 'Widget', name: 'w' },
      reason: 'Logging',
      note: ' hi ',
      type: 'Normal',
      action: 'Action?',
      reportingController: 'kopf',
      reportingInstance: 'dev',
      eventTime: agoMicro(10),
      deprecatedFirstTimestamp: ago(20),
      deprecatedLastTimestamp: ago(5),
      deprecatedCount: 2,
      deprecatedSource: { component: 'old-kopf' },
    };
    expect(eventsEventPrinter.print(event, now).cells).toEqual(['5s', 'Normal', 'Logging', 'widget/w', '', 'old-kopf, dev', 'hi', '20s', 2, 'e']);
  });
});
