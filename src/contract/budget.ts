/**
 * Fleet-wide rate budgets (docs/scale-out.md): which budget class each activity belongs to, and the task
 * queue per (class, region) its tasks go to in fleet mode. Workers set a server-side dispatch rate on each
 * of these queues (`maxTaskQueueActivitiesPerSecond`), so the budget holds for any number of workers.
 * Shared by the workflow (routing) and the worker (which queues to serve at what rate).
 */

/**
 * A class is named after the Tencent calls its activities make: the scarce mutation (10 or 20/s per region
 * in Tencent's docs) decides the class, the lookups around it are counted in its per-task call bounds
 * (src/activities/budget.ts). `wait` is not rate-limited: its activities only register with the worker's
 * batched pollers, whose calls the worker budgets itself.
 */
export const BUDGET_CLASSES = ['image', 'instance', 'snapshot', 'guest', 'quota', 'read', 'wait'] as const;
export type BudgetClass = (typeof BUDGET_CLASSES)[number];

/**
 * Activities that call Tencent in exactly one region (argument field `region`). Activities missing here
 * (multi-region copies, the Temporal-only inventory queries) stay on the workflow's own task queue.
 */
export const ACTIVITY_BUDGET_CLASS: Readonly<Record<string, BudgetClass>> = {
  createImage: 'image',
  deleteImage: 'image',
  copyImage: 'image',
  shareImage: 'image',
  unshareImage: 'image',
  deleteImageWithBoundSnapshots: 'image',
  stopInstance: 'instance',
  startInstance: 'instance',
  launchInstances: 'instance',
  launchRecipeInstance: 'instance',
  terminateInstances: 'instance',
  createSnapshot: 'snapshot',
  deleteSnapshots: 'snapshot',
  deleteLeftoverSnapshots: 'snapshot',
  scanFstab: 'guest',
  fixFstab: 'guest',
  restoreFstab: 'guest',
  applyFstabLines: 'guest',
  syncGuest: 'guest',
  runRecipeStep: 'guest',
  checkImageQuota: 'quota',
  inspectInstance: 'read',
  listImageInventory: 'read',
  inspectImage: 'read',
  findOrphans: 'read',
  resolveBaseImage: 'read',
  waitForImage: 'wait',
  waitForInstances: 'wait',
  waitForSnapshots: 'wait',
  verifyAgentsOnline: 'wait',
  waitForImagesGone: 'wait',
  waitForSnapshotsGone: 'wait',
  // Mostly a settle wait; its few mutations still pass the per-action rate limiter.
  reconcileRun: 'wait',
};

/** The task queue of a budget class in a region, derived from the workflow's own task queue. */
export function budgetQueue(base: string, cls: BudgetClass, region: string): string {
  return `${base}@${cls}@${region}`;
}

/** Name of the local activity through which a run learns whether its worker fleet serves budget queues. */
export const FLEET_ROUTING_ACTIVITY = 'fleetRouting';

export interface FleetRouting {
  /** true: route budgeted activities to their (class, region) queues; false: the workflow's own queue. */
  enabled: boolean;
}
