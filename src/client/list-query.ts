/** Visibility queries over the pipeline search attributes (the same syntax the Temporal CLI and UI use). */
import { WORKFLOW_TYPE } from '../contract';

export const EXECUTION_STATUSES = [
  'Running',
  'Completed',
  'Failed',
  'Canceled',
  'Terminated',
  'ContinuedAsNew',
  'TimedOut',
] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];

const squash = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');
/** Every spelling maps to the visibility one: the SDK's CANCELLED, the stage "cancelled", Temporal's "Canceled". */
const STATUS_SPELLINGS = new Map<string, ExecutionStatusName>([
  ...EXECUTION_STATUSES.map((s) => [squash(s), s] as const),
  ['cancelled', 'Canceled'],
]);

/**
 * An execution status as a person types it, in any case: running, completed, failed, cancelled (or
 * canceled), terminated, continued-as-new, timed-out. Undefined when it is none of them.
 */
export function parseExecutionStatus(text: string): ExecutionStatusName | undefined {
  return STATUS_SPELLINGS.get(squash(text));
}

/** A stage as a person types it: any case, and "canceled" for the stage "cancelled". */
export function normaliseStage(text: string): string {
  const stage = text.trim().toLowerCase();
  return stage === 'canceled' ? 'cancelled' : stage;
}

export interface PipelineFilter {
  region?: string;
  instanceId?: string;
  /** A stage name such as "waiting-for-image", or "queued". */
  stage?: string;
  /** Any spelling `parseExecutionStatus` accepts. */
  status?: ExecutionStatusName | string;
}

/** Single-quoted string literal; quotes and backslashes escaped so a value cannot change the query. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function pipelineListQuery(filter: PipelineFilter = {}): string {
  const clauses = [`WorkflowType = ${literal(WORKFLOW_TYPE)}`];
  if (filter.region) clauses.push(`CvmRegion = ${literal(filter.region)}`);
  if (filter.instanceId) clauses.push(`CvmInstanceId = ${literal(filter.instanceId)}`);
  if (filter.stage) clauses.push(`CvmPipelineStage = ${literal(normaliseStage(filter.stage))}`);
  if (filter.status) {
    const status = parseExecutionStatus(filter.status);
    if (!status) {
      throw new RangeError(`status: "${filter.status}" is not one of ${EXECUTION_STATUSES.join(', ')} (any case)`);
    }
    clauses.push(`ExecutionStatus = ${literal(status)}`);
  }
  return clauses.join(' AND ');
}
