/** The disks a guest command sees (for the blkid/mount shims): device, filesystem UUID and LABEL, size. */
import type { EmulatorState, InstanceRecord } from '../state/types';
import type { RunRequest } from './runner';

export function taskDisks(s: EmulatorState, inst: InstanceRecord): RunRequest['disks'] {
  return [inst.systemDiskId, ...inst.dataDiskIds]
    .map((id) => s.disks[id])
    .filter((d) => d && d.device && d.state === 'ATTACHED')
    .map((d) => ({ device: d.device!, fsUuid: d.fsUuid, fsLabel: d.fsLabel, sizeGb: d.sizeGb, usage: d.usage }));
}
