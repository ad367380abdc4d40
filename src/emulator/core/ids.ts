/** Resource ids shaped like Tencent's: `<prefix>-` followed by 8 lowercase alphanumerics. */
import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function newId(prefix: string): string {
  const bytes = randomBytes(8);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}-${out}`;
}

export const newRequestId = (): string => randomUUID();

/** ISO 8601 UTC without milliseconds, as Tencent formats `CreatedTime`. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
