/** Pure pieces of the emulator: fstab boot check, flattened params, faults PRNG, token buckets, durations. */
import { resolveDurations, imageCreateDuration, DEFAULT_DURATIONS } from '../../src/emulator/core/durations';
import { Faults } from '../../src/emulator/core/faults';
import { unflatten, parseParams } from '../../src/emulator/core/params';
import { RateLimiter } from '../../src/emulator/core/rate-limit';
import { excludedFromImage } from '../../src/emulator/guest/files';
import { blockingEntry } from '../../src/emulator/guest/fstab';

const disks = [
  { device: '/dev/vda', fsUuid: 'root-uuid', fsLabel: 'cloudimg-rootfs' },
  { device: '/dev/vdb', fsUuid: 'data-uuid', fsLabel: 'data' },
  { device: '/dev/vdc', fsUuid: '', fsLabel: '' }, // blank disk
];

describe('fstab boot check', () => {
  it('passes root, swap, pseudo filesystems, nofail/noauto and comments', () => {
    const fstab = [
      'UUID=gone / ext4 defaults 0 1',
      '/swapfile none swap sw 0 0',
      'tmpfs /tmp tmpfs defaults 0 0',
      '# UUID=gone /old ext4 defaults 0 2',
      'UUID=gone /opt ext4 defaults,nofail 0 2',
      'LABEL=gone /srv ext4 noauto 0 2',
    ].join('\n');
    expect(blockingEntry(fstab, disks)).toBeUndefined();
  });

  it('passes devices the instance has, by path, partition, UUID, LABEL and by-uuid links', () => {
    for (const spec of [
      '/dev/vdb',
      '/dev/vdb1',
      'UUID=data-uuid',
      'UUID="data-uuid"',
      'LABEL=data',
      '/dev/disk/by-uuid/data-uuid',
    ]) {
      expect(blockingEntry(`${spec} /data ext4 defaults 0 2`, disks)).toBeUndefined();
    }
  });

  it('blocks on a device the instance lacks, or a blank disk, naming the line', () => {
    expect(blockingEntry('# c\nUUID=other /data ext4 defaults 0 2', disks)).toMatchObject({
      line: 2,
      device: 'UUID=other',
    });
    expect(blockingEntry('/dev/vdd /data ext4 defaults 0 2', disks)?.mountPoint).toBe('/data');
    expect(blockingEntry('/dev/vdc /scratch ext4 defaults 0 2', disks)?.device).toBe('/dev/vdc');
    expect(blockingEntry('LABEL=nope /x xfs defaults 0 0', disks)?.device).toBe('LABEL=nope');
  });
});

describe('image file exclusions', () => {
  it('leaves out /var/log and .bash_history everywhere, keeps the rest', () => {
    expect(excludedFromImage('/var/log')).toBe(true);
    expect(excludedFromImage('/var/log/syslog')).toBe(true);
    expect(excludedFromImage('/root/.bash_history')).toBe(true);
    expect(excludedFromImage('/home/ubuntu/.bash_history')).toBe(true);
    expect(excludedFromImage('/var/logs/app')).toBe(false);
    expect(excludedFromImage('/etc/fstab')).toBe(false);
    expect(excludedFromImage('/root/.bashrc')).toBe(false);
  });
});

describe('params', () => {
  it('unflattens GET/form keys into lists and objects', () => {
    const p = unflatten(
      new URLSearchParams('Filters.0.Name=image-type&Filters.0.Values.0=PRIVATE_IMAGE&Limit=5&Action=X'),
    );
    expect(p).toEqual({ Filters: [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }], Limit: '5' });
  });

  it('reads JSON bodies and refuses non-objects', () => {
    expect(parseParams('POST', 'application/json', '', Buffer.from('{"A":1}'))).toEqual({ A: 1 });
    expect(() => parseParams('POST', 'application/json', '', Buffer.from('[1]'))).toThrow('JSON object');
    expect(() => parseParams('POST', 'application/json', '', Buffer.from('{'))).toThrow('not valid JSON');
  });
});

describe('faults', () => {
  it('draws reproducibly from the seed', () => {
    const draw = (seed: number) => {
      const f = new Faults();
      f.set({ seed, rules: [{ action: 'CreateImage', probability: 0.5, error: 'InternalError' }] });
      return Array.from({ length: 40 }, () => Boolean(f.draw('CreateImage', 'ap-guangzhou').error));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    const fired = draw(42).filter(Boolean).length;
    expect(fired).toBeGreaterThan(5);
    expect(fired).toBeLessThan(35);
  });

  it('matches action and region, and stops after count', () => {
    const f = new Faults();
    f.set({
      seed: 1,
      rules: [{ action: 'StopInstances', region: 'ap-shanghai', probability: 1, count: 2, latencyMs: 5 }],
    });
    expect(f.draw('StopInstances', 'ap-guangzhou').latencyMs).toBe(0);
    expect(f.draw('StartInstances', 'ap-shanghai').latencyMs).toBe(0);
    expect([1, 2, 3].map(() => f.draw('StopInstances', 'ap-shanghai').latencyMs)).toEqual([5, 5, 0]);
  });
});

describe('rate limiter', () => {
  it('allows the documented burst per second, then refuses until tokens refill', () => {
    const r = new RateLimiter();
    const t0 = 1_000_000;
    const results = Array.from({ length: 12 }, () => r.take('CreateImage', 'ap-guangzhou', 10, t0));
    expect(results.filter(Boolean).length).toBe(10);
    expect(r.take('CreateImage', 'ap-shanghai', 10, t0)).toBe(true); // per region
    expect(r.take('CreateImage', 'ap-guangzhou', 10, t0 + 100)).toBe(true); // 0.1 s refills one token
    expect(r.take('CreateImage', 'ap-guangzhou', 10, t0 + 100)).toBe(false);
    r.enabled = false;
    expect(r.take('CreateImage', 'ap-guangzhou', 10, t0 + 100)).toBe(true);
  });
});

describe('durations', () => {
  it('divides defaults by speed, lets explicit values win, and scales images with data', () => {
    const d = resolveDurations(10, { instanceStopMs: 7 });
    expect(d.imageCreateMs).toBe(DEFAULT_DURATIONS.imageCreateMs / 10);
    expect(d.instanceStopMs).toBe(7);
    expect(DEFAULT_DURATIONS.imageCreateMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(imageCreateDuration(d, 0)).toBe(d.imageCreateMs);
    expect(imageCreateDuration(d, 100)).toBe(2 * d.imageCreateMs);
    expect(() => resolveDurations(0)).toThrow('speed');
    expect(() => resolveDurations(1, { nope: 1 } as never)).toThrow('unknown duration');
  });
});
