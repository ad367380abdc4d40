/** The AES-256-GCM payload codec and its configuration from the environment. */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec/aes-gcm-codec';
import { DefaultPayloadConverter } from '@temporalio/common';
import {
  checkBundleEncodesFailures,
  codecFromEnv,
  dataConverterFromEnv,
  FAILURE_CONVERTER_PATH,
  keyFingerprint,
} from '../../src/codec/env';
import { FAILURE_CONVERTER_MARK, failureConverter } from '../../src/codec/failure-converter';

const key = () => randomBytes(32);
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

describe('AesGcmCodec', () => {
  const codec = new AesGcmCodec([{ id: 'k1', key: key() }]);
  const input = { region: 'ap-guangzhou', instanceId: 'ins-1a2b3c4d', imageName: 'private-name' };

  it('round-trips a payload, metadata included', async () => {
    const [enc] = await codec.encode([payload(input)]);
    const [dec] = await codec.decode([enc]);
    expect(defaultPayloadConverter.fromPayload(dec)).toEqual(input);
    expect(text(dec.metadata!.encoding)).toBe('json/plain');
  });

  it('stores nothing readable: encoding and key id only', async () => {
    const [enc] = await codec.encode([payload(input)]);
    expect(Object.keys(enc.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    expect(text(enc.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(enc.metadata![KEY_ID_METADATA])).toBe('k1');
    expect(Buffer.from(enc.data!).includes('private-name')).toBe(false);
    expect(Buffer.from(enc.data!).includes('json/plain')).toBe(false);
  });

  it('uses a fresh IV every time: the same value encrypts differently', async () => {
    const [a, b] = await codec.encode([payload(input), payload(input)]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('refuses a tampered payload', async () => {
    const [enc] = await codec.encode([payload(input)]);
    const data = Buffer.from(enc.data!);
    data[20] ^= 1;
    await expect(codec.decode([{ ...enc, data }])).rejects.toThrow(/failed authentication with codec key "k1"/);
  });

  it('refuses a payload relabelled to another key id (the id is authenticated)', async () => {
    const k = key();
    const two = new AesGcmCodec([
      { id: 'a', key: k },
      { id: 'b', key: k },
    ]);
    const [enc] = await two.encode([payload(input)]);
    const relabelled = { ...enc, metadata: { ...enc.metadata, [KEY_ID_METADATA]: Buffer.from('b') } };
    await expect(two.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('names the key it lacks', async () => {
    const [enc] = await codec.encode([payload(input)]);
    const other = new AesGcmCodec([{ id: 'k2', key: key() }]);
    await expect(other.decode([enc])).rejects.toThrow(/codec key "k1", which this process does not have/);
  });

  it('passes through payloads written before encryption was turned on', async () => {
    const plain = payload(input);
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new AesGcmCodec([{ id: 'short', key: randomBytes(16) }])).toThrow(/must be 32 bytes, got 16/);
  });
});

describe('codec configuration from the environment', () => {
  it('is off when CVM_IMAGE_CODEC_KEY is unset', () => {
    expect(codecFromEnv({})).toBeUndefined();
    expect(dataConverterFromEnv({})).toBeUndefined();
  });

  it('names the variable when the key is malformed', () => {
    expect(() => codecFromEnv({ CVM_IMAGE_CODEC_KEY: 'not-a-key' })).toThrow(/CVM_IMAGE_CODEC_KEY must be the base64/);
    const short = randomBytes(31).toString('base64');
    expect(() => codecFromEnv({ CVM_IMAGE_CODEC_KEY: short })).toThrow(/32 random bytes/);
  });

  it('uses the given key id, or a fingerprint', () => {
    const k = key();
    expect(codecFromEnv({ CVM_IMAGE_CODEC_KEY: k.toString('base64') })!.keyId).toBe(keyFingerprint(k));
    expect(
      codecFromEnv({ CVM_IMAGE_CODEC_KEY: k.toString('base64'), CVM_IMAGE_CODEC_KEY_ID: 'prod-2026' })!.keyId,
    ).toBe('prod-2026');
    expect(keyFingerprint(k)).not.toContain(k.toString('hex').slice(0, 8));
  });

  it('decodes with a previous key after a rotation, and encrypts with the new one', async () => {
    const [oldKey, newKey] = [key(), key()];
    const before = codecFromEnv({ CVM_IMAGE_CODEC_KEY: oldKey.toString('base64'), CVM_IMAGE_CODEC_KEY_ID: 'v1' })!;
    const [written] = await before.encode([payload('kept across rotation')]);
    const after = codecFromEnv({
      CVM_IMAGE_CODEC_KEY: newKey.toString('base64'),
      CVM_IMAGE_CODEC_KEY_ID: 'v2',
      CVM_IMAGE_CODEC_PREVIOUS_KEYS: `v1:${oldKey.toString('base64')}`,
    })!;
    expect(defaultPayloadConverter.fromPayload((await after.decode([written]))[0])).toBe('kept across rotation');
    const [fresh] = await after.encode([payload('x')]);
    expect(text(fresh.metadata![KEY_ID_METADATA])).toBe('v2');
  });
});

describe('failure messages under the codec', () => {
  it('the codec configuration carries the failure converter that moves message and stack into a payload', () => {
    const dc = dataConverterFromEnv({ CVM_IMAGE_CODEC_KEY: key().toString('base64') })!;
    expect(dc.failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(dc.failureConverterPath!).failureConverter).toBe(failureConverter);
    const failure = failureConverter.errorToFailure(
      new Error('password=Hunter2 in line 5'),
      new DefaultPayloadConverter(),
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(Buffer.from(failure.encodedAttributes!.data!).toString()).toContain('Hunter2'); // the codec encrypts it
  });

  it('a worker refuses a prebuilt workflow bundle without it when the codec is on', () => {
    const dc = dataConverterFromEnv({ CVM_IMAGE_CODEC_KEY: key().toString('base64') });
    expect(() => checkBundleEncodesFailures('/* bundle */', dc)).toThrow(/built without the failure converter/);
    expect(() => checkBundleEncodesFailures(`x("${FAILURE_CONVERTER_MARK}")`, dc)).not.toThrow();
    expect(() => checkBundleEncodesFailures('/* bundle */', undefined)).not.toThrow();
  });
});
