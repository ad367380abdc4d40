/**
 * The CAM policy, checked against what the worker really sends: pipelines that stop and start an
 * instance, snapshot, launch, verify and terminate, and compensate, run against the emulator, and every
 * action the emulator saw must be granted by policy/cam-policy.json (the static scan is test/unit/policy).
 */
import { readFileSync } from 'node:fs';
import { POLICY_FILE, type CamPolicy } from '../../scripts/cam-policy';
import {
  callsBetween,
  failureOf,
  onlineInstanceWithDataDisk,
  REGION,
  startBench,
  type PipelineBench,
} from '../helpers/pipeline';

jest.setTimeout(90_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());

const SERVICE: Record<string, string> = {
  CreateSnapshot: 'cbs',
  DeleteSnapshots: 'cbs',
  DescribeSnapshots: 'cbs',
  DescribeDisks: 'cbs',
  RunCommand: 'tat',
  DescribeInvocationTasks: 'tat',
  DescribeAutomationAgentStatus: 'tat',
};

it('every action the worker sent in complete and compensated runs is granted', async () => {
  const { emu } = bench;
  const req0 = await emu.admin.requests();
  const stopped = onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' });
  await (
    await bench.start({
      region: REGION,
      instanceId: await emu.admin.createInstance(stopped),
      imageName: 'cam-1',
      launch: { count: 1 },
    })
  ).result();
  await emu.admin.faults({ rules: [{ action: 'CreateSnapshot', resultState: 'CREATEFAILED', count: 1 }] });
  const failed = await bench.start({
    region: REGION,
    instanceId: await emu.admin.createInstance(onlineInstanceWithDataDisk()),
    imageName: 'cam-2',
  });
  expect((await failureOf(failed)).type).toBe('SnapshotCreateFailed');

  const seen = Object.keys(callsBetween(req0, await emu.admin.requests())).map((a) => `${SERVICE[a] ?? 'cvm'}:${a}`);
  // The runs exercised the mutating actions (the check below is not vacuous).
  for (const a of ['cvm:StopInstances', 'cvm:StartInstances', 'cvm:RunInstances', 'cvm:TerminateInstances'])
    expect(seen).toContain(a);
  for (const a of [
    'cvm:CreateImage',
    'cvm:DeleteImages',
    'cbs:CreateSnapshot',
    'cbs:DeleteSnapshots',
    'tat:RunCommand',
  ])
    expect(seen).toContain(a);
  const granted = (JSON.parse(readFileSync(POLICY_FILE, 'utf8')) as CamPolicy).statement.flatMap((s) => s.action);
  expect(seen.filter((a) => !granted.includes(a))).toEqual([]);
});
