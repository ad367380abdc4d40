/**
 * `cvm-image cost`: the project's images in a region with their snapshot GB and an estimated monthly
 * cost. The listing runs in the worker as the `imageInventory` workflow: this command never calls Tencent.
 */
import { Command, InvalidArgumentError } from 'commander';
import { InvalidInventoryError, imageInventory } from '../../client/inventory';
import { taskQueueFromEnv } from '../../temporal/connection';
import { DEFAULT_SNAPSHOT_CURRENCY, DEFAULT_SNAPSHOT_PRICE } from '../../contract';
import { withClient, type CliIO } from '../context';
import { CliError } from '../errors';
import { formatInventory } from '../lifecycle-format';

function parsePrice(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a price ≥ 0 such as 0.12, got "${value}"`);
  }
  return n;
}

export function costCommand(io: CliIO): Command {
  return new Command('cost')
    .description("estimate the monthly snapshot cost of this project's images in a region")
    .requiredOption('--region <region>', 'region, e.g. ap-guangzhou')
    .option(
      '--price-per-gb-month <price>',
      `snapshot price per GB and month (default ${DEFAULT_SNAPSHOT_PRICE}, an assumption: use your price list)`,
      parsePrice,
    )
    .option('--currency <label>', `currency of the price (default ${DEFAULT_SNAPSHOT_CURRENCY})`)
    .option('--task-queue <queue>', 'task queue of the workers (default CVM_IMAGE_TASK_QUEUE or cvm-image)')
    .option('--json', 'print JSON')
    .action(async (flags, command: Command) => {
      await withClient(command, io, async (client) => {
        const input = { region: flags.region, pricePerGbMonth: flags.pricePerGbMonth, currency: flags.currency };
        const inventory = await imageInventory(client.temporal, input, {
          taskQueue: flags.taskQueue ?? taskQueueFromEnv(),
        }).catch((err) => {
          if (!(err instanceof InvalidInventoryError)) throw err;
          const flag: Record<string, string> = { pricePerGbMonth: '--price-per-gb-month' };
          const lines = err.problems.map((p) => `  ${flag[p.field] ?? `--${p.field}`} (${p.field}): ${p.message}`);
          throw new CliError(`invalid input, nothing was started:\n${lines.join('\n')}`);
        });
        io.out.write(`${flags.json ? JSON.stringify(inventory, null, 2) : formatInventory(inventory)}\n`);
      });
    });
}
