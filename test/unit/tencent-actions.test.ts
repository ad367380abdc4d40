/**
 * One home per Tencent resource: every Tencent action the pipeline sends is sent from exactly one module
 * of src/activities, the one for its resource. Others call that module's helpers, so one resource's
 * rules (in-progress states, "already gone" codes) are written once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.resolve(__dirname, '../../src/activities');

/** Which module sends which actions. */
const HOMES: Record<string, string[]> = {
  'image.ts': ['CreateImage', 'DescribeImages', 'DeleteImages'],
  'snapshot.ts': ['CreateSnapshot', 'DescribeSnapshots', 'DeleteSnapshots'],
  'instance.ts': ['DescribeInstances', 'StopInstances', 'StartInstances'],
  'launch.ts': ['RunInstances', 'TerminateInstances'],
  'tat.ts': ['RunCommand', 'DescribeInvocationTasks', 'DescribeAutomationAgentStatus'],
  'distribution.ts': ['SyncImages', 'ModifyImageSharePermission', 'DescribeImageSharePermission'],
  'quota.ts': ['DescribeImageQuota'],
};

/** `api.cvm(region, 'Action', …)` and its cbs/tat siblings, across line breaks. */
const CALL = /\.(?:cvm|cbs|tat)\(\s*[\w.]+,\s*'(\w+)'/g;

function sentBy(): Map<string, Set<string>> {
  const byAction = new Map<string, Set<string>>();
  const files = readdirSync(DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    for (const [, action] of readFileSync(path.join(DIR, file), 'utf8').matchAll(CALL)) {
      byAction.set(action, (byAction.get(action) ?? new Set()).add(file));
    }
  }
  return byAction;
}

describe('Tencent actions in src/activities', () => {
  const found = sentBy();

  it('finds the calls it checks (the pattern still matches how activities call Tencent)', () => {
    expect([...found.keys()].sort()).toEqual(Object.values(HOMES).flat().sort());
  });

  it.each(Object.entries(HOMES).flatMap(([file, actions]) => actions.map((a) => [a, file])))(
    '%s is sent from %s only',
    (action, file) => {
      expect([...(found.get(action) ?? [])]).toEqual([file]);
    },
  );
});
