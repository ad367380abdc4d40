/**
 * Documented refusals the pipeline must turn into a clear, non-retryable outcome with nothing left behind and
 * the source as it was (#12): a RunInstances stock-out (its error list: ResourcesSoldOut.SpecifiedInstanceType)
 * and a cloud that refuses online imaging although our seed document's rule allows it (CreateImage documents
 * no specific code for that; the emulator answers the common UnsupportedOperation).
 */
import {
  failureOf,
  instanceView,
  leftovers,
  onlineInstanceWithDataDisk,
  REGION,
  startBench,
  type PipelineBench,
} from '../helpers/pipeline';

jest.setTimeout(60_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());
afterEach(async () => {
  await bench.emu.admin.clearFaults();
  await bench.emu.admin.config({ onlineImaging: 'public-since-2018-07' });
});

const calls = async (action: string) => {
  const counts = (await bench.emu.admin.requests()).counts;
  return Object.values(counts[action] ?? {}).reduce((a, b) => a + b, 0);
};

async function refusedRun(imageName: string, launch?: { count: number }) {
  const { emu } = bench;
  const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
  const original = await instanceView(emu, instanceId);
  const before = await emu.admin.state();
  const handle = await bench.start({ region: REGION, instanceId, imageName, launch });
  const failure = await failureOf(handle);
  const { newImages, newSnapshots, newInstances, newDisks } = await leftovers(emu, before);
  expect({ newImages, newSnapshots, newInstances, newDisks }).toEqual({
    newImages: [],
    newSnapshots: [],
    newInstances: [],
    newDisks: [],
  });
  const source = await instanceView(emu, instanceId);
  expect(source.state).toBe(original.state);
  expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
  return failure;
}

test('RunInstances stock-out: LaunchFailed naming the code, asked once, everything undone', async () => {
  const before = await calls('RunInstances');
  await bench.emu.admin.faults({
    rules: [{ action: 'RunInstances', error: 'ResourcesSoldOut.SpecifiedInstanceType' }],
  });
  const failure = await refusedRun('stock-out', { count: 1 });
  expect(failure.type).toBe('LaunchFailed');
  expect(failure.message).toMatch(/^launching: RunInstances failed: ResourcesSoldOut\.SpecifiedInstanceType/);
  // Non-retryable: no second RunInstances for a sold-out type.
  expect((await calls('RunInstances')) - before).toBe(1);
});

test('online imaging refused by the cloud: TencentUnsupportedOperation naming CreateImage, asked once, undone', async () => {
  const before = await calls('CreateImage');
  await bench.emu.admin.config({ onlineImaging: 'never' });
  const failure = await refusedRun('online-refused');
  expect(failure.type).toBe('TencentUnsupportedOperation');
  expect(failure.message).toMatch(/^creating-image: CreateImage failed: UnsupportedOperation:/);
  expect((await calls('CreateImage')) - before).toBe(1);
});
