/**
 * `bakeImage`: the seed document's scenario from its first line — "launch an instance from a public
 * image, deploy your software on it, and once it runs correctly, create a custom image" — from a recipe
 * (docs/recipes.md): builder launched and provisioned over TAT, the existing createCustomImage pipeline run
 * on it as a child, verification steps run on an instance launched from the new image, and both
 * instances terminated. Every change registers its undo first (saga.ts): a failure or a cancel at any
 * stage leaves the cloud as before; a run terminated outright leaves run-tagged instances for the janitor.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  executeChild,
  isCancellation,
  setHandler,
} from '@temporalio/workflow';
import {
  NON_RETRYABLE,
  WORKFLOW_FAILURES,
  WORKFLOW_TYPE,
  bakeProgressQuery,
  pipelineWorkflowId,
  type BakeImageInput,
  type BakeImageResult,
  type BakeStage,
  type RecipeStep,
  type StepOutcome,
} from '../contract';
import type { createCustomImage } from './create-custom-image';
import { calls, run, undo, waits, within } from './activity-proxies';
import { BakeTracker } from './bake-progress';
import { parseDuration } from './durations';
import { stepTimeoutSeconds, validateRecipe } from './recipe-validation';
import { Saga, compensationIncomplete } from './saga';
import { failureType, stageFailure, withUndone } from './stage-failure';
import { DEFAULTS } from './validation';

export async function bakeImage(raw: BakeImageInput): Promise<BakeImageResult> {
  const tracker = new BakeTracker();
  const saga = new Saga();
  setHandler(bakeProgressQuery, () => tracker.progress, {
    description:
      'Where the bake is: {stage, step, builderInstanceId, testInstanceId, imageId, undone, startedAt, updatedAt}.',
  });
  const result: BakeImageResult = { baseImageId: '', steps: [], warnings: [] };

  try {
    // 1. The recipe, before any cloud call.
    tracker.enter('validating', 'checking the recipe');
    const recipe = validateRecipe(raw);
    const { region, zone, instanceType } = recipe;
    tracker.identify(region);
    const t = { ...DEFAULTS.timeouts, ...recipe.timeouts };
    const ms = { instance: parseDuration(t.instance)!, agent: parseDuration(t.agent)! };

    // 2. The base image: an id, or a public image by OS name (DescribeImages).
    tracker.enter('resolving-base-image', 'finding the base image');
    const base = await run(
      calls.resolveBaseImage,
      `Find base image ${recipe.baseImage.imageId ?? recipe.baseImage.osName}`,
      [{ region, baseImage: recipe.baseImage }],
    );
    result.baseImageId = base.imageId;

    // 3. The builder, tagged with the run; terminated at the end whatever happens.
    tracker.enter('launching-builder', `launching a ${instanceType} builder in ${zone} from ${base.imageId}`);
    const { id: builder, forget: forgetBuilder } = await launch(recipe, base.imageId, 'builder', saga, ms, tracker);
    const forgetTest: (() => void)[] = [];
    result.builderInstanceId = builder;
    tracker.set({ builderInstanceId: builder });

    // 4. Provisioning, in order; each step's output (redacted) goes into the result.
    for (const [i, step] of recipe.provision.entries()) {
      const label = `provision ${i + 1}/${recipe.provision.length} ${step.name}`;
      tracker.enter('provisioning', `${label} on ${builder}`, label);
      if (step.reboot) await reboot(region, builder, step, ms);
      else result.steps.push(await runStep(region, builder, 'provision', i, step));
    }

    // 5. The existing pipeline on the builder: quota, shutdown, fstab, CreateImage, NORMAL. Cancelled with us.
    tracker.enter('imaging', `createCustomImage "${recipe.image.name}" from ${builder}`);
    const image = await executeChild<typeof createCustomImage>(WORKFLOW_TYPE, {
      workflowId: pipelineWorkflowId(region, builder),
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: `Image "${recipe.image.name}" from builder ${builder}`,
      args: [
        {
          region,
          instanceId: builder,
          imageName: recipe.image.name,
          imageDescription: recipe.image.description,
          imageFamily: recipe.image.family,
          tags: recipe.tags,
          // The builder is ours: stop it for a consistent image; its data disks go into the image.
          shutdown: 'always',
          dataDisks: recipe.dataDisks?.length ? 'include' : 'exclude',
          fstab: 'fix',
          timeouts: { image: t.image, instance: t.instance, agent: t.agent },
        },
      ],
    });
    const imageId = image.imageId!;
    result.image = image;
    result.imageId = imageId;
    tracker.set({ imageId });
    saga.add({
      name: 'delete image (with its bound snapshots)',
      removesImage: true,
      resources: () => [imageId],
      run: () =>
        run(undo.deleteImage, `Undo: delete image ${imageId}`, [
          { region, imageName: recipe.image.name, imageId },
        ]).then(() => undefined),
    });

    // 6. Verification on an instance launched from the new image (the whole-machine image brings its disks).
    if (recipe.verify?.length) {
      tracker.enter('verifying', `launching a test instance from ${imageId}`);
      const bare = { ...recipe, systemDiskGb: undefined, dataDisks: undefined };
      const { id: test, forget } = await launch(bare, imageId, 'test', saga, ms, tracker);
      forgetTest.push(forget);
      result.testInstanceId = test;
      tracker.set({ testInstanceId: test });
      for (const [i, step] of recipe.verify.entries()) {
        const label = `verify ${i + 1}/${recipe.verify.length} ${step.name}`;
        tracker.enter('verifying', `${label} on ${test}`, label);
        try {
          result.steps.push(await runStep(region, test, 'verify', i, step));
        } catch (err) {
          if (failureType(err) !== NON_RETRYABLE.guestCommandFailed) throw err;
          throw ApplicationFailure.create({
            message: `verification step ${step.name} failed on ${test} launched from ${imageId}`,
            type: WORKFLOW_FAILURES.recipeVerificationFailed,
            nonRetryable: true,
            cause: err as Error,
          });
        }
      }
    }

    // 7. Done: the builder and the test instance go; the image stays.
    tracker.enter('cleaning-up', 'terminating the builder and the test instance');
    await terminate(region, [builder, ...(result.testInstanceId ? [result.testInstanceId] : [])], ms.instance);
    forgetTest.forEach((f) => f());
    forgetBuilder();
    tracker.enter('completed', `image ${imageId} is ready`);
    return result;
  } catch (err) {
    const cancelled = isCancellation(err);
    const stage = tracker.failing();
    const failure = cancelled ? err : bakeFailure(stage, err);
    if (saga.pending.length) {
      tracker.enter('compensating', `undoing: ${[...saga.pending].reverse().join(', ')}`);
      const leaks = await saga.compensate();
      tracker.undid(
        saga.undone.map((u) => `${u.step} ${u.resources.join(', ')}`),
        saga.undone.some((u) => u.removesImage),
      );
      if (leaks.length) {
        tracker.enter('failed', `cleanup incomplete: ${leaks.map((l) => l.resources.join(', ')).join('; ')}`);
        throw compensationIncomplete(leaks, failure);
      }
    }
    const undone = tracker.progress.undone ?? [];
    const text = undone.length ? `undone: ${undone.join('; ')}` : 'nothing to undo (no change had been made)';
    tracker.enter(cancelled ? 'cancelled' : 'failed', `${cancelled ? 'cancelled' : 'failed'} in ${stage}; ${text}`);
    throw cancelled || !undone.length ? failure : withUndone(failure as ApplicationFailure, text);
  }
}

interface Bounds {
  instance: number;
  agent: number;
}

/** RunInstances (its undo registered first), RUNNING, and the TAT agent online: ready for commands. */
async function launch(
  recipe: BakeImageInput,
  imageId: string,
  role: 'builder' | 'test',
  saga: Saga,
  ms: Bounds,
  tracker: BakeTracker,
): Promise<{ id: string; forget: () => void }> {
  const { region } = recipe;
  const made: { id?: string } = {};
  const forget = saga.add({
    name: `terminate the ${role} instance`,
    resources: () => [made.id ?? `${role} instance launched by this run (run tag)`],
    run: () => terminate(region, made.id ? [made.id] : [], ms.instance),
  });
  made.id = await run(calls.launchRecipeInstance, `RunInstances: ${role} from ${imageId}`, [
    {
      region,
      zone: recipe.zone,
      instanceType: recipe.instanceType,
      imageId,
      role,
      systemDiskGb: recipe.systemDiskGb,
      dataDisks: recipe.dataDisks,
      tags: recipe.tags ?? {},
    },
  ]);
  tracker.set(role === 'builder' ? { builderInstanceId: made.id } : { testInstanceId: made.id });
  await ready(region, made.id, ms, `${role} ${made.id}`);
  return { id: made.id, forget };
}

async function ready(region: string, id: string, ms: Bounds, what: string): Promise<void> {
  await run(
    waits.waitForInstances,
    `Wait for ${what} to be RUNNING`,
    [{ region, instanceIds: [id], target: 'RUNNING', launched: true }],
    within(ms.instance),
  );
  await run(
    waits.verifyAgentsOnline,
    `Wait for the TAT agent of ${what} to come online`,
    [{ region, instanceIds: [id], withinMs: ms.agent }],
    within(ms.agent + 60_000),
  );
}

/** A reboot step: StopInstances + StartInstances (RebootInstances is not in the vendored CVM model). */
async function reboot(region: string, id: string, step: RecipeStep, ms: Bounds): Promise<void> {
  const bound = { instance: Math.min(ms.instance, stepTimeoutSeconds(step) * 1000), agent: ms.agent };
  await run(calls.stopInstance, `Reboot ${id}: stop (step ${step.name})`, [{ region, instanceId: id }]);
  await run(
    waits.waitForInstances,
    `Wait for ${id} to be STOPPED`,
    [{ region, instanceIds: [id], target: 'STOPPED' }],
    within(bound.instance),
  );
  await run(calls.startInstance, `Reboot ${id}: start (step ${step.name})`, [{ region, instanceId: id }]);
  await ready(region, id, bound, id);
}

/** A shell or file step; a timed-out step is tried once more within twice its timeout. */
function runStep(
  region: string,
  instanceId: string,
  phase: 'provision' | 'verify',
  index: number,
  step: RecipeStep,
): Promise<StepOutcome> {
  const seconds = stepTimeoutSeconds(step);
  return run(
    waits.runRecipeStep,
    `${phase} step ${index + 1} "${step.name}" on ${instanceId}`,
    [{ region, instanceId, phase, index, step, timeoutSeconds: seconds }],
    {
      startToCloseTimeout: (seconds + 60) * 1000,
      scheduleToCloseTimeout: (2 * seconds + 120) * 1000,
    },
  );
}

async function terminate(region: string, ids: string[], boundMs: number): Promise<void> {
  const gone = await run(undo.terminateInstances, `Terminate ${ids.join(', ') || 'instances of this run (run tag)'}`, [
    { region, instanceIds: ids },
  ]);
  if (gone.length)
    await run(
      undo.waitForInstances,
      `Wait for ${gone.join(', ')} to be gone`,
      [{ region, instanceIds: gone, target: 'GONE' }],
      within(boundMs),
    );
}

/** The failure names the bake stage and keeps the type of what failed (an activity's, or the child's). */
function bakeFailure(stage: BakeStage, err: unknown): ApplicationFailure {
  if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure)
    return ApplicationFailure.create({
      message: `${stage}: createCustomImage failed: ${err.cause.message}`,
      type: err.cause.type ?? 'PipelineStageFailed',
      nonRetryable: true,
      details: err.cause.details as unknown[] | undefined,
      cause: err,
    });
  return stageFailure(stage as Parameters<typeof stageFailure>[0], err);
}
