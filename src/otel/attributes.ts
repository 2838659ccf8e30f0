/** The attribute names the subpath sets, on spans and metric points. */
export const ATTR = Object.freeze({
  service: 'service',
  method: 'http.request.method',
  errorType: 'error.type',
  statusCode: 'http.response.status_code',
  resendCount: 'http.request.resend_count',
  attempts: 'resilient_http.attempts',
  reason: 'reason',
  refused: 'refused',
  state: 'state',
  decision: 'decision',
});

/** The methods the HTTP semantic conventions name; any other is reported as `_OTHER`, which keeps metric cardinality bounded. */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'QUERY', 'TRACE']);

/** `http.request.method` for a method the client sent (already upper-case). */
export function methodAttribute(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
