import {
  allowedPerSecond,
  makespanBound,
  planOf,
  spanMs,
  type BoundOptions,
  type PipelinePlan,
} from '../../bench/bound';
import { cloudTimeMs } from '../../bench/metrics';
import { BENCH_DURATIONS } from '../../bench/durations';
import type { CreateCustomImageResult } from '../../src/contract';

const HALF: BoundOptions = { limits: { CreateImage: 10, StopInstances: 10, Slow: 2 }, defaultLimit: 10, share: 0.5 };

const image = (region: string, afterMs: number, beforeMs = 0): PipelinePlan => ({
  region,
  steps: [...(beforeMs ? [{ waitMs: beforeMs }] : []), { action: 'CreateImage', waitMs: 0 }, { waitMs: afterMs }],
});

/** The bench's durations (image 60 s, snapshot 30 s, stop/start 5 s, launch 10 s, terminate 5 s). */
const d = BENCH_DURATIONS;
const stage = (name: CreateCustomImageResult['stages'][number]['name']) => ({ name, start: '', end: '' });

/** A finished pipeline that stopped its instance, snapshotted two data disks and launched (then terminated). */
const finished = (over: Partial<CreateCustomImageResult> = {}): CreateCustomImageResult => ({
  imageId: 'img-1',
  snapshotIds: ['snap-1', 'snap-2'],
  launchedInstanceIds: ['ins-new'],
  shutdownPerformed: true,
  warnings: [],
  stages: (
    [
      'validating',
      'inspecting',
      'checking-quota',
      'stopping',
      'creating-image',
      'waiting-for-image',
      'starting',
      'snapshotting-data-disks',
      'launching',
      'verifying-launch',
      'cleaning-up-launch',
      'completed',
    ] as const
  ).map(stage),
  ...over,
});

describe('makespan lower bound (bench/bound.ts), cases computed by hand', () => {
  it('allows ⌊share × limit⌋ calls a second, at least one; m calls span ⌊(m − 1) / c⌋ s', () => {
    expect(allowedPerSecond('CreateImage', HALF)).toBe(5);
    expect(allowedPerSecond('Unknown', HALF)).toBe(5); // the default limit, 10
    expect(allowedPerSecond('CreateImage', { ...HALF, share: 0.05 })).toBe(1);
    expect([spanMs(0, 5), spanMs(1, 5), spanMs(5, 5), spanMs(6, 5), spanMs(11, 5)]).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('one pipeline: its chain of cloud durations', () => {
    const plan: PipelinePlan = {
      region: 'r',
      steps: [{ action: 'StopInstances', waitMs: 5_000 }, { action: 'CreateImage', waitMs: 0 }, { waitMs: 60_000 }],
    };
    const b = makespanBound([plan], HALF);
    expect(b).toMatchObject({ ms: 65_000, bindingBy: 'longest chain', longestChainMs: 65_000 });
    // head 5 s + tail 60 s: one call alone is bound by its chain.
    expect(b.byActionRegion['CreateImage@r']).toEqual({ calls: 1, perSecond: 5, boundMs: 65_000 });
    expect(b.byActionRegion['StopInstances@r']).toEqual({ calls: 1, perSecond: 5, boundMs: 65_000 });
  });

  it('12 CreateImage in one region at 5/s: the last goes 2 s after the first, then 60 s', () => {
    const b = makespanBound(
      Array.from({ length: 12 }, () => image('r', 60_000)),
      HALF,
    );
    expect(b).toMatchObject({ ms: 62_000, bindingBy: 'CreateImage@r' });
  });

  it('Tencent limits per region: 6 + 6 in two regions take 1 s of calls each', () => {
    const plans = Array.from({ length: 12 }, (_, i) => image(i % 2 ? 'a' : 'b', 60_000));
    const b = makespanBound(plans, HALF);
    expect(b.ms).toBe(61_000);
    expect(b.byActionRegion['CreateImage@a'].calls).toBe(6);
  });

  it('long tails first: 3 calls with 100 s after them bind, not the 6 calls of all (1 call/s)', () => {
    const slow = (afterMs: number): PipelinePlan => ({
      region: 'r',
      steps: [{ action: 'Slow', waitMs: afterMs }],
    });
    const plans = [slow(100_000), slow(10_000), slow(100_000), slow(10_000), slow(100_000), slow(10_000)];
    // {tail ≥ 100 s}: 0 + ⌊2/1⌋ s + 100 s = 102 s; {all}: 0 + 5 s + 10 s = 15 s.
    expect(makespanBound(plans, HALF)).toMatchObject({ ms: 102_000, bindingBy: 'Slow@r' });
  });

  it('heads: 4 calls that cannot start before 50 s bind at 50 + 3 + 10 s', () => {
    const late = (): PipelinePlan => ({ region: 'r', steps: [{ waitMs: 50_000 }, { action: 'Slow', waitMs: 10_000 }] });
    const early = (): PipelinePlan => ({ region: 'r', steps: [{ action: 'Slow', waitMs: 10_000 }] });
    const b = makespanBound([late(), late(), late(), late(), early(), early()], HALF);
    // {head ≥ 50 s}: 50 + 3 + 10 = 63 s; {all}: 0 + 5 + 10 = 15 s; longest chain 60 s.
    expect(b).toMatchObject({ ms: 63_000, bindingBy: 'Slow@r', longestChainMs: 60_000 });
  });

  it("a finished pipeline's plan: its stages in order, one call per resource, the cloud time of metrics.ts", () => {
    const result = finished();
    const plan = planOf('r', result, d);
    expect(plan.steps.map((s) => s.action ?? '-')).toEqual([
      'StopInstances',
      'CreateImage',
      '-',
      'StartInstances',
      'CreateSnapshot',
      'RunInstances',
      'TerminateInstances',
    ]);
    expect(plan.steps.find((s) => s.action === 'CreateSnapshot')?.calls).toBe(2);
    const chain = plan.steps.reduce((t, s) => t + s.waitMs, 0);
    expect(chain).toBe(115_000);
    expect(chain).toBe(cloudTimeMs(result, d));
  });

  it("snapshots taken with the image (#13 item 3): sent after CreateImage, their 30 s inside the image's 60 s", () => {
    const result = finished({ snapshotIds: ['snap-1'], dataDiskConsistency: 'stopped' });
    const plan = planOf('r', result, d);
    expect(plan.steps.map((s) => s.action ?? '-')).toEqual([
      'StopInstances',
      'CreateImage',
      'CreateSnapshot',
      '-',
      'StartInstances',
      'RunInstances',
      'TerminateInstances',
    ]);
    // stop 5 + image 60 + start 5 + launch 10 + terminate 5: the snapshot's 30 s run alongside the image.
    expect(cloudTimeMs(result, d)).toBe(85_000);
    // CreateSnapshot alone limited, at 1/s (every other action 50/s), sent ≥ 5 s in (after the stop), each followed by ≥ 30 + 10 + 5 s. 11 pipelines:
    // 5 + 10 + 45 = 60 s, the chain (85 s) binds; 41 pipelines: 5 + 40 + 45 = 90 s, CreateSnapshot binds.
    const opts: BoundOptions = { limits: { CreateSnapshot: 2 }, defaultLimit: 100, share: 0.5 };
    expect(
      makespanBound(
        Array.from({ length: 11 }, () => plan),
        opts,
      ),
    ).toMatchObject({
      ms: 85_000,
      bindingBy: 'longest chain',
      longestChainMs: 85_000,
    });
    const many = makespanBound(
      Array.from({ length: 41 }, () => plan),
      opts,
    );
    expect(many).toMatchObject({ ms: 90_000, bindingBy: 'CreateSnapshot@r' });
    // Were the snapshot's tail the chain's (60 + 5 + 10 + 5 s after it), the bound would claim 125 s.
  });
});
