/**
 * Ages and durations as kube-apiserver renders them in Table cells
 * (apiserver-spec §8.6): short, two-part at most, and tolerant of a little clock skew.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Time strings are RFC 3339 with a mandatory zone; a fraction of any length is allowed, as Go's parser allows it.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * A duration in milliseconds as a short human text: `95s`, `7m5s`, `7m`, `3h`, `5h2m`, `2d`,
 * `3d4h`, `3y`, `3y20d`. A negative duration of less than 2 s (clock skew) is `0s`;
 * anything further in the future is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  // Upstream truncates seconds toward zero before judging the sign, so -1.9 s still counts as "now".
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 10) {
    const rest = seconds % 60;
    return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
  }
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = Math.floor(ms / HOUR);
  if (hours < 8) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 8 * 24) {
    const rest = hours % 24;
    return rest === 0 ? `${days}d` : `${days}d${rest}h`;
  }
  if (hours < 2 * 365 * 24) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 8 * 365 * 24) {
    const rest = days % 365;
    return rest === 0 ? `${years}y` : `${years}y${rest}d`;
  }
  return `${years}y`;
}

/**
 * Parses an RFC 3339 timestamp (`2026-01-02T03:04:05Z`, any fraction, any offset) into epoch
 * milliseconds, or returns null when the text is not a valid RFC 3339 time.
 */
export function parseTimestamp(text: string): number | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const base = new Date(0);
  base.setUTCFullYear(y, mo - 1, d);
  base.setUTCHours(h, mi, s, Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
  // setUTCFullYear rolls an impossible day (Feb 30) into the next month; Go rejects it instead.
  if (base.getUTCDate() !== d) return null;
  if (sign) {
    if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return null;
    const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * MINUTE;
    return sign === '+' ? base.getTime() - offset : base.getTime() + offset;
  }
  return base.getTime();
}

/**
 * The age of an object from one of its timestamps, as seen at `now`: `<unknown>` when the
 * timestamp is unset (upstream's zero time), `<invalid>` when it does not parse.
 */
export function formatAge(timestamp: string | null | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  const time = parseTimestamp(timestamp);
  if (time === null) return '<invalid>';
  return humanDuration(now.getTime() - time);
}
