/**
 * TC3-HMAC-SHA256 verification (Tencent Cloud API 3.0 signature v3), written against the public spec.
 * We verify with what the client really signed: service and date from its credential scope, the
 * headers its SignedHeaders list names, the raw query and the raw body. Clients differ in details
 * (the Node SDK signs the host without port and service = first label of the endpoint host, e.g. "127"),
 * so a few canonical variants of the same request are tried; the secret key must still match.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors';

export interface Credential {
  secretId: string;
  secretKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path without the query, as received. */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const MAX_SKEW_SECONDS = 300;

interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^TC3-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request,\s*SignedHeaders=([a-z0-9;\-_]+),\s*Signature=([0-9a-f]{64})\s*$/i;

export function parseAuthorization(value: string | undefined): ParsedAuthorization {
  if (!value) throw new ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is missing.');
  const m = AUTH_RE.exec(value.trim());
  if (!m) {
    throw new ApiError(
      'AuthFailure.InvalidAuthorization',
      'The Authorization header is not a valid TC3-HMAC-SHA256 authorization (Credential, SignedHeaders, Signature).',
    );
  }
  return {
    secretId: m[1],
    date: m[2],
    service: m[3],
    signedHeaders: m[4].toLowerCase().split(';'),
    signature: m[5].toLowerCase(),
  };
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export function utcDate(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

export function signature(secretKey: string, date: string, service: string, stringToSign: string): string {
  const kDate = hmac(`TC3${secretKey}`, date);
  const kService = hmac(kDate, service);
  const kSigning = hmac(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign).digest('hex');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** Canonical requests worth trying: as the spec says (lowercased values) and as-sent; host with and without port. */
function canonicalVariants(req: SignedRequest, signedHeaders: string[]): string[] {
  // Clients may opt out of hashing the body (X-TC-Content-SHA256: UNSIGNED-PAYLOAD, e.g. the Python SDK's unsignedPayload).
  const unsigned = headerValue(req.headers, 'x-tc-content-sha256') === 'UNSIGNED-PAYLOAD';
  const hashedPayload = sha256Hex(unsigned ? 'UNSIGNED-PAYLOAD' : req.body);
  const host = headerValue(req.headers, 'host');
  const hostVariants = new Set([host, host.replace(/:\d+$/, '')]);
  const out = new Set<string>();
  for (const hostValue of hostVariants) {
    for (const lower of [true, false]) {
      const canonicalHeaders = signedHeaders
        .map((name) => {
          const raw = (name === 'host' ? hostValue : headerValue(req.headers, name)).trim();
          return `${name}:${lower ? raw.toLowerCase() : raw}\n`;
        })
        .join('');
      out.add(
        [
          req.method.toUpperCase(),
          req.path || '/',
          req.query,
          canonicalHeaders,
          signedHeaders.join(';'),
          hashedPayload,
        ].join('\n'),
      );
    }
  }
  return [...out];
}

/**
 * Verifies the request and returns the credential it was signed with.
 * `lookup` returns the secret key for a SecretId, or undefined when unknown.
 */
export function verifyTc3(
  req: SignedRequest,
  lookup: (secretId: string) => string | undefined,
  nowSeconds: number,
): { secretId: string; service: string } {
  const auth = parseAuthorization(headerValue(req.headers, 'authorization') || undefined);
  const tsRaw = headerValue(req.headers, 'x-tc-timestamp');
  if (!/^\d+$/.test(tsRaw)) {
    throw new ApiError('MissingParameter', 'The request is missing a valid `X-TC-Timestamp` header (Unix seconds).');
  }
  const timestamp = Number(tsRaw);
  if (Math.abs(nowSeconds - timestamp) > MAX_SKEW_SECONDS) {
    throw new ApiError(
      'AuthFailure.SignatureExpire',
      `Signature expired: X-TC-Timestamp ${timestamp} is more than ${MAX_SKEW_SECONDS} s from server time ${nowSeconds}.`,
    );
  }
  const secretKey = lookup(auth.secretId);
  if (secretKey === undefined) {
    throw new ApiError(
      'AuthFailure.SecretIdNotFound',
      'The SecretId is not found, please ensure that your SecretId is correct.',
    );
  }
  if (auth.date !== utcDate(timestamp)) {
    throw new ApiError(
      'AuthFailure.SignatureFailure',
      `The credential scope date ${auth.date} does not match the UTC date of X-TC-Timestamp (${utcDate(timestamp)}).`,
    );
  }
  if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('content-type')) {
    throw new ApiError('AuthFailure.SignatureFailure', 'SignedHeaders must include at least content-type and host.');
  }
  const expected = Buffer.from(auth.signature, 'hex');
  for (const canonical of canonicalVariants(req, auth.signedHeaders)) {
    const stringToSign = [
      'TC3-HMAC-SHA256',
      tsRaw,
      `${auth.date}/${auth.service}/tc3_request`,
      sha256Hex(canonical),
    ].join('\n');
    const actual = Buffer.from(signature(secretKey, auth.date, auth.service, stringToSign), 'hex');
    if (timingSafeEqual(actual, expected)) return { secretId: auth.secretId, service: auth.service };
  }
  throw new ApiError(
    'AuthFailure.SignatureFailure',
    'The provided credentials could not be validated: the signature does not match. Check your SecretKey.',
  );
}
