/* global __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: jest loads a test sequencer untransformed */
/**
 * Long files first, also on a fresh clone. Jest orders by the durations it recorded in its cache and, without
 * one (every CI run), by file size: chaos.test.ts is small and slow, so it started last and ran alone for its
 * last minute (a cold run, 4 workers, 2026-12-01). Durations jest has recorded still win; these estimates (ms,
 * from that run) stand in where it has none. Only the order depends on them.
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ESTIMATED_MS = {
  'integration/ui-workflow.test.ts': 102_000,
  'integration/lifecycle-schedules.test.ts': 94_000,
  'integration/chaos.test.ts': 81_000,
  'integration/safety.test.ts': 77_000,
  'integration/secrets.test.ts': 71_000,
  'integration/client-package.test.ts': 56_000,
  'integration/readme-walkthrough.test.ts': 48_000,
  'integration/main-start.test.ts': 45_000,
  'integration/pipeline-durability.test.ts': 44_000,
  'integration/lifecycle-rotate.test.ts': 43_000,
  'integration/codec.test.ts': 42_000,
  'integration/late-calls.test.ts': 39_000,
  'integration/pipeline-cancel.test.ts': 38_000,
  'integration/lifecycle-pipeline-options.test.ts': 36_000,
  'integration/pipeline-replay.test.ts': 33_000,
  'integration/cli-commands.test.ts': 32_000,
  'integration/bake-image.test.ts': 28_000,
  'integration/bench.test.ts': 27_000,
  'integration/pipeline-failures.test.ts': 26_000,
  'unit/fstab.test.ts': 18_000,
};
const TEST_DIR = path.join(__dirname, '..');

class LongFilesFirst extends Sequencer {
  time(test) {
    const rel = path.relative(TEST_DIR, test.path).split(path.sep).join('/');
    // Unlisted files without a recorded time: 1 ms, after every listed one (not before them, as jest would).
    return super.time(test) ?? ESTIMATED_MS[rel] ?? 1;
  }
}

module.exports = LongFilesFirst;
