/** A test-only workflow that proves the harness: a real activity round trip on a real server. */
import { proxyActivities } from '@temporalio/workflow';

const { describeHarnessHost } = proxyActivities<{ describeHarnessHost(tag: string): Promise<string> }>({
  startToCloseTimeout: '10s',
});

export async function harnessRoundTrip(tag: string): Promise<string> {
  return `workflow saw ${await describeHarnessHost(tag)}`;
}
