/**
 * Step 5's decisions: whether the guest's /etc/fstab must be prepared (Linux, fstab mode, reachable over
 * TAT), and the refusal `fstab: "check"` gives when data-disk lines are present.
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import type { FixMode, GuestRef } from '../activities/guest';
import { NON_RETRYABLE, type DataDiskMode, type FstabLine, type FstabScan } from '../contract';
import type { PipelineRun } from './run-context';
import { invalidInput } from './validation';

/** Linux with fstab ≠ ignore needs the guest; a stopped instance cannot be reached over TAT. */
export function planGuestPrep({ input, instance, warn }: PipelineRun): boolean {
  if (input.fstab === 'ignore') return false;
  if (instance.platform !== 'LINUX') {
    warn(`fstab preparation skipped: ${instance.osName || 'the instance'} is not Linux`);
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
    warn(`fstab preparation skipped: the instance is ${instance.state} and has no data disks`);
    return false;
  }
  return true;
}

/** `lines`: the guest's rows (at most 40, redacted); `total`: how many data lines there are in all. */
export function fstabRefusal(instanceId: string, lines: FstabLine[], total = lines.length): ApplicationFailure {
  const more = total > lines.length ? ` (and ${total - lines.length} more)` : '';
  const list = lines.map((l) => `line ${l.line}: ${l.text.trim()} (${l.reason})`).join('; ') + more;
  return ApplicationFailure.nonRetryable(
    `fstab: /etc/fstab of ${instanceId} mounts data disks, so instances launched from the image would not boot; comment them out or pass fstab: "fix": ${list}`,
    NON_RETRYABLE.fstabDataDiskLines,
    { lines },
  );
}

/**
 * How step 5 prepares /etc/fstab. The seed's caution ("if the image is created while data-disk entries are
 * in /etc/fstab, instances launched from the image will not start normally … comment out or delete the
 * self-configured data-disk lines", creating-custom-images, Cautions) is about images without the data disks.
 * A whole-machine image (dataDisks "include", CreateImage DataDiskIds) carries them, so commenting the lines
 * out left launched instances without their disks mounted (#13 item 7). There the lines stay active with
 * nofail added: launched instances mount their disks, and one launched without a disk still boots (systemd.mount(5),
 * FSTAB: a nofail mount is only wanted, not required, by local-fs.target; man7.org/linux/man-pages/man5). Gated: runs that began before
 * keep commenting out.
 */
export function planFstabFix(
  instanceId: string,
  where: GuestRef,
  dataDisks: DataDiskMode,
): { summary: string; args: GuestRef & { mode?: FixMode }; warning: (scan: FstabScan) => string } {
  const nofail = dataDisks === 'include' && patched('fstab-include-nofail');
  const rows = (scan: FstabScan) => scan.dataLines.map((l) => l.text.trim()).join(' | ');
  const count = (scan: FstabScan) => scan.dataLineCount ?? scan.dataLines.length;
  return nofail
    ? {
        summary: `Add nofail to the data-disk lines in /etc/fstab of ${instanceId} (the image includes the disks)`,
        args: { ...where, mode: 'nofail' },
        warning: (scan) =>
          `made ${count(scan)} data-disk line(s) of /etc/fstab nofail while imaging (the image includes the data disks): ${rows(scan)}`,
      }
    : {
        summary: `Comment out data-disk lines in /etc/fstab of ${instanceId}`,
        args: where,
        warning: (scan) => `commented out ${count(scan)} data-disk line(s) of /etc/fstab while imaging: ${rows(scan)}`,
      };
}
