import { Pollers } from '../../src/activities/pollers';
import { RateLimiter } from '../../src/activities/rate-limit';
import { TencentApi } from '../../src/activities/tencent-api';
import type { TencentClients } from '../../src/cloud/clients';
import { maxActivitiesFromEnv, maxCachedWorkflowsFromEnv, pollerModeFromEnv } from '../../src/worker';

/** Clients whose DescribeImages answers CREATING to the very first call and NORMAL after; records each batch. */
function fakeClients() {
  const calls: string[][] = [];
  const cvm = {
    DescribeImages: async ({ ImageIds }: { ImageIds: string[] }) => {
      calls.push(ImageIds);
      const ImageState = calls.length === 1 ? 'CREATING' : 'NORMAL';
      return { ImageSet: ImageIds.map((ImageId) => ({ ImageId, ImageState })) };
    },
  };
  const clients = { cvm: () => cvm, cbs: () => ({}), tat: () => ({}) } as unknown as TencentClients;
  return { clients, calls };
}

const waitNormal = (pollers: Pollers, id: string) =>
  pollers
    .images('ap-guangzhou')
    .wait({ id, decide: (r) => (r?.ImageState === 'NORMAL' ? { done: r.ImageId } : { wait: true }) });

describe('Pollers modes', () => {
  it('batched: one poller per region and kind; a second wait joins the next round of the first', async () => {
    const { clients, calls } = fakeClients();
    const pollers = new Pollers(new TencentApi(clients, new RateLimiter()), 10);
    expect(pollers.images('ap-guangzhou')).toBe(pollers.images('ap-guangzhou'));
    expect(await Promise.all([waitNormal(pollers, 'img-a'), waitNormal(pollers, 'img-b')])).toEqual(['img-a', 'img-b']);
    expect(calls).toEqual([['img-a'], ['img-a', 'img-b']]);
    expect(pollers.callCounts()).toEqual({ 'images/ap-guangzhou': 2 });
  });

  it('per-activity: every wait polls its own ids, and its calls are still counted', async () => {
    const { clients, calls } = fakeClients();
    const pollers = new Pollers(new TencentApi(clients, new RateLimiter()), 10, 'per-activity');
    expect(pollers.images('ap-guangzhou')).not.toBe(pollers.images('ap-guangzhou'));
    expect(await Promise.all([waitNormal(pollers, 'img-a'), waitNormal(pollers, 'img-b')])).toEqual(['img-a', 'img-b']);
    // img-a polls twice (CREATING, then NORMAL) and img-b once, each alone.
    expect(calls.map((c) => c.join(','))).toEqual(['img-a', 'img-b', 'img-a']);
    expect(pollers.callCounts()).toEqual({ 'images/ap-guangzhou': 3 });
  });

  it('reads CVM_IMAGE_POLLER, CVM_IMAGE_MAX_ACTIVITIES and CVM_IMAGE_MAX_CACHED_WORKFLOWS, refusing bad values by name', () => {
    expect(pollerModeFromEnv({})).toBeUndefined();
    expect(pollerModeFromEnv({ CVM_IMAGE_POLLER: 'per-activity' })).toBe('per-activity');
    expect(() => pollerModeFromEnv({ CVM_IMAGE_POLLER: 'fast' })).toThrow(/CVM_IMAGE_POLLER must be one of/);
    expect(maxActivitiesFromEnv({})).toBeUndefined();
    expect(maxActivitiesFromEnv({ CVM_IMAGE_MAX_ACTIVITIES: '2000' })).toBe(2000);
    expect(() => maxActivitiesFromEnv({ CVM_IMAGE_MAX_ACTIVITIES: '0' })).toThrow(/CVM_IMAGE_MAX_ACTIVITIES/);
    expect(maxCachedWorkflowsFromEnv({ CVM_IMAGE_MAX_CACHED_WORKFLOWS: '0' })).toBe(0);
    expect(() => maxCachedWorkflowsFromEnv({ CVM_IMAGE_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/CVM_IMAGE_MAX_CACHED/);
  });
});
