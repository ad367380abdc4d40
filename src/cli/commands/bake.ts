/** `cvm-image bake <recipe>`: start bakeImage from a recipe file (docs/recipes.md); `--watch` follows it. */
import { Command } from 'commander';
import { ApplicationFailure } from '@temporalio/common';
import { bakeProgress, bakeResult, readRecipe, startBake, type BakeProgress, type Recipe } from '../../client';
import { withClient, type CliIO } from '../context';
import { explainError } from '../errors';
import { describeProblems, parsePositiveInt } from '../input-flags';

interface BakeFlags {
  workflowId?: string;
  taskQueue?: string;
  watch?: boolean;
  json?: boolean;
  interval: number;
}

const line = (p: BakeProgress) =>
  `${p.stage}${p.step ? ` — ${p.step}` : ''}${p.builderInstanceId ? ` [builder ${p.builderInstanceId}]` : ''}` +
  `${p.imageId ? ` [image ${p.imageId}]` : ''}${p.testInstanceId ? ` [test ${p.testInstanceId}]` : ''}`;

export function bakeCommand(io: CliIO): Command {
  return new Command('bake')
    .description('bake an image from a recipe file (YAML or JSON): builder, provisioning, image, verification')
    .argument('<recipe>', 'recipe file, e.g. recipes/nginx-ubuntu.yaml')
    .option(
      '--json',
      'print the recipe as the JSON input bakeImage takes (for temporal workflow start --input-file) and exit',
    )
    .option('--workflow-id <id>', 'override the default id cvm-image-bake/<region>/<image name>')
    .option('--task-queue <queue>', 'task queue of the workers (default CVM_IMAGE_TASK_QUEUE or cvm-image)')
    .option('-w, --watch', 'print each stage and step until the bake ends, then its result')
    .option('--interval <ms>', 'progress poll interval with --watch', parsePositiveInt, 500)
    .action(async (file: string, flags: BakeFlags, command: Command) => {
      let recipe: Recipe;
      try {
        recipe = await readRecipe(file);
      } catch (err) {
        const problems = (err instanceof ApplicationFailure &&
          (err.details?.[0] as { problems?: { field: string; message: string }[] } | undefined)?.problems) || [
          { field: 'recipe', message: (err as Error).message },
        ];
        io.err.write(
          `cvm-image: invalid recipe ${file}, nothing was started:\n${describeProblems(problems)
            .map((l) => `  ${l}\n`)
            .join('')}`,
        );
        process.exitCode = 1;
        return;
      }
      if (flags.json) {
        io.out.write(`${JSON.stringify(recipe, null, 2)}\n`);
        return;
      }
      await withClient(command, io, async (client) => {
        const { workflowId, runId } = await startBake(client.temporal, recipe, {
          workflowId: flags.workflowId,
          taskQueue: flags.taskQueue,
        });
        io.out.write(`Started bake ${workflowId} (run ${runId})\n`);
        if (!flags.watch) {
          io.out.write(`Follow it: temporal workflow query --workflow-id ${workflowId} --type progress\n`);
          return 0;
        }
        let last = '';
        const ended = bakeResult(client.temporal, workflowId).then(
          (result) => ({ ok: true as const, result }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        let outcome: Awaited<typeof ended> | undefined;
        while (!outcome) {
          const p = await bakeProgress(client.temporal, workflowId).catch(() => undefined);
          const text = p && line(p);
          if (text && text !== last) io.out.write(`  ${(last = text)}\n`);
          outcome = await Promise.race([
            ended,
            new Promise<undefined>((r) => setTimeout(() => r(undefined), flags.interval)),
          ]);
        }
        if (!outcome.ok) {
          io.out.write(`✖ ${explainError(outcome.error, client, workflowId)}\n`);
          return 1;
        }
        const r = outcome.result;
        io.out.write(
          `✔ image ${r.imageId} baked from ${r.baseImageId}; ` +
            `${recipe.provision.length} provisioning and ` +
            `${recipe.verify?.length ?? 0} verification steps ran; ` +
            `builder ${r.builderInstanceId}${r.testInstanceId ? ` and test instance ${r.testInstanceId}` : ''} terminated\n`,
        );
        for (const s of r.steps) io.out.write(`  ${s.phase} ${s.name}: exit ${s.exitCode}\n`);
        return 0;
      });
    });
}
