/**
 * Requests and responses checked against Tencent's own API models (tccli's api.json, vendored in
 * src/tencent), in one place for every action — as moto does with botocore's models:
 * an unknown parameter → `UnknownParameter`, a wrong type → `InvalidParameter` (the common error table:
 * "参数错误（包括参数格式、类型等错误）"), a missing required member → `MissingParameter`; and a response
 * keeps only the members its output model declares.
 */
import { actionModel, isDocumentedError, type ModelMember, type ServiceModel } from '../../tencent';
import { ApiError } from './errors';
import type { Params } from './params';

const INT = /^-?\d+$/;

function typeError(path: string, want: string): ApiError {
  return new ApiError('InvalidParameter', `The parameter \`${path}\` must be ${want}.`);
}

/** Flattened (GET / form) requests carry every scalar as a string: those forms are accepted too. */
function checkScalar(value: unknown, m: ModelMember, path: string): void {
  switch (m.type) {
    case 'string':
      if (typeof value !== 'string') throw typeError(path, 'a string');
      return;
    case 'int':
      if (!(typeof value === 'number' && Number.isInteger(value)) && !(typeof value === 'string' && INT.test(value)))
        throw typeError(path, 'an integer');
      if (m.member === 'uint64' && Number(value) < 0) throw typeError(path, 'a non-negative integer');
      return;
    case 'float':
      if (typeof value !== 'number' && !(typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))))
        throw typeError(path, 'a number');
      return;
    case 'bool':
      if (typeof value !== 'boolean' && !['true', 'false', 'TRUE', 'FALSE', 'True', 'False'].includes(value as string))
        throw typeError(path, 'true or false');
      return;
  }
}

function checkValue(model: ServiceModel, value: unknown, m: ModelMember, path: string): void {
  if (value === undefined || value === null) return;
  if (m.type === 'list') {
    if (!Array.isArray(value)) throw typeError(path, 'a list');
    const item: ModelMember = model.objects[m.member ?? '']
      ? { name: m.name, type: 'object', member: m.member }
      : { name: m.name, type: m.member ?? 'string', member: m.member };
    if (item.type === 'int64' || item.type === 'uint64') item.type = 'int';
    value.forEach((v, i) => checkValue(model, v, item, `${path}.${i}`));
    return;
  }
  if (m.type === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) throw typeError(path, 'an object');
    checkObject(model, value as Params, m.member ?? '', `${path}.`);
    return;
  }
  checkScalar(value, m, path);
}

function checkObject(model: ServiceModel, params: Params, objectName: string, prefix: string): void {
  const members = model.objects[objectName]?.members ?? [];
  const byName = new Map(members.map((m) => [m.name, m]));
  for (const key of Object.keys(params)) {
    if (!byName.has(key))
      throw new ApiError('UnknownParameter', `The parameter \`${prefix}${key}\` is not recognized.`);
  }
  for (const m of members) {
    const v = params[m.name];
    if (m.required && (v === undefined || v === null))
      throw new ApiError('MissingParameter', `The request is missing required parameter \`${prefix}${m.name}\`.`);
    checkValue(model, v, m, `${prefix}${m.name}`);
  }
}

/** Throws the documented common error for the first way `params` break the action's input model. */
export function validateRequest(version: string, action: string, params: Params): void {
  const found = actionModel(version, action);
  if (!found) throw new Error(`no vendored model for ${version}/${action}`);
  checkObject(found.model, params, found.model.actions[action].input, '');
}

function shape(model: ServiceModel, value: unknown, objectName: string): unknown {
  const obj = model.objects[objectName];
  if (!obj || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => shape(model, v, objectName));
  const out: Record<string, unknown> = {};
  for (const m of obj.members) {
    const v = (value as Record<string, unknown>)[m.name];
    if (v === undefined) continue;
    out[m.name] = m.type === 'list' || m.type === 'object' ? shape(model, v, m.member ?? '') : v;
  }
  return out;
}

/** The handler's answer cut to the members the output model declares (undeclared ones never leave). */
export function shapeResponse(version: string, action: string, result: object): Record<string, unknown> {
  const found = actionModel(version, action);
  if (!found) throw new Error(`no vendored model for ${version}/${action}`);
  return shape(found.model, result, found.model.actions[action].output) as Record<string, unknown>;
}

/** Members a handler returned that the output model does not declare (for the sweep test). */
export function undeclaredMembers(version: string, action: string, result: object): string[] {
  const found = actionModel(version, action);
  if (!found) return [];
  const out: string[] = [];
  const walk = (value: unknown, objectName: string, path: string) => {
    const obj = found.model.objects[objectName];
    if (!obj || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, objectName, `${path}${i}.`));
    const members = new Map(obj.members.map((m) => [m.name, m]));
    for (const [k, v] of Object.entries(value)) {
      const m = members.get(k);
      if (!m) out.push(`${path}${k}`);
      else if (m.type === 'list' || m.type === 'object') walk(v, m.member ?? '', `${path}${k}.`);
    }
  };
  walk(result, found.model.actions[action].output, '');
  return out;
}

/**
 * Runs a handler and lets only documented error codes out: the action's own list (Go SDK client.go) or a
 * common code. Anything else is an emulator bug, answered as `InternalError` naming the code so that every
 * test that reaches it fails loudly instead of teaching the pipeline an answer Tencent never gives.
 */
export async function documentedOnly<T>(action: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApiError && !isDocumentedError(action, err.code)) {
      // A malformed id is also an id that does not exist: where an action documents only `.NotFound`
      // (CreateImage has no InvalidInstanceId.Malformed), that is its answer.
      const notFound = err.code.replace(/\.Malformed$/, '.NotFound');
      if (notFound !== err.code && isDocumentedError(action, notFound)) throw new ApiError(notFound, err.message);
      throw new ApiError('InternalError', `Emulator bug: ${action} answered the undocumented code ${err.code}.`);
    }
    throw err;
  }
}
