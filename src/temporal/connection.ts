/**
 * Temporal connection settings from `@temporalio/envconfig`: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE, TLS and API key, so Temporal Cloud works by environment alone.
 */
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';

export const DEFAULT_TASK_QUEUE = 'cvm-image';

export function taskQueueFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.CVM_IMAGE_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}

export interface TemporalTarget {
  connectConfig: ClientConnectConfig;
  namespace: string;
  address: string;
}

export function temporalTargetFromEnv(): TemporalTarget {
  const connectConfig = loadClientConnectConfig();
  const address = connectConfig.connectionOptions.address ?? 'localhost:7233';
  connectConfig.connectionOptions.address = address;
  return { connectConfig, namespace: connectConfig.namespace ?? 'default', address };
}
