/**
 * `Warning` response headers (RFC 7234 form, code 299, as kube-apiserver
 * writes them): one value per warning text.
 */
export function warningHeader(warnings: string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}
