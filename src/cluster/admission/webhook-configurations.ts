import { labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from '../../core/label-selector.ts';
import type { KubeObject } from '../resource-type.ts';
import type { Store } from '../store.ts';

/** One `rules[]` entry of a webhook (`RuleWithOperations`). */
export interface WebhookRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}

/** Where a webhook is reached: a URL, or a Service the embedded cluster cannot route to. */
export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  /** Base64 of the PEM CA bundle that signed the webhook's serving certificate. */
  caBundle?: string;
}

/** One `webhooks[]` entry of a Mutating- or ValidatingWebhookConfiguration, as stored (defaults filled in). */
export interface WebhookSpec {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: WebhookRule[];
  failurePolicy?: string;
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
  timeoutSeconds?: number;
}

/** A webhook ready to be matched: its spec and its compiled selectors. */
export interface Webhook {
  mutating: boolean;
  spec: WebhookSpec;
  namespaceSelector: LabelSelector;
  objectSelector: LabelSelector;
}

const mutatingBucket = 'admissionregistration.k8s.io/mutatingwebhookconfigurations';
const validatingBucket = 'admissionregistration.k8s.io/validatingwebhookconfigurations';

/** The webhooks of the stored configurations: sorted by configuration name, then in list order (§11). */
function webhooksOf(configurations: KubeObject[], mutating: boolean): Webhook[] {
  const sorted = [...configurations].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  const webhooks: Webhook[] = [];
  for (const configuration of sorted) {
    for (const spec of (configuration.webhooks as WebhookSpec[] | undefined) ?? []) {
      webhooks.push({
        mutating,
        spec,
        namespaceSelector: labelSelectorFromObject(spec.namespaceSelector ?? {}),
        objectSelector: labelSelectorFromObject(spec.objectSelector ?? {}),
      });
    }
  }
  return webhooks;
}

/**
 * The admission webhooks the cluster's configurations declare, read from the
 * store when first needed after a change of either kind. `active` is what
 * every write asks: a field read once the lists are known.
 */
export class WebhookConfigurations {
  private lists?: { mutating: Webhook[]; validating: Webhook[] };
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly store: Store) {
    const forget = () => {
      this.lists = undefined;
    };
    this.unsubscribe = [store.subscribeBucket(mutatingBucket, forget), store.subscribeBucket(validatingBucket, forget)];
  }

  /** Whether any webhook is configured at all: without one, writes take the synchronous path. */
  get active(): boolean {
    const lists = this.load();
    return lists.mutating.length > 0 || lists.validating.length > 0;
  }

  get mutating(): Webhook[] {
    return this.load().mutating;
  }

  get validating(): Webhook[] {
    return this.load().validating;
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  private load(): { mutating: Webhook[]; validating: Webhook[] } {
    this.lists ??= {
      mutating: webhooksOf(this.store.list(mutatingBucket), true),
      validating: webhooksOf(this.store.list(validatingBucket), false),
    };
    return this.lists;
  }
}
