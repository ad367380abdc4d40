/**
 * The codec's configuration, from the environment the worker, the client and the CLI share:
 * CVM_IMAGE_CODEC_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), optional
 * CVM_IMAGE_CODEC_KEY_ID (default: a fingerprint of the key), and CVM_IMAGE_CODEC_PREVIOUS_KEYS
 * (comma-separated `[id:]base64` entries, for reading payloads written before a rotation; the id defaults to
 * the key's fingerprint). Unset: no encryption.
 */
import { createHash } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, type CodecKey } from './aes-gcm-codec';
import { FAILURE_CONVERTER_MARK } from './failure-converter';

/** A short, non-secret name for a key (first 8 bytes of its SHA-256). */
export const keyFingerprint = (key: Buffer): string =>
  `k-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

function parseKey(text: string, variable: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text.trim())) {
    throw new Error(`${variable} must be the base64 of 32 random bytes (openssl rand -base64 32)`);
  }
  return key;
}

export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const current = env.CVM_IMAGE_CODEC_KEY;
  if (!current) return undefined;
  const key = parseKey(current, 'CVM_IMAGE_CODEC_KEY');
  const keys: CodecKey[] = [{ id: env.CVM_IMAGE_CODEC_KEY_ID || keyFingerprint(key), key }];
  for (const [i, entry] of (env.CVM_IMAGE_CODEC_PREVIOUS_KEYS ?? '').split(',').filter(Boolean).entries()) {
    const [id, text] = entry.includes(':') ? entry.split(':', 2) : [undefined, entry];
    const old = parseKey(text, `CVM_IMAGE_CODEC_PREVIOUS_KEYS (entry ${i + 1})`);
    keys.push({ id: id || keyFingerprint(old), key: old });
  }
  return new AesGcmCodec(keys);
}

/** Module path of the failure converter that makes failure messages payloads (failure-converter.ts). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter for Worker.create and new Client(): the codec when configured, with failure messages
 * and stacks encoded (and so encrypted) too; else the default. A worker that bundles its workflows passes
 * failureConverterPath on to the bundle; a prebuilt bundle must be built with it (workflowBundleOptions).
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec ? { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH } : undefined;
}

/**
 * A prebuilt workflow bundle (CVM_IMAGE_WORKFLOW_BUNDLE) runs whatever failure converter it was built with:
 * with the codec on, one built without ours would write failure messages in plain text, so the worker
 * refuses it. Build it with `bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH })`.
 */
export function checkBundleEncodesFailures(bundleCode: string, dataConverter: DataConverter | undefined): void {
  if (!dataConverter?.failureConverterPath || bundleCode.includes(FAILURE_CONVERTER_MARK)) return;
  throw new Error(
    'the prebuilt workflow bundle was built without the failure converter (src/codec/failure-converter.ts), so ' +
      'with CVM_IMAGE_CODEC_KEY set its failure messages would be stored unencrypted; rebuild it with ' +
      'bundleWorkflowCode({ workflowsPath, failureConverterPath }) or unset CVM_IMAGE_WORKFLOW_BUNDLE',
  );
}
