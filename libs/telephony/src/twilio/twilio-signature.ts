import twilio from 'twilio';

/**
 * X-Twilio-Signature: HMAC-SHA1 over the full URL Twilio called plus the POST parameters sorted
 * by name, base64 (https://www.twilio.com/docs/usage/security#validating-requests). We use the
 * `twilio` package's validator, which compares in constant time and tries the URL with and
 * without the default port, as Twilio signs whichever form it was configured with.
 */
export function validTwilioSignature(
  authToken: string | undefined,
  signature: string | undefined,
  url: string,
  params: Record<string, string>,
): boolean {
  if (!authToken || !signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/**
 * The URL Twilio signed. Behind a proxy the request we see has another scheme/host, so when
 * PUBLIC_BASE_URL is configured it replaces the origin (its path prefix is kept); otherwise the
 * request's own origin (Fastify honours X-Forwarded-Proto/Host with trustProxy) is used.
 */
export function signedUrl(
  publicBaseUrl: string | undefined,
  request: { protocol: string; host: string; url: string },
  scheme: 'http' | 'ws' = 'http',
): string {
  const pathAndQuery = request.url;
  if (publicBaseUrl) {
    const base = new URL(publicBaseUrl);
    const proto = scheme === 'ws' ? (base.protocol === 'https:' ? 'wss:' : 'ws:') : base.protocol;
    return `${proto}//${base.host}${base.pathname.replace(/\/$/, '')}${pathAndQuery}`;
  }
  const secure = request.protocol === 'https' || request.protocol === 'wss';
  const proto = scheme === 'ws' ? (secure ? 'wss' : 'ws') : secure ? 'https' : 'http';
  return `${proto}://${request.host}${pathAndQuery}`;
}
