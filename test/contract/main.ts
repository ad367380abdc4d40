/**
 * `npm run test:contract`: the contract suite against the emulator (default) or a real Tencent account
 * (`--live` or CVM_IMAGE_CONTRACT_LIVE=1, credentials from the SDK's environment variables). See docs/contract.md.
 */
import { randomBytes } from 'node:crypto';
import { createTencentClients, type TencentClients } from '../../src/cloud/clients';
import { DEFAULT_CREDENTIALS, startEmulator } from '../../src/emulator';
import { OWN_ACCOUNT_ID } from '../../src/emulator/cvm/image-sharing';
import { DEFAULT_PUBLIC_IMAGE_ID } from '../../src/emulator/cvm/public-images';
import { FAST_DURATIONS } from '../helpers/emulator';
import { cleanupByTag, type Removed } from './cleanup';
import type { ContractConfig, Target } from './context';
import { formatPlan, makePlan, pricesFrom, type Plan } from './plan';
import { type ParityReport, type ScenarioResult, writeReport } from './report';
import { runScenarios } from './run';
import { SCENARIOS } from './scenarios';

export interface ContractOptions {
  target: Target;
  dryRun?: boolean;
  /** Only remove every contract run's leftovers, by tag. */
  cleanupOnly?: boolean;
  maxCostCny: number;
  hours: number;
  reportFile: string;
  region?: string;
  zone?: string;
  copyRegion?: string;
  instanceType?: string;
  imageId?: string;
  /** Emulator only: Describe* visibility and deletion lag, ms (src/emulator/core/consistency.ts). */
  emulatorLagMs?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface ContractOutcome {
  plan: Plan;
  /** Absent for a dry run, a refused run and a cleanup pass. */
  results?: ScenarioResult[];
  report?: ParityReport;
  removed: Removed[];
  refused?: string;
}

/** Live runs need credentials; only whether they are set is ever printed. */
export function hasCredentials(env: NodeJS.ProcessEnv): boolean {
  return !!(env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY);
}

function configFor(
  opts: ContractOptions,
  env: NodeJS.ProcessEnv,
): Omit<ContractConfig, 'publicImageId'> & { publicImageId?: string } {
  const live = opts.target === 'live';
  const region = opts.region ?? 'ap-guangzhou';
  return {
    target: opts.target,
    runId: `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
    region,
    zone: opts.zone ?? `${region}-3`,
    copyRegion: opts.copyRegion ?? 'ap-shanghai',
    instanceType: opts.instanceType ?? (live ? 'S5.SMALL1' : 'S5.MEDIUM2'),
    publicImageId: opts.imageId ?? (live ? undefined : DEFAULT_PUBLIC_IMAGE_ID),
    ownAccountId: live ? env.CVM_IMAGE_CONTRACT_OWN_ACCOUNT : OWN_ACCOUNT_ID,
    shareAccountId: live ? env.CVM_IMAGE_CONTRACT_SHARE_ACCOUNT : '100000000002',
    pollMs: live ? 10_000 : 50,
    waitMs: live ? 45 * 60_000 : 20_000,
  };
}

/** Live without --image: the newest public Ubuntu image the region lists. */
async function publicImage(clients: TencentClients, region: string): Promise<string> {
  const r = await clients.cvm(region).DescribeImages({
    Filters: [
      { Name: 'image-type', Values: ['PUBLIC_IMAGE'] },
      { Name: 'platform', Values: ['Ubuntu'] },
    ],
    Limit: 100,
  });
  const id = r.ImageSet?.[0]?.ImageId;
  if (!id) throw new Error(`no public Ubuntu image in ${region}; pass --image`);
  return id;
}

export async function runContract(opts: ContractOptions): Promise<ContractOutcome> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => console.log(line));
  const config = configFor(opts, env);
  const plan = makePlan(SCENARIOS, config, opts.hours, pricesFrom(env));
  log(`Contract suite, target ${opts.target}, run ${config.runId}, regions ${config.region} → ${config.copyRegion}`);
  log(formatPlan(plan, opts.maxCostCny));
  if (opts.target === 'live') log(`Credentials: ${hasCredentials(env) ? 'set in the environment' : 'NOT set'}`);
  if (plan.ceilingCny > opts.maxCostCny) {
    const refused = `cost ceiling ${plan.ceilingCny.toFixed(2)} CNY is above --max-cost ${opts.maxCostCny.toFixed(2)} CNY: not started`;
    log(refused);
    return { plan, removed: [], refused };
  }
  if (opts.dryRun) {
    log('Dry run: nothing called.');
    return { plan, removed: [] };
  }
  if (opts.target === 'live' && !hasCredentials(env)) {
    const refused = 'live mode needs TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY: not started';
    log(refused);
    return { plan, removed: [], refused };
  }

  const emulator =
    opts.target === 'emulator'
      ? await startEmulator({ quiet: true, durations: FAST_DURATIONS, credentials: [DEFAULT_CREDENTIALS] })
      : undefined;
  try {
    if (emulator && opts.emulatorLagMs) {
      const res = await fetch(`${emulator.url}/_emulator/config`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${emulator.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ visibilityLagMs: opts.emulatorLagMs, deletionLagMs: opts.emulatorLagMs }),
      });
      if (!res.ok) throw new Error(`emulator config: ${res.status} ${await res.text()}`);
    }
    const clients = emulator
      ? createTencentClients({ endpoint: emulator.url, credential: DEFAULT_CREDENTIALS })
      : createTencentClients({});
    const regions = [config.region, config.copyRegion];
    const settle = { pollMs: config.pollMs, waitMs: config.waitMs };
    const logRemoved = (removed: Removed[]) =>
      removed.forEach((r) => log(`  ${r.outcome}: ${r.kind} ${r.id} (${r.region})`));
    // Start: whatever earlier runs left (a crash, an interrupted run) goes first.
    const removed = await cleanupByTag(clients, regions, settle);
    log(`Cleanup before the run: ${removed.length} leftover(s)`);
    logRemoved(removed);
    if (opts.cleanupOnly) return { plan, removed };
    const publicImageId = config.publicImageId ?? (await publicImage(clients, config.region));
    let results: ScenarioResult[] = [];
    try {
      ({ results } = await runScenarios(SCENARIOS, { ...config, publicImageId }, clients, log));
    } finally {
      const after = await cleanupByTag(clients, regions, settle, config.runId);
      log(`Cleanup after the run: ${after.length} resource(s)`);
      logRemoved(after);
      removed.push(...after);
    }
    const report = writeReport(opts.reportFile, opts.target, {
      runId: config.runId,
      at: new Date().toISOString(),
      results,
    });
    log(`Parity report: ${opts.reportFile} (${report.differences.length} difference(s) between emulator and live)`);
    return { plan, results, report, removed };
  } finally {
    await emulator?.close();
  }
}
