/** `POST /_emulator/instances`: a fixture instance, as if someone had launched it earlier. */
import { z } from 'zod';
import { isoSeconds, newId } from '../core/ids';
import type { World } from '../core/context';
import { checkRegion, checkZone } from '../core/regions';
import type { InstanceRecord } from '../state/types';
import { DEFAULT_PUBLIC_IMAGE_ID } from './public-images';
import { addDisk, bootCheck, defaultFstab, DEVICES } from './lifecycle';

export const fixtureInstanceSchema = z
  .object({
    region: z.string().default('ap-guangzhou'),
    zone: z.string().optional(),
    instanceType: z.string().default('S5.MEDIUM2'),
    instanceName: z.string().optional(),
    createdTime: z.iso.datetime().default('2023-06-01T00:00:00Z'),
    sourceImageType: z.enum(['PUBLIC_IMAGE', 'PRIVATE_IMAGE']).default('PUBLIC_IMAGE'),
    imageId: z.string().optional(),
    state: z.enum(['RUNNING', 'STOPPED']).default('RUNNING'),
    osName: z.string().default('Ubuntu Server 22.04 LTS 64bit'),
    systemDiskSizeGb: z.number().int().min(20).max(1024).default(50),
    dataDisks: z
      .array(
        z
          .object({
            sizeGb: z.number().int().min(10).max(32000).default(50),
            fsUuid: z.string().optional(),
            fsLabel: z.string().optional(),
            diskType: z.string().optional(),
          })
          .strict(),
      )
      .max(DEVICES.length - 1)
      .default([]),
    /** Guest files by absolute path; when absent a sane /etc/fstab (root + swap) is written. */
    files: z.record(z.string().startsWith('/'), z.string()).optional(),
    agentOnline: z.boolean().default(true),
    tags: z.array(z.object({ Key: z.string(), Value: z.string() })).default([]),
  })
  .strict();

export type FixtureInstance = z.input<typeof fixtureInstanceSchema>;

export function createFixtureInstance(world: World, input: unknown): InstanceRecord {
  const body = fixtureInstanceSchema.parse(input ?? {});
  const region = checkRegion(body.region);
  const zone = checkZone(region, body.zone ?? `${region}-3`, 'zone');
  const now = world.now();
  const s = world.store.state;
  const id = newId('ins');
  const sys = addDisk(
    s,
    { region, zone, usage: 'SYSTEM_DISK', sizeGb: body.systemDiskSizeGb, instanceId: id, device: DEVICES[0] },
    now,
  );
  const data = body.dataDisks.map((d, i) =>
    addDisk(
      s,
      {
        region,
        zone,
        usage: 'DATA_DISK',
        sizeGb: d.sizeGb,
        diskType: d.diskType,
        instanceId: id,
        device: DEVICES[i + 1],
        fsUuid: d.fsUuid,
        fsLabel: d.fsLabel ?? `data${i + 1}`,
      },
      now,
    ),
  );
  const rec: InstanceRecord = {
    id,
    region,
    zone,
    instanceType: body.instanceType,
    instanceName: body.instanceName ?? `fixture-${id.slice(4)}`,
    state: body.state,
    createdTime: isoSeconds(Date.parse(body.createdTime)),
    imageId: body.imageId ?? (body.sourceImageType === 'PUBLIC_IMAGE' ? DEFAULT_PUBLIC_IMAGE_ID : newId('img')),
    sourceImageType: body.sourceImageType,
    osName: body.osName,
    systemDiskId: sys.id,
    dataDiskIds: data.map((d) => d.id),
    agentOnline: body.agentOnline,
    latestOperation: body.state === 'RUNNING' ? 'StartInstances' : 'StopInstances',
    latestOperationState: 'SUCCESS',
    tags: body.tags,
  };
  s.instances[id] = rec;
  world.guests.writeFiles(id, body.files ?? { '/etc/fstab': defaultFstab(sys.fsUuid) });
  bootCheck(world, rec);
  return rec;
}
