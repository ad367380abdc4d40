/** TC3 verification against signatures made by the real SDK's signer. */
import Sign from 'tencentcloud-sdk-nodejs/tencentcloud/common/sign';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../../src/emulator/core/errors';
import { parseAuthorization, verifyTc3 } from '../../src/emulator/core/tc3';

const ID = 'AKIDtest';
const KEY = 'secret-key';
const lookup = (id: string) => (id === ID ? KEY : undefined);
const NOW = 1_700_000_000;

function signedPost(opts: { body?: string; host?: string; service?: string; timestamp?: number; key?: string } = {}) {
  const body = opts.body ?? '{"Limit":1}';
  const host = opts.host ?? '127.0.0.1:9100';
  const timestamp = opts.timestamp ?? NOW;
  const authorization = Sign.sign3({
    method: 'POST',
    url: `http://${host}/`,
    payload: JSON.parse(body),
    timestamp,
    service: opts.service ?? '127',
    secretId: ID,
    secretKey: opts.key ?? KEY,
    multipart: false,
    boundary: '',
    headers: { 'Content-Type': 'application/json' },
  });
  const headers: IncomingHttpHeaders = {
    host,
    'content-type': 'application/json',
    'x-tc-timestamp': String(timestamp),
    authorization,
  };
  return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body) };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  return 'OK';
}

describe('verifyTc3', () => {
  it('accepts what the Node SDK signs (host without port, service = first host label)', () => {
    expect(verifyTc3(signedPost(), lookup, NOW)).toEqual({ secretId: ID, service: '127' });
    expect(verifyTc3(signedPost({ host: 'localhost:8080', service: 'localhost' }), lookup, NOW).service).toBe(
      'localhost',
    );
  });

  it('refuses a wrong key, a changed body and a changed timestamp', () => {
    expect(codeOf(() => verifyTc3(signedPost({ key: 'other' }), lookup, NOW))).toBe('AuthFailure.SignatureFailure');
    const tampered = signedPost();
    tampered.body = Buffer.from('{"Limit":2}');
    expect(codeOf(() => verifyTc3(tampered, lookup, NOW))).toBe('AuthFailure.SignatureFailure');
    const moved = signedPost();
    moved.headers['x-tc-timestamp'] = String(NOW + 1);
    expect(codeOf(() => verifyTc3(moved, lookup, NOW))).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses unknown SecretIds, skew beyond 300 s, and garbled or missing Authorization', () => {
    expect(codeOf(() => verifyTc3(signedPost(), () => undefined, NOW))).toBe('AuthFailure.SecretIdNotFound');
    expect(codeOf(() => verifyTc3(signedPost({ timestamp: NOW - 301 }), lookup, NOW))).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect(codeOf(() => verifyTc3(signedPost({ timestamp: NOW + 301 }), lookup, NOW))).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect(codeOf(() => verifyTc3(signedPost({ timestamp: NOW - 300 }), lookup, NOW))).toBe('OK');
    const garbled = signedPost();
    garbled.headers.authorization = 'TC3-HMAC-SHA256 Credential=nope';
    expect(codeOf(() => verifyTc3(garbled, lookup, NOW))).toBe('AuthFailure.InvalidAuthorization');
    const missing = signedPost();
    delete missing.headers.authorization;
    expect(codeOf(() => verifyTc3(missing, lookup, NOW))).toBe('AuthFailure.InvalidAuthorization');
  });

  it('refuses a credential scope date that is not the timestamp UTC date', () => {
    const req = signedPost();
    req.headers.authorization = String(req.headers.authorization).replace(/\/\d{4}-\d{2}-\d{2}\//, '/2000-01-01/');
    expect(codeOf(() => verifyTc3(req, lookup, NOW))).toBe('AuthFailure.SignatureFailure');
  });

  it('parses the SignedHeaders list and scope', () => {
    const auth = parseAuthorization(String(signedPost().headers.authorization));
    expect(auth).toMatchObject({ secretId: ID, service: '127', signedHeaders: ['content-type', 'host'] });
    expect(auth.date).toBe('2023-11-14');
  });
});

it('does not echo an unknown SecretId back (it would travel into failure messages and logs)', () => {
  let message = '';
  try {
    verifyTc3(signedPost(), () => undefined, NOW);
  } catch (e) {
    message = (e as ApiError).message;
  }
  const secretId = /Credential=([^/]+)/.exec(signedPost().headers.authorization as string)![1];
  expect(message).toMatch(/SecretId/);
  expect(message).not.toContain(secretId);
});
