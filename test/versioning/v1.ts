/** Release 1 of a pipeline-shaped workflow: steps a, then (after `go`) b and c. Pinned, as createCustomImage. */
import { condition, defineSignal, proxyActivities, setHandler, setWorkflowOptions } from '@temporalio/workflow';
import { pinnedWhenVersioned } from '../../src/workflows/versioning';

const { step } = proxyActivities<{ step(name: string): Promise<string> }>({ startToCloseTimeout: '10s' });
export const go = defineSignal('go');

export async function versionedSteps(): Promise<string[]> {
  let released = false;
  setHandler(go, () => void (released = true));
  const done = [await step('v1:a')];
  await condition(() => released);
  done.push(await step('v1:b'), await step('v1:c'));
  return done;
}
setWorkflowOptions(pinnedWhenVersioned, versionedSteps);
