/** Regions the emulator accepts; anything else is refused as Tencent does. */
import { ApiError } from './errors';

export const REGIONS = [
  'ap-guangzhou',
  'ap-shanghai',
  'ap-nanjing',
  'ap-beijing',
  'ap-chengdu',
  'ap-chongqing',
  'ap-hongkong',
  'ap-singapore',
  'ap-jakarta',
  'ap-seoul',
  'ap-tokyo',
  'ap-mumbai',
  'ap-bangkok',
  'na-siliconvalley',
  'na-ashburn',
  'eu-frankfurt',
  'sa-saopaulo',
];

export function checkRegion(region: string | undefined): string {
  if (!region) throw new ApiError('MissingParameter', 'The request is missing the `X-TC-Region` header.');
  if (!REGIONS.includes(region)) throw new ApiError('UnsupportedRegion', `The region \`${region}\` is not supported.`);
  return region;
}

export function checkZone(region: string, zone: string, field = 'Placement.Zone'): string {
  if (!new RegExp(`^${region}-\\d$`).test(zone)) {
    throw new ApiError('InvalidZone.MismatchRegion', `The zone \`${zone}\` (${field}) is not in region ${region}.`);
  }
  return zone;
}
