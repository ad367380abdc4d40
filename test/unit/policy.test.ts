/**
 * Least privilege: policy/cam-policy.json grants exactly the Tencent actions the runtime calls. A new call
 * without a policy update, or a grant no code uses any more, fails here (fix: npm run cam-policy).
 */
import { readFileSync } from 'node:fs';
import { Client as CbsClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_client';
import { Client as CvmClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_client';
import { Client as TatClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_client';
import { POLICY_FILE, policyFor, scanRuntime, scanSource, type CamPolicy } from '../../scripts/cam-policy';

const committed = JSON.parse(readFileSync(POLICY_FILE, 'utf8')) as CamPolicy;
const granted = committed.statement.flatMap((s) => s.action);

describe('the CAM policy', () => {
  const scan = scanRuntime();
  const called = [...new Set(policyFor(scan.calls).statement[0].action)];

  it('every Tencent call in the runtime is one the scanner can vouch for', () => {
    expect(scan.problems).toEqual([]);
    // The scan is not empty: the pipeline's core actions are found where they are.
    const where = (a: string) => scan.calls.filter((c) => c.action === a).map((c) => c.file);
    expect(where('CreateImage')).toContain('src/activities/image.ts');
    expect(where('RunCommand')).toContain('src/activities/tat.ts');
    expect(where('CreateSnapshot')).toContain('src/activities/snapshot.ts');
  });

  it('grants every action the code calls (none missing)', () => {
    expect(called.filter((a) => !granted.includes(a))).toEqual([]);
  });

  it('grants no action the code never calls (none extra)', () => {
    expect(granted.filter((a) => !called.includes(a))).toEqual([]);
  });

  it('is a CAM 2.0 document: one allow statement, sorted actions, every one a real SDK method', () => {
    expect(committed.version).toBe('2.0');
    expect(committed.statement).toHaveLength(1);
    expect(committed.statement[0]).toMatchObject({ effect: 'allow', resource: ['*'] });
    expect(granted).toEqual([...granted].sort());
    const clients: Record<string, { prototype: object }> = { cvm: CvmClient, cbs: CbsClient, tat: TatClient };
    for (const a of granted) {
      const [service, action] = a.split(':');
      expect([a, typeof (clients[service]?.prototype as Record<string, unknown>)[action]]).toEqual([a, 'function']);
    }
  });
});

describe('the call scanner', () => {
  it('reads the multi-line form prettier writes', () => {
    const src = `const r = await rt.api.cbs(args.region, 'CreateSnapshot', (c) =>\n  c.CreateSnapshot({ DiskId }),\n);`;
    expect(scanSource('x.ts', src)).toEqual({
      calls: [{ file: 'x.ts', line: 1, service: 'cbs', action: 'CreateSnapshot' }],
      problems: [],
    });
  });

  it('refuses a call labelled with another action than the SDK method it calls', () => {
    const src = `await rt.api.cvm(region, 'DescribeImages', (c) => c.DeleteImages({ ImageIds }));`;
    expect(scanSource('x.ts', src).problems).toEqual(['x.ts:1: labelled DescribeImages but calls DeleteImages']);
  });

  it('refuses an action it cannot read', () => {
    const src = `await rt.api.cvm(region, actionName, (c) => c[actionName]({}));`;
    expect(scanSource('x.ts', src).problems[0]).toMatch(/not a string literal \(actionName\)/);
  });

  it('counts a client used directly, around the rate-limited API', () => {
    const src = `await deps.clients.tat(region).InvokeCommand({ CommandId });`;
    expect(scanSource('x.ts', src).calls).toEqual([{ file: 'x.ts', line: 1, service: 'tat', action: 'InvokeCommand' }]);
  });
});
