import { describe, expect, it } from 'vitest';
import { EVERYTHING, type Resource } from '../core/resource-selector.ts';
import { watchSelectors } from './watch-selectors.ts';
import { kopfExamples } from '../../test/support/resources.ts';

const kex: Resource = { ...kopfExamples, shortNames: ['kex'], subresources: [], verbs: ['list', 'watch'] };
const pods: Resource = { ...kex, group: '', plural: 'pods', kind: 'Pod', singular: 'pod', shortNames: ['po'] };

describe('watchSelectors', () => {
  it('ANDs every selector whose key matches the resource, sorted and de-duplicated', () => {
    const watching = {
      labelSelectors: new Map<never, string>([
        ['kopfexamples' as never, 'team=a'],
        [['kopf.dev', 'v1', 'kopfexamples'] as never, 'env in (dev,prod)'],
        [EVERYTHING as never, 'team=a'],
        ['pods' as never, 'app=web'],
      ]),
      fieldSelectors: new Map<never, string>([['kex' as never, 'metadata.name!=skip']]),
    };
    expect(watchSelectors(watching, kex)).toEqual({ labelSelector: 'env in (dev,prod),team=a', fieldSelector: 'metadata.name!=skip' });
    expect(watchSelectors(watching, pods)).toEqual({ labelSelector: 'app=web,team=a' });
  });

  it('gives nothing when no key matches', () => {
    expect(watchSelectors({ labelSelectors: new Map(), fieldSelectors: new Map() }, kex)).toEqual({});
  });
});
