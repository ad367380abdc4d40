/* global __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: jest loads a test sequencer untransformed */
/**
 * Long files first, also on a fresh clone. Jest orders by the durations it recorded in its cache and, without
 * one (every CI run), by file size: chaos.test.ts is small and slow, so it started last and ran alone for its
 * last minute (a cold run, 4 workers, 2026-12-01); a file left out of the estimates (the timing test, 29 s)
 * started last and ran alone at the end. Durations jest has recorded still win; these estimates (ms, every
 * file jest timed in a cold CI run of dcae9ef; shorter ones run last in any order) stand in where it has none.
 * Only the order depends on them.
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ESTIMATED_MS = {
  'integration/safety.test.ts': 86_000,
  'integration/readme-walkthrough.test.ts': 70_000,
  'integration/lifecycle-rotate.test.ts': 63_000,
  'integration/late-calls.test.ts': 61_000, // 37 s before its two stop-after-restart cases
  'integration/pipeline-durability.test.ts': 60_000,
  'integration/ui-workflow.test.ts': 60_000, // 131 s before its cancelled run's image creation went by the clock
  'integration/main-start.test.ts': 57_000,
  'integration/lifecycle-schedules.test.ts': 50_000, // 98 s before its servers acknowledged deletions each second
  'integration/cli-commands.test.ts': 56_000,
  'integration/chaos.test.ts': 52_000,
  'integration/pipeline-cancel.test.ts': 34_000,
  'integration/bake-image.test.ts': 32_000,
  'integration/lifecycle-pipeline-options.test.ts': 32_000,
  'integration/pipeline-replay.test.ts': 32_000,
  'timing/pipeline-timing.test.ts': 29_000,
  'integration/codec.test.ts': 28_000,
  'integration/pipeline-failures.test.ts': 28_000,
  'integration/cli-progress-tty.test.ts': 28_000,
  'integration/client-package.test.ts': 25_000, // 57 s before its linked install (packed-package.ts)
  'integration/pipeline-shutdown.test.ts': 25_000,
  'integration/secrets.test.ts': 25_000,
  'integration/bench.test.ts': 23_000,
  'integration/pipeline-online.test.ts': 23_000,
  'unit/fstab.test.ts': 18_000,
  'integration/chaos-cancel-race.test.ts': 18_000,
  'integration/lifecycle-delete.test.ts': 18_000,
  'integration/emulator-consistency.test.ts': 17_000,
  'integration/policy.test.ts': 17_000,
  'integration/worker-process.test.ts': 16_000,
  'integration/pipeline-refusals.test.ts': 15_000,
  'integration/client-pipeline.test.ts': 14_000,
  'integration/worker-versioning.test.ts': 14_000,
  'integration/emulator-clients.test.ts': 13_000,
  'integration/contract-suite.test.ts': 12_000,
  'integration/emulator-persistence.test.ts': 11_000,
  'integration/invariants.test.ts': 10_000,
  'unit/cli-build.test.ts': 10_000,
  'integration/bad-input.test.ts': 10_000,
  'integration/cli-worker-metrics.test.ts': 9_000,
  'integration/contract-refusals.test.ts': 9_000,
  'unit/rate-limit-attempt.test.ts': 6_000,
  'integration/emulator-seed-rules.test.ts': 6_000,
  'integration/fleet-budget.test.ts': 5_000,
  'unit/import-boundaries.test.ts': 5_000,
  'integration/emulator-tat.test.ts': 5_000,
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
