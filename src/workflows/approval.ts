/**
 * The durable shutdown approval: the run waits (with a timeout, as a timer in history) for the
 * `approveShutdown` or `rejectShutdown` update. Their validators refuse them when nothing is pending.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { approveShutdownUpdate, DESCRIPTIONS, rejectShutdownUpdate } from '../contract';

export type ApprovalOutcome = { approved: true } | { approved: false; reason: string };

export class ShutdownApproval {
  private pending = false;
  private outcome: ApprovalOutcome | undefined;

  install(): void {
    const mustBePending = () => {
      if (!this.pending) throw new Error('no shutdown approval is pending for this pipeline');
    };
    setHandler(
      approveShutdownUpdate,
      () => {
        this.outcome = { approved: true };
        this.pending = false;
        return 'shutdown approved';
      },
      { validator: mustBePending, description: DESCRIPTIONS.approveShutdown },
    );
    setHandler(
      rejectShutdownUpdate,
      (reason: string) => {
        this.outcome = { approved: false, reason: reason || 'no reason given' };
        this.pending = false;
        return 'shutdown rejected';
      },
      {
        description: DESCRIPTIONS.rejectShutdown,
        validator: (reason: string) => {
          mustBePending();
          if (reason !== undefined && (typeof reason !== 'string' || reason.length > 1000)) {
            throw new Error('reason must be a string of at most 1000 characters');
          }
        },
      },
    );
  }

  /** The decision, or undefined when the timeout passed first. */
  async request(timeoutMs: number): Promise<ApprovalOutcome | undefined> {
    this.pending = true;
    this.outcome = undefined;
    try {
      await condition(() => this.outcome !== undefined, timeoutMs);
      return this.outcome;
    } finally {
      this.pending = false;
    }
  }
}
