/**
 * Failure types (ApplicationFailure `type`) the activities and workflows raise: the client, the CLI and
 * the workflows' retry policies match on these names.
 */

/** Failure types the activities throw as non-retryable `ApplicationFailure`s. */
export const NON_RETRYABLE = {
  /** Credentials refused (AuthFailure.*). Retrying only makes a retry storm. */
  auth: 'TencentAuthFailure',
  /** The request itself is wrong (InvalidParameter*, MissingParameter, UnsupportedRegion…). */
  invalidRequest: 'TencentInvalidRequest',
  /** The resource does not exist outside any eventual-consistency window. */
  notFound: 'TencentResourceNotFound',
  /** Refused for the resource's state in a way waiting will not fix. */
  unsupported: 'TencentUnsupportedOperation',
  imageQuotaExceeded: 'ImageQuotaExceeded',
  duplicateImageName: 'DuplicateImageName',
  imageCreateFailed: 'ImageCreateFailed',
  snapshotCreateFailed: 'SnapshotCreateFailed',
  launchFailed: 'LaunchFailed',
  launchVerificationFailed: 'LaunchVerificationFailed',
  guestAgentOffline: 'GuestAgentOffline',
  guestCommandFailed: 'GuestCommandFailed',
  fstabDataDiskLines: 'FstabDataDiskLines',
  instanceUnsuitable: 'InstanceUnsuitable',
} as const;

/** Failure types raised by the workflow itself. */
export const WORKFLOW_FAILURES = {
  invalidInput: 'InvalidPipelineInput',
  shutdownRejected: 'ShutdownRejected',
  approvalTimedOut: 'ApprovalTimedOut',
  compensationIncomplete: 'CompensationIncomplete',
  /** An operator gave up restarting the source instance (abandonRestore). */
  restoreAbandoned: 'RestoreAbandoned',
  /** bakeImage: the recipe is wrong (a field named); nothing was changed. */
  invalidRecipe: 'InvalidRecipe',
  /** bakeImage: a verification step failed on the instance launched from the new image. */
  recipeVerificationFailed: 'RecipeVerificationFailed',
} as const;

/** Retryable failure type: throttling, busy resources, network, 5xx, eventual consistency. */
export const RETRYABLE_TENCENT_ERROR = 'TencentTransientError';

export const NON_RETRYABLE_ERROR_TYPES: string[] = Object.values(NON_RETRYABLE);

/** Failure types the lifecycle workflows raise (non-retryable; nothing was changed). */
export const LIFECYCLE_FAILURES = {
  invalidInput: 'InvalidLifecycleInput',
  notCustomImage: 'NotACustomImage',
  notOurs: 'ImageNotMadeByPipeline',
  shared: 'ImageShared',
  inUse: 'ImageInUse',
  rotationIncomplete: 'RotationIncomplete',
} as const;
