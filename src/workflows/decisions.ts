/**
 * The seed's shutdown rule as pure functions: instances created from a public image on or after
 * 2018-07-01 can be imaged while running; every other instance must be shut down first.
 */
import type { InstanceFacts, ShutdownMode } from '../contract';

export const ONLINE_IMAGING_SINCE = Date.parse('2018-07-01T00:00:00Z');

export function onlineCapable(instance: Pick<InstanceFacts, 'sourceImageType' | 'createdTime'>): boolean {
  const created = Date.parse(instance.createdTime);
  return instance.sourceImageType === 'PUBLIC_IMAGE' && Number.isFinite(created) && created >= ONLINE_IMAGING_SINCE;
}

export type ShutdownDecision = { stop: true; reason: string } | { stop: false; reason: string } | { refuse: string };

export function decideShutdown(mode: ShutdownMode, instance: InstanceFacts): ShutdownDecision {
  const online = onlineCapable(instance);
  const why = online
    ? `created ${instance.createdTime} from a public image, so it can be imaged online`
    : `created ${instance.createdTime || '(unknown)'} from a ${instance.sourceImageType} image, so it must be ` +
      `shut down to be imaged (online imaging needs a public image and creation on or after 2018-07-01)`;
  if (instance.state === 'STOPPED') return { stop: false, reason: 'the instance is already stopped' };
  if (mode === 'always') return { stop: true, reason: 'shutdown "always" was requested' };
  if (mode === 'never') {
    return online
      ? { stop: false, reason: `shutdown "never": instance ${why}` }
      : {
          refuse: `shutdown: "never" cannot be honoured: instance ${instance.instanceId} was ${why}; use "auto" or "always"`,
        };
  }
  return online ? { stop: false, reason: `instance ${why}` } : { stop: true, reason: `instance ${why}` };
}
