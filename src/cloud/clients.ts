/**
 * Builds Tencent Cloud SDK clients (CVM, CBS, TAT) in one place: credentials from the SDK's own
 * providers, one endpoint override for every service (how the worker reaches the local emulator),
 * and one client per (service, region), reused.
 */
import { Client as CbsClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_client';
import { Client as CvmClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_client';
import { Client as TatClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_client';
import {
  DefaultCredentialProvider,
  EnvironmentVariableCredential,
} from 'tencentcloud-sdk-nodejs/tencentcloud/common/credential';
import type {
  ClientConfig,
  Credential,
  DynamicCredential,
} from 'tencentcloud-sdk-nodejs/tencentcloud/common/interface';

export { CbsClient, CvmClient, TatClient };

export interface CloudConfig {
  /** Base URL that replaces every service's public endpoint, e.g. `http://127.0.0.1:9100`. */
  endpoint?: string;
  /** Fixed credentials; when absent the SDK's providers are used (environment, profile file, CVM role). */
  credential?: Credential;
  /** Per-request timeout in seconds. */
  requestTimeoutSeconds?: number;
}

/** Reads `TENCENTCLOUD_ENDPOINT`; credentials stay with the SDK's providers, never in our config objects. */
export function cloudConfigFromEnv(env: NodeJS.ProcessEnv = process.env): CloudConfig {
  return { endpoint: env.TENCENTCLOUD_ENDPOINT || undefined };
}

function credentialFor(config: CloudConfig): Credential | DynamicCredential {
  if (config.credential) return config.credential;
  // Environment variables first (re-read on every call, so rotation works); otherwise the SDK's chain.
  if (process.env.TENCENTCLOUD_SECRET_ID) return new EnvironmentVariableCredential();
  return new DefaultCredentialProvider();
}

/** The SDK takes a host in `httpProfile.endpoint` and the scheme separately. */
export function httpProfileFor(config: CloudConfig): NonNullable<ClientConfig['profile']>['httpProfile'] {
  const timeout = config.requestTimeoutSeconds ?? 30;
  if (!config.endpoint) return { reqTimeout: timeout };
  let url: URL;
  try {
    url = new URL(config.endpoint);
  } catch {
    throw new Error(`TENCENTCLOUD_ENDPOINT must be a base URL such as http://127.0.0.1:9100, got ${config.endpoint}`);
  }
  return { endpoint: url.host, protocol: `${url.protocol}//`, reqTimeout: timeout };
}

export interface TencentClients {
  cvm(region: string): CvmClient;
  cbs(region: string): CbsClient;
  tat(region: string): TatClient;
}

export function createTencentClients(config: CloudConfig = cloudConfigFromEnv()): TencentClients {
  const httpProfile = httpProfileFor(config);
  const credential = credentialFor(config);
  const cache = new Map<string, unknown>();
  function get<T>(kind: string, region: string, make: (c: ClientConfig) => T): T {
    const key = `${kind}/${region}`;
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make({ credential, region, profile: { httpProfile } });
      cache.set(key, client);
    }
    return client;
  }
  return {
    cvm: (region) => get('cvm', region, (c) => new CvmClient(c)),
    cbs: (region) => get('cbs', region, (c) => new CbsClient(c)),
    tat: (region) => get('tat', region, (c) => new TatClient(c)),
  };
}
