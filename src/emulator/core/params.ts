/**
 * Action parameters from any shape a Tencent client sends: a JSON body (SDKs' default), or flat
 * `Filters.0.Name=…` pairs in a GET query or an x-www-form-urlencoded body (older SDK modes, tccli GET).
 */
import { ApiError, invalidValue } from './errors';

export type Params = Record<string, unknown>;

function setPath(target: Params, path: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const nextIsIndex = /^\d+$/.test(path[i + 1]);
    if (node[key] === undefined || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Turns `{"Filters.0.Name": "x"}` into `{Filters: [{Name: "x"}]}`; drops the signing-only keys. */
export function unflatten(flat: URLSearchParams): Params {
  const out: Params = {};
  for (const [key, value] of flat) {
    if (['Action', 'Version', 'Region', 'Timestamp', 'Nonce', 'Signature', 'SecretId', 'Token'].includes(key)) continue;
    setPath(out, key.split('.'), value);
  }
  return out;
}

export function parseParams(method: string, contentType: string, query: string, body: Buffer): Params {
  if (method === 'GET') return unflatten(new URLSearchParams(query));
  const text = body.toString('utf8');
  if (contentType.startsWith('application/x-www-form-urlencoded')) return unflatten(new URLSearchParams(text));
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('InvalidParameter', 'The request body is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError('InvalidParameter', 'The request body must be a JSON object.');
  }
  return parsed as Params;
}

// Readers that accept both the JSON and the flattened-string forms of a value and name the field on error.

export function str(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(field, 'must be a string');
  return value;
}

export function int(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalidValue(field, 'must be an integer');
  return n;
}

export function bool(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'TRUE' || value === 'True') return true;
  if (value === 'false' || value === 'FALSE' || value === 'False') return false;
  throw invalidValue(field, 'must be true or false');
}

export function strList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const arr = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value as object) : undefined;
  if (!arr || arr.some((v) => typeof v !== 'string')) throw invalidValue(field, 'must be a list of strings');
  return arr as string[];
}

export function list<T>(value: unknown, field: string): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidValue(field, 'must be a list');
  return value as T[];
}

/** Limit/Offset paging with Tencent's bounds. */
export function page<T>(items: T[], params: Params, defaultLimit = 20, maxLimit = 100): T[] {
  const offset = int(params.Offset, 'Offset') ?? 0;
  const limit = int(params.Limit, 'Limit') ?? defaultLimit;
  if (offset < 0) throw invalidValue('Offset', 'must be ≥ 0');
  if (limit < 0 || limit > maxLimit) throw invalidValue('Limit', `must be between 0 and ${maxLimit}`);
  return items.slice(offset, offset + limit);
}
