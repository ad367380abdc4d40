/**
 * Compensation as data: a LIFO list of idempotent undo steps. On failure or cancellation they all run,
 * newest first, in a non-cancellable scope; a step that still fails after its activity's retries is not
 * swallowed: it is listed, with the ids it could not clean up, in the workflow's failure.
 */
import { ApplicationFailure, CancellationScope, log } from '@temporalio/workflow';
import { WORKFLOW_FAILURES } from '../contract';

export interface Compensation {
  /** What the step undoes, e.g. "delete image". */
  name: string;
  /** The resource ids it concerns, read when it runs (ids may be learned after registration). */
  resources(): string[];
  /** Set on the step that deletes the run's image. */
  removesImage?: boolean;
  run(): Promise<void>;
}

export interface Undone {
  step: string;
  resources: string[];
  /** The step deleted the run's image: it is no longer the run's image. */
  removesImage?: boolean;
}

export interface Leak {
  step: string;
  resources: string[];
  error: string;
}

export class Saga {
  private readonly steps: Compensation[] = [];
  /** The undo steps that ran and succeeded, in the order they ran. */
  readonly undone: Undone[] = [];

  /** Registers an undo step; the returned function forgets it (the work was undone on the normal path). */
  add(step: Compensation): () => void {
    this.steps.push(step);
    return () => {
      const i = this.steps.indexOf(step);
      if (i >= 0) this.steps.splice(i, 1);
    };
  }

  get pending(): string[] {
    return this.steps.map((s) => s.name);
  }

  /** Runs every step, newest first, even when the workflow is being cancelled. Returns what leaked. */
  compensate(): Promise<Leak[]> {
    return CancellationScope.nonCancellable(async () => {
      const leaks: Leak[] = [];
      while (this.steps.length) {
        const step = this.steps.pop()!;
        try {
          await step.run();
          this.undone.push({ step: step.name, resources: step.resources(), removesImage: step.removesImage });
        } catch (err) {
          const error = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
          log.error('compensation step failed', { step: step.name, resources: step.resources(), error });
          leaks.push({ step: step.name, resources: step.resources(), error });
        }
      }
      return leaks;
    });
  }
}

/** The failure that replaces the original one when cleanup is incomplete: it names every leaked id. */
export function compensationIncomplete(leaks: Leak[], cause: unknown): ApplicationFailure {
  const list = leaks.map((l) => `${l.step} [${l.resources.join(', ') || 'unknown id'}]: ${l.error}`).join('; ');
  return ApplicationFailure.create({
    message: `the pipeline failed and could not clean up everything; left behind: ${list}`,
    type: WORKFLOW_FAILURES.compensationIncomplete,
    nonRetryable: true,
    details: [{ leaks }],
    cause: cause instanceof Error ? cause : undefined,
  });
}
