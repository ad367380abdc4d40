import type { PipelineSummary } from '../../src/client/pipeline-client';
import { formatElapsed, formatList, formatResult, formatStatus } from '../../src/cli/format';
import type { CreateCustomImageResult, PipelineProgress } from '../../src/contract';

const id = 'cvm-image/ap-guangzhou/ins-abc12345';

describe('formatElapsed', () => {
  it('prints seconds, minutes and hours compactly', () => {
    expect(formatElapsed(0)).toBe('0s');
    expect(formatElapsed(59_999)).toBe('59s');
    expect(formatElapsed(65_000)).toBe('1m05s');
    expect(formatElapsed(3_725_000)).toBe('1h02m05s');
    expect(formatElapsed(-5)).toBe('0s');
  });
});

describe('formatResult', () => {
  const result: CreateCustomImageResult = {
    imageId: 'img-12345678',
    snapshotIds: ['snap-1', 'snap-2'],
    launchedInstanceIds: [],
    shutdownPerformed: true,
    stages: [
      { name: 'validating', start: '2024-01-01T00:00:00.000Z', end: '2024-01-01T00:00:01.000Z' },
      { name: 'waiting-for-image', start: '2024-01-01T00:00:01.000Z', end: '2024-01-01T00:12:01.000Z' },
    ],
    warnings: ['fstab had 1 data-disk line; it was commented out during imaging'],
  };

  it('leads with the image and the total time, then ids, stages and warnings', () => {
    const lines = formatResult(id, result).split('\n');
    expect(lines[0]).toBe(`✔ Image img-12345678 is ready (${id}) in 12m01s`);
    expect(lines).toContain('  data-disk snapshots  snap-1, snap-2');
    expect(lines).toContain('  launched instances   —');
    expect(lines).toContain('  instance stopped     yes (and started again)');
    expect(lines).toContain('  stages               validating 1s → waiting-for-image 12m00s');
    expect(lines).toContain('  warning: fstab had 1 data-disk line; it was commented out during imaging');
  });

  it('says a dry run changed nothing', () => {
    expect(formatResult(id, { ...result, imageId: undefined, dryRun: true })).toMatch(
      /^✔ Dry run of .* nothing was changed/,
    );
  });
});

describe('formatStatus', () => {
  const summary: PipelineSummary = {
    workflowId: id,
    runId: 'r1',
    status: 'RUNNING',
    region: 'ap-guangzhou',
    instanceId: 'ins-abc12345',
    stage: 'waiting-for-image',
    startTime: new Date('2024-01-01T00:00:00Z'),
  };
  const progress: PipelineProgress = {
    stage: 'snapshotting-data-disks',
    percent: 70,
    stagePercent: 40,
    imageId: 'img-12345678',
    snapshotIds: [],
    launchedInstanceIds: [],
    waitingFor: 'image img-12345678 to become NORMAL',
    startedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:01:00.000Z',
  };

  it('shows stage, percents, what it waits for and elapsed time', () => {
    const text = formatStatus(summary, progress, Date.parse('2024-01-01T00:02:30Z'));
    expect(text).toMatch(/^Stage +snapshotting-data-disks \(40%\)$/m);
    expect(text).toMatch(/^Progress +70% of the pipeline$/m);
    expect(text).toMatch(/^Waiting for +image img-12345678 to become NORMAL$/m);
    expect(text).toMatch(/^Image +img-12345678$/m);
    expect(text).toMatch(/\(2m30s elapsed\)$/m);
  });

  it('tells the operator how to answer a pending approval', () => {
    const text = formatStatus(summary, { ...progress, stage: 'awaiting-approval', stagePercent: undefined });
    expect(text).toContain(`cvm-image approve ${id}`);
  });
});

describe('formatList', () => {
  it('aligns columns and says when nothing matches', () => {
    expect(formatList([])).toBe('No pipelines match.');
    const rows: PipelineSummary[] = [
      {
        workflowId: 'cvm-image/r/ins-1',
        runId: 'a',
        status: 'COMPLETED',
        stage: 'completed',
        imageId: 'img-1',
        startTime: new Date(0),
      },
      { workflowId: 'cvm-image/r/ins-22', runId: 'b', status: 'RUNNING', startTime: new Date(0) },
    ];
    const lines = formatList(rows).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].indexOf('STATUS')).toBe(lines[1].indexOf('COMPLETED'));
    expect(lines[2]).toContain('RUNNING    —');
  });
});
