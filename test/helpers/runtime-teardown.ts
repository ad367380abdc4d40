/**
 * quiet-runtime.ts installs the Temporal runtime before each test file; the runtime ends itself only when
 * its last in-process worker or connection closes. A file that made none (its workers are child processes:
 * chaos-environment files) would leave it running and keep jest from exiting when that file runs alone.
 */
import { Runtime } from '@temporalio/worker';

afterAll(async () => {
  // `_instance` is read rather than `Runtime.instance()`, which would create a runtime only to end it.
  const runtime = (Runtime as unknown as { _instance?: { shutdownIfIdle(): Promise<void> } })._instance;
  await runtime?.shutdownIfIdle();
});
