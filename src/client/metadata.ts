/**
 * What a pipeline shows before its first task runs: the Temporal UI's summary and details (static user
 * metadata) and the search attributes an operator filters by.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { type CreateCustomImageInput, CvmInstanceId, CvmPipelineStage, CvmRegion } from '../contract';
import { DEFAULTS } from '../workflows/validation';

/** Stage recorded at start; the workflow replaces it with its real stages. */
export const QUEUED_STAGE = 'queued';

/** One line for the UI's workflow list and header (Temporal markdown). */
export function pipelineSummary(input: CreateCustomImageInput): string {
  const verb = input.dryRun ? 'Dry run: image' : 'Image';
  // Temporal markdown: a code span keeps the name intact (quotes would be typeset as curly ones).
  return `${verb} \`${input.imageName}\` from ${input.instanceId} in ${input.region}`;
}

/** Markdown shown under "Details" in the Temporal UI: the choices that change what the run does. */
export function pipelineDetails(input: CreateCustomImageInput): string {
  const lines = [
    `**Instance** \`${input.instanceId}\` in \`${input.region}\``,
    `**Image name** \`${input.imageName}\`${input.imageFamily ? ` (family \`${input.imageFamily}\`)` : ''}`,
    `**Shutdown** ${input.shutdown ?? 'auto'}${input.approval?.required ? `, approval required (timeout ${input.approval.timeout ?? DEFAULTS.approvalTimeout})` : ''}`,
    `**Data disks** ${input.dataDisks ?? 'snapshot (when it has any)'} · **fstab** ${input.fstab ?? 'fix'}`,
  ];
  if (input.launch) {
    const l = input.launch;
    const where = [l.instanceType, l.zone].filter(Boolean).join(' in ');
    lines.push(
      `**Launch** ${l.count} test instance(s)${where ? ` (${where})` : ''}, ${l.keep ? 'kept' : 'terminated after checks'}`,
    );
  }
  const tags = Object.entries(input.tags ?? {});
  if (tags.length) lines.push(`**Tags** ${tags.map(([k, v]) => `\`${k}=${v}\``).join(' ')}`);
  if (input.dryRun) lines.push('**Dry run**: checks only, nothing is changed');
  return lines.join('\n\n');
}

export function startSearchAttributes(input: CreateCustomImageInput): SearchAttributePair[] {
  return [
    { key: CvmRegion, value: input.region },
    { key: CvmInstanceId, value: input.instanceId },
    { key: CvmPipelineStage, value: QUEUED_STAGE },
  ];
}
