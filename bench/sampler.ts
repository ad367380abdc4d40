/**
 * Reads the processes under test from /proc (Linux): the worker's resident memory (VmRSS) and the CPU time
 * of the worker, the dev server and this process (which hosts the emulator), sampled while the run lasts.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined; // the process is gone
  }
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface RssSample {
  /** ms since the pipelines started. */
  t: number;
  rssBytes: number;
  inFlight: number;
}

/** Samples the worker's RSS with the number of pipelines in flight, every `intervalMs`, until stopped. */
export function sampleRss(pid: number, inFlight: () => number, intervalMs = 1000) {
  const samples: RssSample[] = [];
  const t0 = Date.now();
  const take = () => {
    const rss = rssBytes(pid);
    if (rss !== undefined) samples.push({ t: Date.now() - t0, rssBytes: rss, inFlight: inFlight() });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop(): RssSample[] {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
