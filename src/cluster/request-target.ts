/** A request target split into its path and query, as `new URL(target, base)` reads them. */
export interface RequestTarget {
  path: string;
  query: URLSearchParams;
}

/**
 * Origin-form targets made only of characters the URL parser leaves as they
 * are, with no dot segment (`.`, `..`, `%2e`) to resolve and no host (`//x`).
 */
const plainTarget = /^\/(?!\/)[\w\-.~!$&'()*+,;=:@%/]*(?:\?[\w\-.~!$&'()*+,;=:@%/?]*)?$/;
const dotSegment = /(?:^|\/)(?:\.|%2e){1,2}(?:[/?]|$)/i;

/**
 * The path and query of a request's target. A plain target (what clients
 * send) is split at its `?`; anything else goes through the WHATWG URL
 * parser, whose normalization it then gets. Splitting saves a URL object
 * on every request.
 */
export function parseRequestTarget(target: string): RequestTarget {
  if (plainTarget.test(target) && !dotSegment.test(target)) {
    const mark = target.indexOf('?');
    if (mark < 0) return { path: target, query: new URLSearchParams() };
    return { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
  }
  const url = new URL(target, 'http://embedded');
  return { path: url.pathname, query: url.searchParams };
}
