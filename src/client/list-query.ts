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

export interface PipelineFilter {
  region?: string;
  instanceId?: string;
  /** A stage name such as "waiting-for-image", or "queued". */
  stage?: string;
  status?: ExecutionStatusName;
}

/** Single-quoted string literal; quotes and backslashes escaped so a value cannot change the query. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function pipelineListQuery(filter: PipelineFilter = {}): string {
  const clauses = [`WorkflowType = ${literal(WORKFLOW_TYPE)}`];
  if (filter.region) clauses.push(`CvmRegion = ${literal(filter.region)}`);
  if (filter.instanceId) clauses.push(`CvmInstanceId = ${literal(filter.instanceId)}`);
  if (filter.stage) clauses.push(`CvmPipelineStage = ${literal(filter.stage)}`);
  if (filter.status) clauses.push(`ExecutionStatus = ${literal(filter.status)}`);
  return clauses.join(' AND ');
}
