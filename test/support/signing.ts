import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Server-side checks of request signatures, written from the specifications
 * with node:crypto alone, so that they are independent of the signing code
 * under test.
 */

/** Reads a request's body as bytes. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** The string an HMAC-signed request of these tests signs: method, path and query, timestamp, request ID, body digest. */
export function hmacPayload(method: string, pathAndQuery: string, timestamp: string, requestId: string, body: Uint8Array | undefined): string {
  return [method, pathAndQuery, timestamp, requestId, sha256Hex(Buffer.from(body ?? new Uint8Array()))].join('\n');
}

/** Checks `x-signature` (hex HMAC-SHA256 of {@link hmacPayload}) as the server received the request. */
export function verifyHmac(request: IncomingMessage, body: Buffer, secret: string): boolean {
  const header = (name: string): string => String(request.headers[name] ?? '');
  const expected = createHmac('sha256', secret)
    .update(hmacPayload(request.method ?? '', request.url ?? '', header('x-timestamp'), header('x-request-id'), body))
    .digest();
  const given = Buffer.from(header('x-signature'), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** AWS credentials for a signature check. */
export interface AwsKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** RFC 3986 encoding, as Signature V4 wants it. */
const encode = (value: string): string => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Recomputes an AWS Signature Version 4 (header form, unsigned path segments
 * with no characters to escape) from the request as received, and compares it
 * with the one sent. Returns why it fails, or `undefined` when it holds.
 */
export function verifySigV4(request: IncomingMessage, body: Buffer, keys: AwsKeys): string | undefined {
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (match === null) return 'no Signature V4 authorization header';
  const [, keyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== keys.accessKeyId) return 'unknown access key';
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date!)) return 'x-amz-date does not match the credential scope';
  const url = new URL(request.url ?? '/', 'http://placeholder');
  const query = [...url.searchParams]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = signedHeaders!.split(';');
  const headers = names.map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [request.method, url.pathname, query, headers, signedHeaders, sha256Hex(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key = hmac(`AWS4${keys.secretAccessKey}`, date!);
  for (const part of [region!, service!, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return expected === signature ? undefined : 'signature mismatch';
}
