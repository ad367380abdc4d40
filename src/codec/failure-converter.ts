/**
 * Loaded by path (DataConverter.failureConverterPath) into the client, the worker and the workflow bundle
 * when the codec is configured: Temporal's DefaultFailureConverter with `encodeCommonAttributes`, which moves
 * a failure's message and stack trace into `encodedAttributes`, a payload, so the payload codec encrypts them
 * too ("to encrypt these attributes use a PayloadCodec", @temporalio/common DefaultFailureConverterOptions).
 * Without it a failure message (an fstab line, a guest's output) sits in the history in plain text.
 */
import { DefaultFailureConverter } from '@temporalio/common';

/** Found in a workflow bundle built with this converter (the worker checks a prebuilt bundle for it). */
export const FAILURE_CONVERTER_MARK = 'cvm-image-pipeline:encoded-failure-attributes';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
