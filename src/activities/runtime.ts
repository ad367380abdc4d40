/** What every activity module shares inside one worker: the rate-limited API and the pollers. */
import type { TencentApi } from './tencent-api';
import type { Pollers } from './pollers';

export interface ActivityRuntime {
  api: TencentApi;
  pollers: Pollers;
  /** How long a resource may be missing from Describe* right after it was created. */
  visibilityGraceMs: number;
  /** How often a guest command's result is polled. */
  pollIntervalMs: number;
}

/** Tencent expects tags as a Key/Value list. */
export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function hasTag(tags: { Key?: string; Value?: string }[] | undefined, key: string, value: string): boolean {
  return (tags ?? []).some((t) => t.Key === key && t.Value === value);
}
