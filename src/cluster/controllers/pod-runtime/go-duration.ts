/**
 * A duration as Go's `time.Duration.String()` prints it, which is how the
 * kubelet's messages show them: `500ms`, `10s`, `1m20s`, `5m0s`, `1h0m0s`.
 */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds < 1) return `${trim(seconds * 1000)}ms`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = trim(seconds % 60);
  if (hours > 0) return `${hours}h${minutes}m${rest}s`;
  if (minutes > 0) return `${minutes}m${rest}s`;
  return `${rest}s`;
}

/** At most millisecond precision, without trailing zeros. */
function trim(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
