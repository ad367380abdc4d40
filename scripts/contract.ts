/** `npm run test:contract [-- --live] [--dry-run] [--cleanup] [--max-cost CNY]`: see docs/contract.md. */
import { Command, InvalidArgumentError } from 'commander';
import { runContract } from '../test/contract/main';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
};

const program = new Command('test:contract')
  .description('Contract scenarios against the emulator (default) or a real Tencent account (--live)')
  .option('--live', 'against Tencent (also CVM_IMAGE_CONTRACT_LIVE=1); credentials: TENCENTCLOUD_SECRET_ID/KEY')
  .option('--dry-run', 'print the plan and the cost ceiling, call nothing')
  .option('--cleanup', "only remove every contract run's leftovers, by tag")
  .option('--max-cost <cny>', 'refuse to start when the cost ceiling is above this', positive, 5)
  .option('--hours <h>', 'the longest a run may bill its resources (cost ceiling)', positive, 2)
  .option('--report <file>', 'the parity report (JSON)', 'contract-report.json')
  .option('--region <region>')
  .option('--zone <zone>')
  .option('--copy-region <region>')
  .option('--instance-type <type>', 'live default S5.SMALL1')
  .option('--lag <ms>', 'emulator only: Describe* visibility and deletion lag', positive)
  .option('--image <imageId>', 'public image to launch; live default: the first public Ubuntu image listed')
  .parse();

const o = program.opts<{
  live?: boolean;
  dryRun?: boolean;
  cleanup?: boolean;
  maxCost: number;
  hours: number;
  report: string;
  region?: string;
  zone?: string;
  copyRegion?: string;
  instanceType?: string;
  image?: string;
  lag?: number;
}>();

runContract({
  target: o.live || process.env.CVM_IMAGE_CONTRACT_LIVE === '1' ? 'live' : 'emulator',
  dryRun: o.dryRun,
  cleanupOnly: o.cleanup,
  maxCostCny: o.maxCost,
  hours: o.hours,
  reportFile: o.report,
  region: o.region,
  zone: o.zone,
  copyRegion: o.copyRegion,
  instanceType: o.instanceType,
  imageId: o.image,
  emulatorLagMs: o.lag,
}).then(
  (out) => {
    const failed = out.results?.filter((r) => r.outcome === 'failed').length ?? 0;
    process.exitCode = out.refused || failed ? 1 : 0;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
