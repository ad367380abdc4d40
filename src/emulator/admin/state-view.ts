/** `GET /_emulator/state`: every resource by kind, with instances' and images' guest files. */
import type { World } from '../core/context';
import { agentOnline } from '../cvm/lifecycle';

export function stateView(world: World) {
  const s = world.store.state;
  const g = world.guests;
  return {
    now: world.now(),
    instances: Object.values(s.instances).map((i) => ({
      ...i,
      agentStatus: agentOnline(i) ? 'Online' : 'Offline',
      files: g.listFiles(g.instanceRoot(i.id)),
    })),
    images: Object.values(s.images).map((i) => ({ ...i, files: g.listFiles(g.imageRoot(i.id)) })),
    snapshots: Object.values(s.snapshots),
    disks: Object.values(s.disks),
    invocations: Object.values(s.invocations),
    tasks: Object.values(s.tasks),
    config: s.config,
  };
}
