/** The suite's test order (test/helpers/sequencer.js): long files first even where jest has recorded nothing. */
import path from 'node:path';
import Sequencer from '@jest/test-sequencer';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the sequencer is CommonJS, as jest loads it
const LongFilesFirst = require('../helpers/sequencer') as typeof Sequencer;

const TEST_DIR = path.join(__dirname, '..');
// Sizes that make jest's own fallback (largest file first) pick the unlisted file first.
const SIZES: Record<string, number> = {
  'unit/some-new.test.ts': 90_000,
  'integration/chaos.test.ts': 3_000,
  'integration/ui-workflow.test.ts': 20_000,
};
const context = {
  config: { cache: false },
  hasteFS: { getSize: (p: string) => SIZES[path.relative(TEST_DIR, p)] },
};
const tests = () => Object.keys(SIZES).map((rel) => ({ path: path.join(TEST_DIR, rel), context }));
const order = (sorted: { path: string }[]) => sorted.map((t) => path.relative(TEST_DIR, t.path));

type Sortable = { sort(t: unknown[]): { path: string }[] };

it('without recorded durations: the known long files first, slowest first, then the rest', () => {
  const sorted = (new LongFilesFirst({} as never) as unknown as Sortable).sort(tests());
  expect(order(sorted)).toEqual([
    'integration/ui-workflow.test.ts',
    'integration/chaos.test.ts',
    'unit/some-new.test.ts',
  ]);
  // jest's own order for the same files, for contrast: by size.
  const plain = (new Sequencer({} as never) as unknown as Sortable).sort(tests());
  expect(order(plain)[0]).toBe('unit/some-new.test.ts');
});

it('a duration jest recorded wins over the estimate', () => {
  const sequencer = new LongFilesFirst({} as never) as unknown as Sortable & { _cache: Map<unknown, unknown> };
  const recorded = { [path.join(TEST_DIR, 'unit/some-new.test.ts')]: [1, 500_000] };
  sequencer._cache.set(context, recorded); // what jest read from its perf cache for this context
  expect(order(sequencer.sort(tests()))[0]).toBe('unit/some-new.test.ts');
});
