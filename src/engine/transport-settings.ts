/**
 * How the operator's client talks to the API server, from the settings tree: Kopf's networking settings
 * turned into the transport's, read once when the operator connects.
 */
import type { Logger } from 'pino';
import type { ConnectOptions } from '../client/api.ts';
import type { RetryNotice } from '../client/transport.ts';
import type { OperatorSettings } from '../registry/settings.ts';

/** The client's transport settings from `settings.networking` (and `watching.connectTimeout` for watch streams). */
export function transportSettings(settings: OperatorSettings, logger: Logger): NonNullable<ConnectOptions['transport']> {
  const { requestTimeout, connectTimeout, errorBackoffs, enforceRetryAfter, trustEnv, connectionLimit } = settings.networking;
  const streamConnectTimeout = settings.watching.connectTimeout ?? connectTimeout;
  const onRetry = (notice: RetryNotice) =>
    logger.debug(`Request attempt #${notice.attempt}${notice.limit === undefined ? '' : `/${notice.limit}`} failed; will retry in ${notice.delayMs / 1000} seconds: ${notice.error.message}`);
  // The total limit is what Kopf has; the per-chunk one of the transport never comes first at the same value, and `null` lifts both.
  const timeoutMs = requestTimeout === null ? 0 : requestTimeout * 1000;
  return {
    delays: typeof errorBackoffs === 'number' ? [errorBackoffs] : errorBackoffs,
    enforceRetryAfter,
    timeoutMs,
    requestTimeoutMs: timeoutMs,
    connectTimeoutMs: connectTimeout === null ? undefined : connectTimeout * 1000,
    streamConnectTimeoutMs: streamConnectTimeout === null ? undefined : streamConnectTimeout * 1000,
    trustEnv,
    connectionLimit,
    onRetry,
  };
}
