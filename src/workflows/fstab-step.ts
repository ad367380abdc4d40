/**
 * Step 4's decisions: whether the guest's /etc/fstab must be prepared (Linux, fstab mode, reachable over
 * TAT), and the refusal `fstab: "check"` gives when data-disk lines are present.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { NON_RETRYABLE, type FstabLine, type InstanceFacts } from '../activities/types';
import { invalidInput, type PipelineInput } from './validation';

export /** Linux with fstab ≠ ignore needs the guest; a stopped instance cannot be reached over TAT. */
function planGuestPrep(input: PipelineInput, instance: InstanceFacts, warnings: string[]): boolean {
  if (input.fstab === 'ignore') return false;
  if (instance.platform !== 'LINUX') {
    warnings.push(`fstab preparation skipped: ${instance.osName || 'the instance'} is not Linux`);
    return false;
  }
  if (instance.state !== 'RUNNING') {
    if (instance.dataDisks.length) {
      throw invalidInput([
        {
          field: 'fstab',
          message: `instance ${instance.instanceId} is ${instance.state}, so /etc/fstab cannot be ${input.fstab === 'fix' ? 'fixed' : 'checked'} over TAT; start it first, or pass fstab: "ignore"`,
        },
      ]);
    }
    warnings.push(`fstab preparation skipped: the instance is ${instance.state} and has no data disks`);
    return false;
  }
  return true;
}

export function fstabRefusal(instanceId: string, lines: FstabLine[]): ApplicationFailure {
  const list = lines.map((l) => `line ${l.line}: ${l.text.trim()} (${l.reason})`).join('; ');
  return ApplicationFailure.nonRetryable(
    `fstab: /etc/fstab of ${instanceId} mounts data disks, so instances launched from the image would not boot; comment them out or pass fstab: "fix": ${list}`,
    NON_RETRYABLE.fstabDataDiskLines,
    { lines },
  );
}
