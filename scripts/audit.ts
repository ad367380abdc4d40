/**
 * `npm run audit`: production dependencies must have no high or critical advisories. Where the registry's
 * advisory endpoint cannot be reached (an offline mirror answers 405), that is said plainly and the check
 * is skipped rather than failed; real findings always fail.
 */
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
const report = JSON.parse(run.stdout || '{}') as {
  statusCode?: number;
  metadata?: { vulnerabilities?: Record<string, number> };
};
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  console.log(`audit: the advisory endpoint did not answer here (HTTP ${report.statusCode ?? '?'}); skipped`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`audit: production dependencies: ${JSON.stringify(counts)}`);
if (serious > 0) {
  console.error('audit: high or critical advisories in production dependencies; see `npm audit --omit=dev`');
  process.exit(1);
}
