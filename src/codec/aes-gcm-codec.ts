/**
 * Payload privacy: an AES-256-GCM payload codec. Every payload the worker, the client and the CLI send to
 * Temporal (inputs, results, activity arguments, queries, heartbeat details) is stored encrypted; only
 * holders of the key (and the codec server, for the Temporal UI) can read it. Search attributes are not
 * payloads: region, instance id, image id and stage stay visible so pipelines can still be listed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  /** Stored with every payload, so a rotated-out key can still decrypt what it encrypted. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** The whole payload (metadata and data) travels inside the ciphertext, as JSON with base64 fields. */
function serialize(p: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  );
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(p.data ?? []).toString('base64') }), 'utf8');
}

function deserialize(bytes: Buffer): Payload {
  const o = JSON.parse(bytes.toString('utf8')) as { metadata: Record<string, string>; data: string };
  const metadata = Object.fromEntries(
    Object.entries(o.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  );
  return { metadata, data: new Uint8Array(Buffer.from(o.data, 'base64')) };
}

export class AesGcmCodec implements PayloadCodec {
  private readonly current: CodecKey;
  private readonly byId: Map<string, Buffer>;

  /** `keys[0]` encrypts; every key decrypts what was encrypted with it. */
  constructor(keys: CodecKey[]) {
    if (!keys.length) throw new ValueError('AesGcmCodec needs at least one key');
    for (const k of keys) {
      if (k.key.length !== 32) throw new ValueError(`codec key "${k.id}" must be 32 bytes, got ${k.key.length}`);
    }
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, this.current.key, iv);
      // The key id is authenticated too: a payload cannot be relabelled to another key.
      cipher.setAAD(Buffer.from(this.current.id, 'utf8'));
      const body = Buffer.concat([cipher.update(serialize(p)), cipher.final()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) },
        data: new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()])),
      };
    });
  }

  /** Payloads not encrypted by this codec (written before it was turned on) pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = p.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString('utf8') !== ENCRYPTED_ENCODING) return p;
      const id = Buffer.from(p.metadata?.[KEY_ID_METADATA] ?? []).toString('utf8');
      const key = this.byId.get(id);
      if (!key) throw new ValueError(`payload encrypted with codec key "${id}", which this process does not have`);
      const data = Buffer.from(p.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is truncated');
      const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      try {
        return deserialize(
          Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]),
        );
      } catch {
        throw new ValueError(`encrypted payload failed authentication with codec key "${id}" (tampered or wrong key)`);
      }
    });
  }
}
