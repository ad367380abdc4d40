/** Tencent Cloud API 3.0 errors: every failure leaves the emulator as `{"Response":{"Error":{Code,Message},RequestId}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Tencent answers API errors with HTTP 200; only transport-level faults use another status. */
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(requestId: string, code: string, message: string): object {
  return { Response: { Error: { Code: code, Message: message }, RequestId: requestId } };
}

// Small constructors for the codes used across services, so messages name the field at fault.
export const missing = (field: string) =>
  new ApiError('MissingParameter', `The request is missing required parameter \`${field}\`.`);
export const invalidValue = (field: string, why: string) =>
  new ApiError('InvalidParameterValue', `Invalid value for parameter \`${field}\`: ${why}.`);
export const invalidParameter = (field: string, why: string) =>
  new ApiError('InvalidParameter', `Invalid parameter \`${field}\`: ${why}.`);
