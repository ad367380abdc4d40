/**
 * What every step of `createCustomImage` works with, as one object instead of five to seven positional
 * arguments. Steps return what they produced; the workflow alone writes the result. The one exception is
 * `warn`: a warning belongs in the result wherever it arises, in the order it arose.
 */
import type { InstanceFacts } from '../contract';
import type { PipelineTracker } from './progress';
import type { Saga } from './saga';
import type { PipelineInput } from './validation';

export interface PipelineRun {
  readonly input: PipelineInput;
  /** The source instance as step 2 found it. */
  readonly instance: InstanceFacts;
  /** The source instance as activity arguments name it. */
  readonly where: { region: string; instanceId: string };
  readonly tracker: PipelineTracker;
  readonly saga: Saga;
  warn(text: string): void;
}
