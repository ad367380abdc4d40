/** Turns whatever Temporal or the network threw into one or two lines an operator can act on. */
import { WorkflowFailedError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';

/** gRPC status codes that mean "no server answered" (grpc-js is not a direct dependency). */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** An error whose message is already meant for the operator. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ErrorContext {
  address: string;
  namespace: string;
}

export function unreachableMessage(ctx: ErrorContext, detail: string): string {
  return (
    `cannot reach the Temporal server at ${ctx.address} (namespace ${ctx.namespace}): ${detail}\n` +
    'Start one with `npm start`, or point TEMPORAL_ADDRESS / TEMPORAL_PROFILE (or --address) at a running server.'
  );
}

/** One line per level of a Temporal failure chain, outermost first. */
export function failureChain(err: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof ApplicationFailure) {
      const details = current.details?.length ? ` ${JSON.stringify(current.details)}` : '';
      // A plain Error thrown in workflow code arrives with type "Error": the message says it all.
      const type = current.type && current.type !== 'Error' ? `${current.type}: ` : '';
      lines.push(`${type}${current.message}${details}`);
    } else if (current instanceof ActivityFailure) {
      lines.push(`activity ${current.activityType ?? '?'} failed`);
    } else if (current instanceof TimeoutFailure) {
      lines.push(`timed out (${current.timeoutType ?? 'unknown timeout'})`);
    } else if (current instanceof CancelledFailure) {
      lines.push(`cancelled${current.message ? `: ${current.message}` : ''}`);
    } else if (current instanceof TerminatedFailure) {
      lines.push(`terminated${current.message ? `: ${current.message}` : ''}`);
    } else if (!(current instanceof WorkflowFailedError || current instanceof WorkflowUpdateFailedError)) {
      lines.push(current.message);
    }
    current = current.cause;
  }
  return lines;
}

/** The innermost cause is what went wrong; the outer levels say where. */
export function describeFailure(err: unknown): { headline: string; via: string[] } {
  const chain = failureChain(err);
  if (!chain.length) return { headline: String(err), via: [] };
  return { headline: chain[chain.length - 1], via: chain.slice(0, -1) };
}

function isUnreachable(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++, e = (e as Error).cause) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) {
      return e.details || e.message;
    }
  }
  return undefined;
}

/** The message printed for an error that ended a command. */
export function explainError(err: unknown, ctx: ErrorContext, workflowId?: string): string {
  if (err instanceof CliError) return err.message;
  const unreachable = isUnreachable(err);
  if (unreachable) return unreachableMessage(ctx, unreachable);
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return (
      `a pipeline with id ${err.workflowId} is already running (one pipeline per instance at a time).\n` +
      `Follow it with: cvm-image status ${err.workflowId}`
    );
  }
  if (err instanceof WorkflowNotFoundError) {
    // Updates to a closed run come back as "not found", which would send the operator looking elsewhere.
    if (/already completed/i.test(err.message)) return `pipeline ${err.workflowId || workflowId} has already ended`;
    return `no pipeline with id ${err.workflowId ?? workflowId ?? '?'} in namespace ${ctx.namespace}`;
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return `refused: ${describeFailure(err).headline}`;
  }
  if (err instanceof WorkflowFailedError) {
    const { headline, via } = describeFailure(err);
    return [`pipeline ${workflowId ?? ''} failed: ${headline}`, ...via.map((v) => `  via ${v}`)].join('\n');
  }
  return err instanceof Error ? err.message : String(err);
}
