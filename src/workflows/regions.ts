/**
 * Tencent Cloud regions where CVM custom images can be made (checked before any cloud call). One list, in
 * src/tencent/regions.json with its source, read by the pipeline and the emulator alike.
 */
import published from '../tencent/regions.json';

export const TENCENT_REGIONS = published.regions as [string, ...string[]];
