/** Activity factory: the worker injects real Tencent Cloud clients, tests inject emulator-bound ones. */
import type { TencentClients } from '../cloud/clients';

export interface ActivityDeps {
  clients: TencentClients;
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function createActivities(deps: ActivityDeps) {
  return {};
}
