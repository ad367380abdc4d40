/**
 * Fleet mode (docs/scale-out.md): activities of a budget class go to the task queue of their (class, region),
 * whose dispatch rate the server limits for every worker at once. A run asks its worker once (a local
 * activity, recorded in history) whether the fleet serves those queues; a worker in the default per-process
 * mode says no and everything stays on the workflow's own queue, as before.
 *
 * Routing is a workflow change, gated by `patched(FLEET_ROUTING_PATCH)`: histories recorded before it
 * replay on the old branch (no marker, no local activity, the workflow's own queue).
 */
import {
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  type ActivityInterfaceFor,
  type ActivityOptions,
} from '@temporalio/workflow';
import {
  ACTIVITY_BUDGET_CLASS,
  FLEET_ROUTING_ACTIVITY,
  budgetQueue,
  type BudgetClass,
  type FleetRouting,
} from '../contract/budget';

export const FLEET_ROUTING_PATCH = 'fleet-budget-queues';

const local = proxyLocalActivities<Record<typeof FLEET_ROUTING_ACTIVITY, () => Promise<FleetRouting>>>({
  startToCloseTimeout: '10s',
  // A worker without the activity (tests with stub activities, an older worker) means "not routed".
  retry: { maximumAttempts: 1 },
});

// Module state is per workflow run (the SDK isolates each run's globals).
let enabled: boolean | undefined;
let pending: Promise<boolean> | undefined;

/**
 * Decided at the run's first budgeted activity. Synchronous when the answer is known, so on the old branch
 * commands are issued exactly as before (no extra await between the call and its ScheduleActivityTask).
 */
function fleetRoutingEnabled(): boolean | Promise<boolean> {
  if (enabled !== undefined) return enabled;
  if (!pending) {
    if (!patched(FLEET_ROUTING_PATCH)) return (enabled = false);
    pending = local[FLEET_ROUTING_ACTIVITY]().then(
      (r) => (enabled = r?.enabled === true),
      () => (enabled = false),
    );
  }
  return pending;
}

/** The budget class and region of a call, if it is budgeted. */
export function budgetOf(name: string, args: unknown[]): { cls: BudgetClass; region: string } | undefined {
  const cls = ACTIVITY_BUDGET_CLASS[name];
  const region = (args[0] as { region?: unknown } | null | undefined)?.region;
  return cls && typeof region === 'string' ? { cls, region } : undefined;
}

type Executable = { executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<unknown> };

/** `proxyActivities`, with each budgeted call sent to its (class, region) queue when the fleet serves them. */
export function routedToBudgetQueues<A extends object>(options: ActivityOptions): ActivityInterfaceFor<A> {
  const base = proxyActivities<A>(options) as unknown as Record<string, Executable>;
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      const executeWithOptions = (opts: ActivityOptions, args: unknown[]): Promise<unknown> => {
        const budget = opts.taskQueue ? undefined : budgetOf(name, args);
        if (!budget) return base[name].executeWithOptions(opts, args);
        const send = (routed: boolean) =>
          base[name].executeWithOptions(
            routed ? { ...opts, taskQueue: budgetQueue(workflowInfo().taskQueue, budget.cls, budget.region) } : opts,
            args,
          );
        const decision = fleetRoutingEnabled();
        return typeof decision === 'boolean' ? send(decision) : decision.then(send);
      };
      return Object.assign((...args: unknown[]) => executeWithOptions({}, args), { executeWithOptions });
    },
  });
}
