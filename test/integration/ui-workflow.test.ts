/**
 * The Temporal Web UI, checked in a real browser (Debian's chromium driven by playwright-core): a
 * finished pipeline shows its summary and details, its current details, its search attributes and a
 * summary for every activity; a failed and a cancelled one show the stage they ended in, what was undone
 * and no deleted image (and `cvm-image status` and `list` say the same). Saves the screenshots.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pipelineDetails, pipelineSummary } from '../../src/client';
import type { CreateCustomImageInput, CreateCustomImageResult } from '../../src/contract';
import { ROOT } from '../helpers/processes';
import { runCli, startStack, type Stack } from '../helpers/stack';
import { waitFor } from '../helpers/emulator';

// The project-level testTimeout in jest.config.js is not applied by Jest 30; long steps need this.
jest.setTimeout(180_000);

/**
 * The screenshots go to test-results/ on every run, and replace the ones the README shows in docs/ with
 * CVM_UPDATE_SCREENSHOTS=1 (`npm run docs:screenshots`), so a test run leaves the work tree clean.
 */
function screenshotPath(name: string): string {
  const dir = path.join(ROOT, process.env.CVM_UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CI machines are fresh: install Debian's chromium once (idempotent; needs root). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0)
    throw new Error(`${CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)`);
  const opts = { stdio: 'ignore' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  execFileSync('apt-get', ['update', '-qq'], opts);
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], opts);
}

/** Markdown as the UI renders it, reduced to words, for "is this text on the page" checks. */
const words = (s: string) =>
  s
    .replace(/[*_`#>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('Temporal Web UI', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let input: CreateCustomImageInput;
  let workflowId: string;
  let result: CreateCustomImageResult;

  beforeAll(async () => {
    ensureChromium();
    stack = await startStack({ ui: true });
    const instanceId = await stack.emulator.admin.createInstance({ dataDisks: [{ sizeGb: 20 }] });
    input = { region: 'ap-guangzhou', instanceId, imageName: 'ui-golden', tags: { team: 'web' } };
    ({ workflowId } = await stack.client.start(input));
    result = await stack.client.result(workflowId);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Never wait for networkidle: the UI polls forever.
    await page.goto(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`, {
      waitUntil: 'load',
    });
    await page.getByRole('heading', { name: workflowId }).waitFor({ timeout: 30_000 });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** The main pane plus the frames the UI renders markdown (summary, details) in. */
  async function visibleText(): Promise<string> {
    const parts = [await page.innerText('main')];
    for (const frame of page.frames()) {
      if (frame !== page.mainFrame()) parts.push(await frame.innerText('body').catch(() => ''));
    }
    return parts.join('\n');
  }

  /** Waits (bounded) until the main pane's text, reduced to words, contains `expected`. */
  async function mainTextContains(expected: string): Promise<void> {
    let text = '';
    for (let i = 0; i < 150; i++) {
      text = words(await visibleText());
      if (text.includes(expected)) return;
      await page.waitForTimeout(200);
    }
    throw new Error(`the page never showed "${expected}"; it shows:\n${text}`);
  }

  async function openTab(name: string): Promise<string> {
    await page.getByRole('tab', { name }).click();
    return page.innerText('main');
  }

  it('shows the pipeline as completed', async () => {
    expect(result.imageId).toMatch(/^img-/);
    await page.getByText('Completed', { exact: true }).first().waitFor();
  });

  it('shows the summary, the details and the current details', async () => {
    await openTab('User Metadata');
    await mainTextContains(words(pipelineSummary(input)));
    const metadata = await stack.client.temporal.workflow
      .getHandle(workflowId)
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails?.trim()).toBeTruthy();
    // The UI fetches the current details from the worker; wait until it has rendered them.
    await mainTextContains(words(metadata.currentDetails!.split('\n').find((l) => l.trim())!));
    const text = words(await visibleText());
    for (const line of pipelineDetails(input).split('\n\n')) expect(text).toContain(words(line));
    await page.screenshot({ path: screenshotPath('ui-workflow.png') });
  });

  it('shows the search attributes an operator filters by', async () => {
    await openTab('Search Attributes');
    await page.getByText('"CvmImageId"').waitFor();
    const text = await page.innerText('main');
    expect(text).toMatch(/"CvmRegion": \[?\s*"ap-guangzhou"/);
    expect(text).toMatch(new RegExp(`"CvmInstanceId": \\[?\\s*"${input.instanceId}"`));
    expect(text).toMatch(new RegExp(`"CvmImageId": \\[?\\s*"${result.imageId}"`));
    expect(text).toMatch(/"CvmPipelineStage": \[?\s*"completed"/);
  });

  it('shows a summary for every activity in the timeline and the event history', async () => {
    const history = await stack.client.temporal.workflow.getHandle(workflowId).fetchHistory();
    const summaries = new Set<string>();
    for (const event of history.events ?? []) {
      const payload = event.activityTaskScheduledEventAttributes && event.userMetadata?.summary;
      if (payload) summaries.add(defaultPayloadConverter.fromPayload<string>(payload));
    }
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
    expect(scheduled).toBeGreaterThan(2);
    expect(summaries.size).toBeGreaterThan(2);

    await openTab('Timeline');
    await page
      .getByText([...summaries][0], { exact: false })
      .first()
      .waitFor();
    await page.setViewportSize({ width: 1400, height: 1400 });
    await page.screenshot({ path: screenshotPath('ui-workflow-timeline.png') });

    const text = await openTab('Event History');
    await page
      .getByText([...summaries][0])
      .first()
      .waitFor();
    const all = await page.innerText('main');
    for (const summary of summaries) expect(all + text).toContain(summary);
  });

  /** Opens a run's page on its Search Attributes tab and returns the tab's text. */
  async function searchAttributesOf(id: string): Promise<string> {
    await page.goto(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(id)}`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: id }).waitFor({ timeout: 30_000 });
    await openTab('Search Attributes');
    await page.getByText('"CvmFailedStage"').waitFor();
    return page.innerText('main');
  }

  describe('a failed and a cancelled run', () => {
    let failedId: string;
    let cancelledId: string;
    let failure: string;

    beforeAll(async () => {
      const { admin } = stack.emulator;
      // Failed: the image ends in CREATEFAILED (Tencent's failure state), so the saga deletes it.
      await admin.faults({ rules: [{ action: 'CreateImage', resultState: 'CREATEFAILED' }] });
      try {
        const instanceId = await admin.createInstance({});
        ({ workflowId: failedId } = await stack.client.start({
          region: 'ap-guangzhou',
          instanceId,
          imageName: 'ui-failed',
        }));
        const err = await stack.client.result(failedId).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WorkflowFailedError);
        failure = ((err as WorkflowFailedError).cause as Error).message;
      } finally {
        await admin.clearFaults();
      }
      // Cancelled while its image is being created: the saga deletes the image.
      const durations = (await admin.config({})) as { durations: { imageCreateMs: number } };
      await admin.config({ durations: { imageCreateMs: 60_000 } });
      try {
        const instanceId = await admin.createInstance({});
        ({ workflowId: cancelledId } = await stack.client.start({
          region: 'ap-guangzhou',
          instanceId,
          imageName: 'ui-cancelled',
        }));
        for (let i = 0; (await stack.client.progress(cancelledId)).stage !== 'waiting-for-image'; i++) {
          if (i > 300) throw new Error('the run never reached waiting-for-image');
          await new Promise((r) => setTimeout(r, 100));
        }
        await stack.client.cancel(cancelledId);
        // An image still being created cannot be deleted (DeleteImages: InvalidImageId.IncorrectState), so the
        // saga waits for it: once it is undoing, the emulator's clock moves past the creation instead of the
        // test waiting a minute.
        await waitFor(async () => (await stack.client.progress(cancelledId)).stage === 'compensating', {
          what: 'the cancelled run undoing',
        });
        await admin.advanceClock(60_000);
        await stack.client.result(cancelledId).catch(() => undefined);
      } finally {
        await admin.config({ durations: { imageCreateMs: durations.durations.imageCreateMs } });
      }
    }, 180_000);

    it('the failure names the stage and lists what was undone, once', () => {
      expect(failure).toMatch(
        /^waiting-for-image: image img-\w+ ended in CREATEFAILED.*; undone: delete image \(with its bound snapshots\) img-/,
      );
      expect(failure).not.toMatch(/failed: failed/);
    });

    it('the UI shows the failing stage, what was undone, and no deleted image', async () => {
      const text = await searchAttributesOf(failedId);
      expect(text).toMatch(/"CvmPipelineStage": \[?\s*"failed"/);
      expect(text).toMatch(/"CvmFailedStage": \[?\s*"waiting-for-image"/);
      expect(text).toMatch(/"CvmUndone": \[\s*"delete image \(with its bound snapshots\) img-/);
      expect(text).not.toContain('"CvmImageId"');
      await page.screenshot({ path: screenshotPath('ui-workflow-failed.png') });

      const cancelled = await searchAttributesOf(cancelledId);
      expect(cancelled).toMatch(/"CvmPipelineStage": \[?\s*"cancelled"/);
      expect(cancelled).toMatch(/"CvmFailedStage": \[?\s*"waiting-for-image"/);
      expect(cancelled).toMatch(/"CvmUndone": \[\s*"delete image \(with its bound snapshots\) img-/);
      expect(cancelled).not.toContain('"CvmImageId"');
      await page.screenshot({ path: screenshotPath('ui-workflow-cancelled.png') });
    });

    it('cvm-image status and list say the same', async () => {
      const failed = await runCli(['status', failedId], stack.env);
      expect(failed.stdout).toMatch(/Failed in\s+waiting-for-image/);
      expect(failed.stdout).toMatch(/Undone\s+delete image \(with its bound snapshots\) img-/);
      expect(failed.stdout).toMatch(/Image\s+—/);
      expect(failed.stdout).toContain('undone: delete image');
      const cancelled = await runCli(['status', cancelledId], stack.env);
      expect(cancelled.stdout).toMatch(/Cancelled in\s+waiting-for-image/);
      expect(cancelled.stdout).toMatch(/Image\s+—/);

      // `list` reads visibility, which is eventually consistent: wait until both runs are listed as closed.
      const rowOf = (stdout: string, id: string) => stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
      const list = await waitFor(
        async () => {
          const run = await runCli(['list', '--region', 'ap-guangzhou', '--limit', '5'], stack.env);
          const closed = [failedId, cancelledId].every((id) =>
            /\s(failed|cancelled) \(in /.test(rowOf(run.stdout, id)),
          );
          return closed ? run : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'both runs listed as closed by `cvm-image list`' },
      );
      const row = (id: string) => rowOf(list.stdout, id);
      expect(row(failedId)).toMatch(/failed \(in waiting-for-image\)\s+—\s+\S+\s+delete image/);
      expect(row(cancelledId)).toMatch(/cancelled \(in waiting-for-image\)\s+—\s+\S+\s+delete image/);
    });
  });
});
