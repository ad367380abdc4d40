/* eslint-disable @typescript-eslint/no-require-imports -- preloaded with --require: CommonJS, no loader */
/* global process, require, setInterval */
/**
 * Preloaded into the bench's worker (NODE_OPTIONS="--expose-gc --require bench/gc-probe.cjs"): every
 * CVM_BENCH_GC_EVERY_MS it forces a full garbage collection of the main isolate and appends the memory that is
 * still live (RSS, V8 heap used, external) as one JSON line to CVM_BENCH_GC_DIR/gc-<pid>.jsonl. Live memory, not
 * the high-water mark RSS alone shows (docs/bench.md, P6). NODE_OPTIONS reaches the SDK's worker threads too (the
 * workflow isolates): each thread collects and reports its own heap; RSS is the process's.
 */
'use strict';
const { appendFileSync } = require('node:fs');
const path = require('node:path');
const { threadId } = require('node:worker_threads');

const dir = process.env.CVM_BENCH_GC_DIR;
const every = Number(process.env.CVM_BENCH_GC_EVERY_MS || 10000);
if (dir && typeof globalThis.gc === 'function' && every > 0) {
  const file = path.join(dir, `gc-${process.pid}.jsonl`);
  const sample = () => {
    globalThis.gc();
    const m = process.memoryUsage();
    const line = { at: Date.now(), thread: threadId, rss: m.rss, heapUsed: m.heapUsed, external: m.external };
    appendFileSync(file, JSON.stringify(line) + '\n');
  };
  sample();
  setInterval(sample, every).unref();
}
