/** Regions the emulator accepts; anything else is refused as Tencent does. */
import published from '../../tencent/regions.json';
import { ApiError } from './errors';

/** Tencent's published region list (src/tencent/regions.json, with its source), the pipeline's too. */
export const REGIONS: string[] = published.regions;

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
