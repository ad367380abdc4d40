/** What every action handler sees: the shared world (state, clock, durations, guest files) and the request. */
import type { Durations } from './durations';
import type { Params } from './params';
import { ApiError, invalidValue, missing } from './errors';
import { bool, int, list, str, strList } from './params';
import type { Store } from '../state/store';
import type { GuestFiles } from '../guest/files';
import type { CommandRunner } from '../tat/runner';

export interface World {
  store: Store;
  durations: Durations;
  guests: GuestFiles;
  runner: CommandRunner;
  now(): number;
}

export interface ActionContext {
  world: World;
  action: string;
  region: string;
  requestId: string;
  now: number;
  /** From a fault rule: the state the created resource must end in (e.g. CREATEFAILED). */
  resultState?: string;
}

/** A handler returns the response body without `RequestId`; the server adds it. */
export type ActionHandler = (params: Params, ctx: ActionContext) => object | Promise<object>;

export interface ActionDef {
  service: 'cvm' | 'cbs' | 'tat';
  version: string;
  action: string;
  handler: ActionHandler;
  /** Requests per second per region, Tencent's documented figure. */
  rateLimit: number;
}

/** Reads request fields by their documented names, type-checked against the SDK's request model. */
export function reader<Req>(params: Params) {
  type K = keyof Req & string;
  return {
    str: (k: K) => str(params[k], k),
    requiredStr(k: K): string {
      const v = str(params[k], k);
      if (v === undefined || v === '') throw missing(k);
      return v;
    },
    int: (k: K) => int(params[k], k),
    bool: (k: K) => bool(params[k], k),
    /** Tencent's "TRUE"/"FALSE" string flags (ForcePoweroff, Sysprep). */
    flag(k: K): boolean {
      const v = params[k];
      if (v === undefined || v === null || v === '') return false;
      const b = bool(v, k);
      if (b === undefined) throw invalidValue(k, 'must be TRUE or FALSE');
      return b;
    },
    strList: (k: K) => strList(params[k], k),
    list: <T>(k: K) => list<T>(params[k], k),
    raw: (k: K) => params[k],
  };
}

export function notFound(code: string, what: string, id: string): ApiError {
  return new ApiError(code, `The ${what} \`${id}\` does not exist.`);
}
