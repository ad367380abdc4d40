/**
 * The one table that decides, for every Tencent Cloud error, whether another attempt can succeed.
 * Activities call `classify` on whatever the SDK threw and rethrow the typed `ApplicationFailure`.
 * Every code documented for an action we call (src/tencent: the Go SDK's per-action lists and
 * Tencent's common error table) is matched by an entry here; test/unit/error-table-coverage.test.ts fails
 * when the vendored lists gain a code no entry classifies.
 */
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE, RETRYABLE_TENCENT_ERROR } from '../contract';

type Verdict = { retryable: true } | { retryable: false; type: string };

const RETRY: Verdict = { retryable: true };
const never = (type: string): Verdict => ({ retryable: false, type });

/**
 * Error code (exact, or a prefix ending in `.` / `*`) → verdict. The most specific entry wins.
 * Codes not listed are treated as transient: an attempt limit bounds them, a wrong "retry" costs little,
 * a wrong "give up" leaves a half-made pipeline to compensate.
 */
export const ERROR_TABLE: Record<string, Verdict> = {
  // Throttling and platform hiccups: wait and try again.
  RequestLimitExceeded: RETRY,
  'RequestLimitExceeded.*': RETRY,
  InternalError: RETRY,
  'InternalError.*': RETRY,
  InternalServerError: RETRY,
  ResourceBusy: RETRY,
  'ResourceBusy.*': RETRY,
  'OperationDenied.InstanceOperationInProgress': RETRY,
  'FailedOperation.InstanceOperationInProgress': RETRY,
  'ResourceInUse.*': RETRY,
  ServiceUnavailable: RETRY,
  // An image still CREATING cannot be deleted yet; it will leave that state.
  'InvalidImageId.IncorrectState': RETRY,
  IncorrectInstanceStatus: RETRY,
  InvalidInstanceState: RETRY,
  // An instance in a transitional state refuses a change for a moment.
  'UnsupportedOperation.InstanceStatePending': RETRY,
  'UnsupportedOperation.InstanceStateStarting': RETRY,
  'UnsupportedOperation.InstanceStateStopping': RETRY,
  'UnsupportedOperation.InstanceStateRebooting': RETRY,
  'ResourceUnavailable.InstanceStateNotRunning': RETRY,
  // Credentials and permissions: one attempt is enough.
  AuthFailure: never(NON_RETRYABLE.auth),
  'AuthFailure.*': never(NON_RETRYABLE.auth),
  UnauthorizedOperation: never(NON_RETRYABLE.auth),
  'UnauthorizedOperation.*': never(NON_RETRYABLE.auth),
  // The request is wrong; the same request will be wrong again.
  InvalidParameter: never(NON_RETRYABLE.invalidRequest),
  'InvalidParameter.*': never(NON_RETRYABLE.invalidRequest),
  InvalidParameterValue: never(NON_RETRYABLE.invalidRequest),
  'InvalidParameterValue.*': never(NON_RETRYABLE.invalidRequest),
  InvalidParameterCombination: never(NON_RETRYABLE.invalidRequest),
  InvalidFilter: never(NON_RETRYABLE.invalidRequest),
  MissingParameter: never(NON_RETRYABLE.invalidRequest),
  UnknownParameter: never(NON_RETRYABLE.invalidRequest),
  InvalidAction: never(NON_RETRYABLE.invalidRequest),
  UnsupportedRegion: never(NON_RETRYABLE.invalidRequest),
  'InvalidZone.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidInstanceType.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidImageName.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidImageName.Duplicate': never(NON_RETRYABLE.duplicateImageName),
  InvalidImageNameDuplicate: never(NON_RETRYABLE.duplicateImageName),
  // Quotas.
  ImageQuotaLimitExceeded: never(NON_RETRYABLE.imageQuotaExceeded),
  'LimitExceeded.ImageQuotaLimitExceeded': never(NON_RETRYABLE.imageQuotaExceeded),
  'LimitExceeded.*': never(NON_RETRYABLE.invalidRequest),
  'ResourceInsufficient.*': never(NON_RETRYABLE.launchFailed),
  // Not found (activities that expect eventual consistency catch these before classifying).
  'InvalidInstanceId.NotFound': never(NON_RETRYABLE.notFound),
  'InvalidInstanceId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidImageId.NotFound': never(NON_RETRYABLE.notFound),
  'InvalidImageId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidSnapshotId.NotFound': never(NON_RETRYABLE.notFound),
  'InvalidSnapshotId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidDiskId.NotFound': never(NON_RETRYABLE.notFound),
  ResourceNotFound: never(NON_RETRYABLE.notFound),
  'ResourceNotFound.*': never(NON_RETRYABLE.notFound),
  // Refusals that waiting does not fix.
  UnsupportedOperation: never(NON_RETRYABLE.unsupported),
  'UnsupportedOperation.*': never(NON_RETRYABLE.unsupported),
  'OperationDenied.*': never(NON_RETRYABLE.unsupported),
  'ResourceUnavailable.AgentStatusNotOnline': never(NON_RETRYABLE.guestAgentOffline),
  'ResourceUnavailable.AgentNotInstalled': never(NON_RETRYABLE.guestAgentOffline),

  // Common codes (Tencent's common error table) not covered above.
  ActionOffline: never(NON_RETRYABLE.invalidRequest),
  DryRunOperation: never(NON_RETRYABLE.invalidRequest),
  InvalidRequest: never(NON_RETRYABLE.invalidRequest),
  NoSuchProduct: never(NON_RETRYABLE.invalidRequest),
  NoSuchVersion: never(NON_RETRYABLE.invalidRequest),
  UnsupportedProtocol: never(NON_RETRYABLE.invalidRequest),
  RequestSizeLimitExceeded: never(NON_RETRYABLE.invalidRequest),
  ResponseSizeLimitExceeded: never(NON_RETRYABLE.invalidRequest),
  IpInBlacklist: never(NON_RETRYABLE.auth),
  IpNotInWhitelist: never(NON_RETRYABLE.auth),
  LimitExceeded: never(NON_RETRYABLE.invalidRequest),
  // Generic "operation failed" / "resource busy or unavailable": transient unless a specific code says not.
  FailedOperation: RETRY,
  ResourceInUse: RETRY,
  ResourceUnavailable: RETRY,
  ResourceInsufficient: never(NON_RETRYABLE.launchFailed),
  OperationDenied: never(NON_RETRYABLE.unsupported),
  'MutexOperation.TaskRunning': RETRY,

  // Per-action codes (Go SDK client.go lists) of the actions we call.
  // Transient: another task or a creating snapshot holds the resource for a while.
  'FailedOperation.InvalidImageState': RETRY,
  'InvalidDisk.Busy': RETRY,
  'InvalidDisk.SnapshotCreating': RETRY,
  'ResourceUnavailable.SnapshotCreating': RETRY,
  'ResourceUnavailable.DiskBackupCreating': RETRY,
  'ResourceUnavailable.TooManyCreatingSnapshot': RETRY,
  'FailedOperation.InquiryPriceFailed': RETRY,
  TradeDealConflict: RETRY,
  'FailedOperation.CVMError': RETRY,
  'FailedOperation.LighthouseError': RETRY,
  // Sharing: the activity treats AccountAlreadyExists as done; the others are the caller's mistake.
  'FailedOperation.AccountAlreadyExists': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.AccountIsYourSelf': never(NON_RETRYABLE.invalidRequest),
  'InvalidAccountIs.YourSelf': never(NON_RETRYABLE.invalidRequest),
  'InvalidAccountId.NotFound': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.NotMasterAccount': never(NON_RETRYABLE.auth),
  'FailedOperation.BYOLImageShareFailed': never(NON_RETRYABLE.unsupported),
  'FailedOperation.QImageShareFailed': never(NON_RETRYABLE.unsupported),
  'FailedOperation.RImageShareFailed': never(NON_RETRYABLE.unsupported),
  OverQuota: never(NON_RETRYABLE.invalidRequest),
  // Launch: what the account or the zone cannot give now (stock-out, quota, money).
  'ResourcesSoldOut.*': never(NON_RETRYABLE.launchFailed),
  'ResourceUnavailable.InstanceType': never(NON_RETRYABLE.launchFailed),
  InstancesQuotaLimitExceeded: never(NON_RETRYABLE.launchFailed),
  'FailedOperation.NoAvailableIpAddressCountInSubnet': never(NON_RETRYABLE.launchFailed),
  'FailedOperation.PromotionalRegionRestriction': never(NON_RETRYABLE.launchFailed),
  AccountQualificationRestrictions: never(NON_RETRYABLE.auth),
  'InvalidAccount.*': never(NON_RETRYABLE.auth),
  InvalidPermission: never(NON_RETRYABLE.auth),
  InsufficientSnapshotQuota: never(NON_RETRYABLE.invalidRequest),
  // Wrong input: the same request fails again.
  'FailedOperation.SnapshotSizeLargerThanDataSize': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.SnapshotSizeLessThanDataSize': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.IllegalTagKey': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.IllegalTagValue': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.TagKeyReserved': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.DisasterRecoverGroupNotFound': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.SecurityGroupActionFailed': never(NON_RETRYABLE.invalidRequest),
  'FailedOperation.InvalidInstanceApplicationRole': never(NON_RETRYABLE.unsupported),
  'FailedOperation.InvalidInstanceApplicationRoleEmr': never(NON_RETRYABLE.unsupported),
  'FailedOperation.Unreturnable': never(NON_RETRYABLE.unsupported),
  InvalidInstanceNotSupportedPrepaidInstance: never(NON_RETRYABLE.unsupported),
  'InvalidClientToken.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidFilterValue.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidHostId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidKeyPairId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidSgId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidSecurityGroupId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidProjectId.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidRegion.*': never(NON_RETRYABLE.invalidRequest),
  'InvalidInstanceName.*': never(NON_RETRYABLE.invalidRequest),
  InvalidPassword: never(NON_RETRYABLE.invalidRequest),
  InvalidPeriod: never(NON_RETRYABLE.invalidRequest),
  'MissingParameter.*': never(NON_RETRYABLE.invalidRequest),
  VpcAddrNotInSubNet: never(NON_RETRYABLE.invalidRequest),
  VpcIpIsUsed: never(NON_RETRYABLE.invalidRequest),
  'InvalidDisk.*': never(NON_RETRYABLE.unsupported),
  'InvalidInstance.NotSupported': never(NON_RETRYABLE.unsupported),
  'InvalidSnapshot.NotSupported': never(NON_RETRYABLE.unsupported),
  'ResourceUnavailable.*': never(NON_RETRYABLE.unsupported),
};

/** The Tencent error code of an SDK error, if it carries one. */
export function tencentCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The table's entry for `code` (exact, else the longest `A.B.*` prefix), or undefined when none matches. */
export function tableVerdict(code: string): Verdict | undefined {
  if (ERROR_TABLE[code]) return ERROR_TABLE[code];
  const parts = code.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const hit = ERROR_TABLE[`${parts.slice(0, n).join('.')}.*`];
    if (hit) return hit;
  }
  // The whole InvalidParameter* family (InvalidParameterCombination, InvalidParameterValue…).
  if (code.startsWith('InvalidParameter')) return never(NON_RETRYABLE.invalidRequest);
  return undefined;
}

export function verdictFor(code: string): Verdict {
  return tableVerdict(code) ?? RETRY;
}

/** HTTP status of a non-200 answer (the SDK sets `httpCode`), if any. */
function httpStatus(err: unknown): number | undefined {
  const status = (err as { httpCode?: unknown } | null)?.httpCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Turns anything a Tencent call threw into an `ApplicationFailure`: non-retryable per the table, retryable
 * for throttling, network errors and 5xx. `action` names the call in the message operators read.
 */
export function classify(err: unknown, action: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const code = tencentCode(err);
  const message = (err as Error | undefined)?.message ?? String(err);
  const requestId = (err as { requestId?: string } | null)?.requestId || undefined;
  const details = [{ action, code, requestId }];
  if (code) {
    const verdict = verdictFor(code);
    const text = `${action} failed: ${code}: ${message}${requestId ? ` (RequestId ${requestId})` : ''}`;
    return verdict.retryable
      ? ApplicationFailure.retryable(text, RETRYABLE_TENCENT_ERROR, ...details)
      : ApplicationFailure.nonRetryable(text, verdict.type, ...details);
  }
  const status = httpStatus(err);
  // 4xx other than throttling means the request cannot succeed as sent.
  if (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408) {
    return ApplicationFailure.nonRetryable(
      `${action} failed: HTTP ${status}: ${message}`,
      NON_RETRYABLE.invalidRequest,
      ...details,
    );
  }
  const what = status !== undefined ? `HTTP ${status}` : 'network error';
  return ApplicationFailure.retryable(`${action} failed: ${what}: ${message}`, RETRYABLE_TENCENT_ERROR, ...details);
}
