/** The public images every region offers (a small, fixed catalog; not stored in state). */
import type { ImageRecord } from '../state/types';

const CATALOG: { id: string; name: string; osName: string; platform: string; sizeGb: number }[] = [
  {
    id: 'img-487zeit5',
    name: 'Ubuntu Server 22.04 LTS 64bit',
    osName: 'Ubuntu Server 22.04 LTS 64bit',
    platform: 'Ubuntu',
    sizeGb: 20,
  },
  {
    id: 'img-22trbn9x',
    name: 'Ubuntu Server 20.04 LTS 64bit',
    osName: 'Ubuntu Server 20.04 LTS 64bit',
    platform: 'Ubuntu',
    sizeGb: 20,
  },
  {
    id: 'img-l8og963d',
    name: 'TencentOS Server 3.1 (TK4)',
    osName: 'TencentOS Server 3.1 (TK4)',
    platform: 'TencentOS',
    sizeGb: 20,
  },
  { id: 'img-9qrfy1xt', name: 'CentOS 7.9 64bit', osName: 'CentOS 7.9 64bit', platform: 'CentOS', sizeGb: 20 },
];

export const DEFAULT_PUBLIC_IMAGE_ID = CATALOG[0].id;

export function publicImages(region: string): ImageRecord[] {
  return CATALOG.map((c) => ({
    id: c.id,
    region,
    name: c.name,
    description: `${c.name} (public image)`,
    state: 'NORMAL',
    createdTime: '2023-03-01T00:00:00Z',
    imageType: 'PUBLIC_IMAGE',
    imageSource: 'OFFICIAL',
    osName: c.osName,
    platform: c.platform,
    architecture: 'x86_64',
    sizeGb: c.sizeGb,
    snapshotIds: [],
    tags: [],
    sharedWith: [],
  }));
}

export function publicImage(region: string, id: string): ImageRecord | undefined {
  return publicImages(region).find((i) => i.id === id);
}
