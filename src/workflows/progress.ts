/**
 * What the run tells the operator: the `progress` query state, the stage history returned in the result,
 * the typed search attributes and the UI's current details, all updated together on each stage change.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import {
  CvmImageId,
  CvmInstanceId,
  CvmPipelineStage,
  CvmRegion,
  type PipelineProgress,
  type StageName,
  type StageRecord,
} from '../contract';

/** Rough share of the whole run done when a stage starts (the image wait dominates real runs). */
const STAGE_PERCENT: Record<StageName, number> = {
  validating: 0,
  inspecting: 2,
  'checking-quota': 4,
  rotating: 4,
  'awaiting-approval': 6,
  'preparing-fstab': 8,
  stopping: 10,
  'creating-image': 14,
  'waiting-for-image': 16,
  starting: 60,
  'restoring-fstab': 64,
  'snapshotting-data-disks': 66,
  'copying-image': 84,
  'sharing-image': 84,
  launching: 84,
  'verifying-launch': 88,
  'cleaning-up-launch': 94,
  compensating: 0,
  completed: 100,
  failed: 0,
  cancelled: 0,
};

const nowIso = () => new Date().toISOString();

export class PipelineTracker {
  readonly stages: StageRecord[] = [];
  private state: PipelineProgress;

  constructor() {
    const t = nowIso();
    this.state = {
      stage: 'validating',
      percent: 0,
      snapshotIds: [],
      launchedInstanceIds: [],
      startedAt: t,
      updatedAt: t,
    };
  }

  get progress(): PipelineProgress {
    return {
      ...this.state,
      snapshotIds: [...this.state.snapshotIds],
      launchedInstanceIds: [...this.state.launchedInstanceIds],
    };
  }

  /** Which pipeline this is, for search (set as soon as the input is known to be valid). */
  identify(region: string, instanceId: string): void {
    upsertSearchAttributes([
      { key: CvmRegion, value: region },
      { key: CvmInstanceId, value: instanceId },
    ]);
  }

  enter(stage: StageName, details: string, waitingFor?: string): void {
    const t = nowIso();
    const open = this.stages[this.stages.length - 1];
    if (open && !open.end) open.end = t;
    if (stage !== 'completed' && stage !== 'failed' && stage !== 'cancelled')
      this.stages.push({ name: stage, start: t });
    const keep = stage === 'compensating' || stage === 'failed' || stage === 'cancelled';
    this.state = {
      ...this.state,
      stage,
      percent: keep ? this.state.percent : STAGE_PERCENT[stage],
      stagePercent: undefined,
      waitingFor,
      updatedAt: t,
    };
    upsertSearchAttributes([{ key: CvmPipelineStage, value: stage }]);
    setCurrentDetails(`**${stage}**: ${details}`);
  }

  waiting(waitingFor: string | undefined): void {
    this.state = { ...this.state, waitingFor, updatedAt: nowIso() };
  }

  setImage(imageId: string): void {
    this.state = { ...this.state, imageId, updatedAt: nowIso() };
    upsertSearchAttributes([{ key: CvmImageId, value: imageId }]);
  }

  setSnapshots(ids: string[]): void {
    this.state = { ...this.state, snapshotIds: [...ids], updatedAt: nowIso() };
  }

  setLaunched(ids: string[]): void {
    this.state = { ...this.state, launchedInstanceIds: [...ids], updatedAt: nowIso() };
  }

  /** Percent of the current stage (snapshots); the overall percent moves within the stage's share. */
  stageProgress(percent: number): void {
    const from = STAGE_PERCENT[this.state.stage];
    const to = this.state.stage === 'snapshotting-data-disks' ? STAGE_PERCENT.launching : from;
    this.state = {
      ...this.state,
      stagePercent: percent,
      percent: Math.round(from + ((to - from) * Math.min(100, percent)) / 100),
      updatedAt: nowIso(),
    };
  }
}
