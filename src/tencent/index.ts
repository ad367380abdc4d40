/**
 * Tencent's published contract for the actions we call, vendored by `scripts/vendor-tencent-models.py`:
 * tccli's API models (request/response members and types) and each action's documented error codes from
 * the official Go SDK's `client.go` comments, plus the common error codes. See SOURCES.json for versions.
 * Both the pipeline's error table and the emulator's validation read these, so neither invents a fact.
 */
import cbsModel from './cbs-2017-03-12.json';
import common from './common-errors.json';
import cvmModel from './cvm-2017-03-12.json';
import tatModel from './tat-2020-10-28.json';

export interface ModelMember {
  name: string;
  /** tccli's types: string, int, bool, float, list (of `member`), object (named `member`). */
  type: string;
  member?: string;
  required?: boolean;
  document?: string;
}

export interface ServiceModel {
  service: string;
  version: string;
  actions: Record<string, { input: string; output: string; document: string; errors: string[] }>;
  objects: Record<string, { members: ModelMember[] }>;
}

export const SERVICE_MODELS: ServiceModel[] = [cvmModel, cbsModel, tatModel] as ServiceModel[];

/** Codes every action of every product may answer (Tencent's common error table). */
export const COMMON_ERROR_CODES: ReadonlySet<string> = new Set(common.codes);

/** The model of one action by its version and name (CVM and CBS share 2017-03-12 but no action names). */
export function actionModel(version: string, action: string): { model: ServiceModel; service: string } | undefined {
  const model = SERVICE_MODELS.find((m) => m.version === version && m.actions[action]);
  return model ? { model, service: model.service } : undefined;
}

/** Every action we use, keyed by name, with its service and documented error codes. */
export function documentedErrors(): Map<string, { service: string; errors: string[] }> {
  const out = new Map<string, { service: string; errors: string[] }>();
  for (const m of SERVICE_MODELS)
    for (const [name, a] of Object.entries(m.actions)) out.set(name, { service: m.service, errors: a.errors });
  return out;
}

/** True when `code` is documented for `action` (its own list or a common code). */
export function isDocumentedError(action: string, code: string): boolean {
  if (COMMON_ERROR_CODES.has(code)) return true;
  return documentedErrors().get(action)?.errors.includes(code) ?? false;
}
