/**
 * What the run tells the operator: the `progress` query state, the stage history returned in the result,
 * the typed search attributes and the UI's current details, all updated together on each stage change.
 */
import { patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import {
  CvmFailedStage,
  CvmImageId,
  CvmInstanceId,
  CvmPipelineStage,
  CvmRegion,
  CvmUndone,
  type PipelineProgress,
  type StageName,
  type StageRecord,
} from '../contract';
import type { Undone } from './saga';

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
  'restoring-instance': 60,
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

/** Runs recorded before the failed-stage and undone search attributes replay without their upserts. */
const FAILURE_ATTRIBUTES_PATCH = 'search-attributes-failed-stage-and-undone';

/** "delete image (with its bound snapshots) img-1, snap-2": what an undo step did, to what. */
export const describeUndone = (u: Undone) => (u.resources.length ? `${u.step} ${u.resources.join(', ')}` : u.step);

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
    const keep =
      stage === 'compensating' || stage === 'restoring-instance' || stage === 'failed' || stage === 'cancelled';
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

  /**
   * The run is failing or being cancelled: the stage it was in is kept (progress.failedStage and the
   * CvmFailedStage search attribute), since CvmPipelineStage moves on to compensating, failed, cancelled.
   */
  failing(): void {
    if (this.state.failedStage) return;
    const failedStage = this.state.stage;
    this.state = { ...this.state, failedStage, undone: [], updatedAt: nowIso() };
    if (patched(FAILURE_ATTRIBUTES_PATCH)) upsertSearchAttributes([{ key: CvmFailedStage, value: failedStage }]);
  }

  /** What compensation undid; an image it deleted is no longer the run's image (imageId and CvmImageId cleared). */
  undid(undone: Undone[]): void {
    const lines = undone.map(describeUndone);
    const imageGone = undone.some((u) => u.removesImage);
    this.state = {
      ...this.state,
      undone: lines,
      imageId: imageGone ? undefined : this.state.imageId,
      updatedAt: nowIso(),
    };
    if (patched(FAILURE_ATTRIBUTES_PATCH) && (lines.length || imageGone)) {
      upsertSearchAttributes([
        ...(lines.length ? [{ key: CvmUndone, value: lines }] : []),
        ...(imageGone ? [{ key: CvmImageId, value: null }] : []),
      ]);
    }
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
