/** What a bake run tells the operator: `progress`, stage search attributes and the UI's current details. */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import {
  CvmFailedStage,
  CvmImageId,
  CvmPipelineStage,
  CvmRegion,
  CvmUndone,
  type BakeProgress,
  type BakeStage,
} from '../contract';

const nowIso = () => new Date().toISOString();

export class BakeTracker {
  private state: BakeProgress;

  constructor() {
    const t = nowIso();
    this.state = { stage: 'validating', startedAt: t, updatedAt: t };
  }

  get progress(): BakeProgress {
    return { ...this.state };
  }

  /** Not CvmInstanceId: that names a pipeline's source, which the janitor restores; a builder is terminated. */
  identify(region: string): void {
    upsertSearchAttributes([{ key: CvmRegion, value: region }]);
  }

  enter(stage: BakeStage, details: string, step?: string): void {
    this.state = { ...this.state, stage, step, updatedAt: nowIso() };
    upsertSearchAttributes([{ key: CvmPipelineStage, value: stage }]);
    setCurrentDetails(`**${stage}**: ${details}`);
  }

  set(patch: Partial<Pick<BakeProgress, 'builderInstanceId' | 'testInstanceId' | 'imageId'>>): void {
    this.state = { ...this.state, ...patch, updatedAt: nowIso() };
    if (patch.imageId) upsertSearchAttributes([{ key: CvmImageId, value: patch.imageId }]);
  }

  failing(): BakeStage {
    upsertSearchAttributes([{ key: CvmFailedStage, value: this.state.stage }]);
    return this.state.stage;
  }

  undid(lines: string[], imageGone: boolean): void {
    this.state = { ...this.state, undone: lines, imageId: imageGone ? undefined : this.state.imageId };
    upsertSearchAttributes([
      ...(lines.length ? [{ key: CvmUndone, value: lines }] : []),
      ...(imageGone ? [{ key: CvmImageId, value: null }] : []),
    ]);
  }
}
