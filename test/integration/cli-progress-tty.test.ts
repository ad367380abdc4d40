/**
 * `cvm-image create --watch` in a real terminal: run under tmux (a pseudo-terminal), the screen is
 * sampled with `capture-pane` while the pipeline runs, and the bar must advance through the stages.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/processes';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(240_000);
// What `npx cvm-image` runs: one node process (no tsx CLI in front relaying Ctrl-C on its own timer).
const CLI = path.join(ROOT, 'bin', 'cvm-image.js');
const run = promisify(execFile);

interface Frame {
  stage: string;
  percent: number;
  filled: number;
  elapsed: string;
}

/** The bar line cli-progress draws: "<stage> |████░░░| 42% | 3s | <detail>". */
// The stage, with its own percent (snapshots) or the time waited against the expected one (the image).
const BAR = /^(\S+(?: \d+%| \S+ of ~\S+)?) +\|([█░]+)\| (\d+)% \| (\S+) \|/m;

describe('cvm-image create --watch under a pseudo-terminal', () => {
  let stack: Stack;
  const socket = `cvm-image-test-${randomUUID().slice(0, 8)}`; // a tmux server of our own
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env: { ...process.env, ...stack.env } });

  beforeAll(async () => {
    // Waits long enough to be sampled many times: image 4 s, snapshot 9 s.
    stack = await startStack({
      // Snapshots start right after CreateImage (#13 item 3): they outlast the image so the bar shows their percent.
      durations: { imageCreateMs: 4000, snapshotCreateMs: 9000, instanceStopMs: 500, instanceStartMs: 500 },
      pollIntervalMs: 250,
    });
  }, 180_000);
  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    await stack?.stop();
  });

  it('draws a bar that advances through the stages to 100 %, then the result', async () => {
    const instanceId = await stack.emulator.admin.createInstance({ dataDisks: [{ sizeGb: 20 }] });
    const command = [
      process.execPath,
      CLI,
      `create --region ap-guangzhou --instance-id ${instanceId} --image-name tty-watched --watch --interval 200`,
    ].join(' ');
    await tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', 'watch', `${command}; echo __EXIT=$?; sleep 600`);

    const frames: Frame[] = [];
    let screen = '';
    for (let i = 0; i < 1200 && !screen.includes('__EXIT='); i++) {
      screen = (await tmux('capture-pane', '-p', '-t', 'watch')).stdout;
      const m = BAR.exec(screen);
      if (m) {
        const frame = {
          stage: m[1],
          percent: Number(m[3]),
          filled: [...m[2]].filter((c) => c === '█').length,
          elapsed: m[4],
        };
        const last = frames[frames.length - 1];
        if (!last || last.stage !== frame.stage || last.percent !== frame.percent) frames.push(frame);
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    expect(screen).toContain('__EXIT=0');
    const workflowId = `cvm-image/ap-guangzhou/${instanceId}`;
    const result = await stack.client.result(workflowId);
    expect(screen).toContain(`✔ Image ${result.imageId} is ready (${workflowId})`);

    // The bar moved: several distinct frames, percent never backwards, from below 100 to exactly 100.
    expect(frames.length).toBeGreaterThan(3);
    const percents = frames.map((f) => f.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[0]).toBeLessThan(50);
    expect(frames[frames.length - 1]).toMatchObject({ stage: 'completed', percent: 100, filled: 20 });
    for (const f of frames) expect(f.elapsed).toMatch(/^\d+(h\d\dm\d\ds|m\d\ds|s)$/);

    // ... through the stages of the run, in their order, including the long waits.
    const stages = [...new Set(frames.map((f) => f.stage.replace(/ (\d+%|\S+ of ~\S+)$/, '')))];
    // "queued" is what the bar shows before the first answer to the progress query.
    const order = ['queued', ...result.stages.map((s) => s.name), 'completed'];
    const positions = stages.map((s) => order.indexOf(s));
    expect(positions).not.toContain(-1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(stages).toEqual(expect.arrayContaining(['waiting-for-image', 'snapshotting-data-disks', 'completed']));
    // The image wait shows the time waited against Tencent's expected 10 minutes.
    expect(frames.some((f) => /^waiting-for-image \d+s of ~10m00s$/.test(f.stage))).toBe(true);
    // Snapshot creation reports its own percent, shown next to the stage.
    expect(frames.some((f) => /^snapshotting-data-disks \d+%$/.test(f.stage))).toBe(true);
  });

  it('shows how to approve while waiting, and Ctrl-C detaches without stopping the pipeline', async () => {
    const instanceId = await stack.emulator.admin.createInstance();
    const workflowId = `cvm-image/ap-guangzhou/${instanceId}`;
    const command = [
      process.execPath,
      CLI,
      `create --region ap-guangzhou --instance-id ${instanceId} --image-name tty-detached --shutdown always --approval --watch`,
    ].join(' ');
    await tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', 'detach', `${command}; echo __EXIT=$?; sleep 600`);
    const screenWith = async (text: string) => {
      let screen = '';
      for (let i = 0; i < 600; i++) {
        screen = (await tmux('capture-pane', '-p', '-t', 'detach')).stdout;
        if (screen.includes(text)) return screen;
        await new Promise((r) => setTimeout(r, 100));
      }
      // What was on the screen and which processes were still alive say where a detach got stuck.
      const pid = (await tmux('display-message', '-p', '-t', 'detach', '#{pane_pid}')).stdout.trim();
      const tree = (await run('ps', ['-o', 'pid,ppid,stat,etime,args', '-s', pid]).catch((e) => e)).stdout;
      throw new Error(`the terminal never showed ${text}; screen:\n${screen}\nprocesses:\n${tree}`);
    };
    const waiting = await screenWith(`| cvm-image approve ${workflowId}`);
    expect(waiting).toMatch(/^awaiting-approval +\|/m);

    await tmux('send-keys', '-t', 'detach', 'C-c');
    const detached = await screenWith('__EXIT=');
    expect(detached).toContain(
      `Detached; the pipeline keeps running. Follow it again: cvm-image status ${workflowId} --watch`,
    );
    expect(detached).toContain('__EXIT=130');
    expect((await stack.client.describe(workflowId)).status).toBe('RUNNING');
    expect((await stack.client.progress(workflowId)).stage).toBe('awaiting-approval');
    await stack.client.cancel(workflowId);
    await stack.client.result(workflowId).catch(() => undefined);
  });
});
