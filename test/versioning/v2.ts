/** Release 2: the step order changed before the wait (b first), which would break a v1 history on replay. */
import { condition, defineSignal, proxyActivities, setHandler, setWorkflowOptions } from '@temporalio/workflow';
import { pinnedWhenVersioned } from '../../src/workflows/versioning';

const { step } = proxyActivities<{ step(name: string): Promise<string> }>({ startToCloseTimeout: '10s' });
export const go = defineSignal('go');

export async function versionedSteps(): Promise<string[]> {
  let released = false;
  setHandler(go, () => void (released = true));
  const done = [await step('v2:b'), await step('v2:a')];
  await condition(() => released);
  done.push(await step('v2:c'));
  return done;
}
setWorkflowOptions(pinnedWhenVersioned, versionedSteps);
