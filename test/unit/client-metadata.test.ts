import { pipelineDetails, pipelineSummary, startSearchAttributes } from '../../src/client/metadata';
import { CvmInstanceId, CvmPipelineStage, CvmRegion, type CreateCustomImageInput } from '../../src/contract';
import { DEFAULTS } from '../../src/workflows/validation';

const base: CreateCustomImageInput = { region: 'ap-guangzhou', instanceId: 'ins-abc12345', imageName: 'web-base' };

describe('pipeline metadata shown in the Temporal UI', () => {
  it('summarises the image, the instance and the region in one line', () => {
    expect(pipelineSummary(base)).toBe('Image `web-base` from ins-abc12345 in ap-guangzhou');
    expect(pipelineSummary({ ...base, dryRun: true })).toMatch(/^Dry run: /);
  });

  it('details state the defaults the workflow applies when fields are omitted', () => {
    const details = pipelineDetails(base);
    expect(details).toContain('**Shutdown** auto');
    expect(details).toContain('**Data disks** snapshot (when it has any) · **fstab** fix');
    expect(details).not.toContain('Launch');
    expect(details).not.toContain('Dry run');
  });

  it('details include approval, launch, tags and dry run when asked for', () => {
    const details = pipelineDetails({
      ...base,
      shutdown: 'always',
      approval: { required: true, timeout: '30m' },
      launch: { count: 2, instanceType: 'S5.MEDIUM4', keep: true },
      tags: { team: 'web' },
      dryRun: true,
    });
    expect(details).toContain('**Shutdown** always, approval required (timeout 30m)');
    // Without a timeout the workflow's default timer runs: the details say which, never "none".
    const byDefault = pipelineDetails({ ...base, approval: { required: true } });
    expect(byDefault).toContain(`approval required (timeout ${DEFAULTS.approvalTimeout})`);
    expect(details).toContain('**Launch** 2 test instance(s) (S5.MEDIUM4), kept');
    expect(details).toContain('`team=web`');
    expect(details).toContain('**Dry run**');
  });

  it('starts with region, instance and the queued stage as search attributes', () => {
    const pairs = startSearchAttributes(base);
    expect(pairs.map((p) => [p.key.name, p.value])).toEqual([
      [CvmRegion.name, 'ap-guangzhou'],
      [CvmInstanceId.name, 'ins-abc12345'],
      [CvmPipelineStage.name, 'queued'],
    ]);
  });
});
