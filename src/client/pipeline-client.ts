/**
 * The typed way for services (and the `cvm-image` command) to start and follow image pipelines.
 * Connects like the worker, through `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_PROFILE, TLS, API key), unless a connection is handed in.
 */
import { Client, Connection, type ConnectionOptions, type WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, type DataConverter } from '@temporalio/common';
import { dataConverterFromEnv } from '../codec/env';
import { taskQueueFromEnv, temporalTargetFromEnv } from '../temporal/connection';
import {
  CvmFailedStage,
  CvmImageId,
  CvmInstanceId,
  CvmPipelineStage,
  CvmRegion,
  CvmUndone,
  APPROVE_UPDATE,
  PROGRESS_QUERY,
  REJECT_UPDATE,
  WORKFLOW_TYPE,
  pipelineWorkflowId,
  type CreateCustomImageInput,
  type CreateCustomImageResult,
  type PipelineProgress,
} from '../contract';
import { validateInput } from '../workflows/validation';
import { pipelineListQuery, type PipelineFilter } from './list-query';
import { pipelineDetails, pipelineSummary, startSearchAttributes } from './metadata';

export interface PipelineClientOptions {
  /** An open connection (the caller keeps ownership); otherwise one is made from the environment. */
  connection?: Connection;
  /** Payload codec etc.; defaults to the AES-256-GCM codec when CVM_IMAGE_CODEC_KEY is set. */
  dataConverter?: DataConverter;
  namespace?: string;
  /** Defaults to CVM_IMAGE_TASK_QUEUE or `cvm-image`. */
  taskQueue?: string;
  /** Overrides the address from the environment/profile (host:port). */
  address?: string;
  /** How long to try to reach the server before giving up, e.g. "5s" (SDK default 10 s). */
  connectTimeout?: string | number;
}

/** No Temporal server answered at the configured address. */
export class TemporalUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly namespace: string,
    cause: unknown,
  ) {
    super(
      `cannot reach the Temporal server at ${address} (namespace ${namespace}): ${(cause as Error)?.message ?? cause}`,
      {
        cause,
      },
    );
    this.name = 'TemporalUnreachableError';
  }
}

/**
 * A pipeline with this workflow id is running (one per instance at a time). Still a
 * `WorkflowExecutionAlreadyStartedError`; the message names the running run and how to follow or cancel it.
 */
export class PipelineAlreadyRunningError extends WorkflowExecutionAlreadyStartedError {
  constructor(
    workflowId: string,
    readonly runId: string | undefined,
    readonly startTime: Date | undefined,
  ) {
    const run = runId ? ` (run ${runId}${startTime ? `, started ${startTime.toISOString()}` : ''})` : '';
    super(
      `a pipeline with id ${workflowId} is already running${run}; one pipeline per instance at a time. ` +
        `Follow it: cvm-image status ${workflowId} --watch (or progress()/result() with this id); ` +
        `cancel it: cvm-image cancel ${workflowId}`,
      workflowId,
      WORKFLOW_TYPE,
    );
    // The SDK makes `name` read-only on its failure classes' prototypes.
    Object.defineProperty(this, 'name', { value: 'PipelineAlreadyRunningError' });
  }
}

export interface StartOptions {
  /** Defaults to the recommended `cvm-image/<region>/<instanceId>`. */
  workflowId?: string;
  taskQueue?: string;
}

export interface StartedPipeline {
  workflowId: string;
  runId: string;
}

/** One row of `list` / the answer of `describe`. */
export interface PipelineSummary {
  workflowId: string;
  runId: string;
  status: WorkflowExecutionInfo['status']['name'];
  region?: string;
  instanceId?: string;
  imageId?: string;
  stage?: string;
  /** The stage a failed or cancelled run was in (CvmFailedStage). */
  failedStage?: string;
  /** What compensation undid (CvmUndone); an image it deleted is no longer `imageId`. */
  undone?: string[];
  startTime: Date;
  closeTime?: Date;
}

export interface PipelineClient {
  /** The underlying Temporal client, for anything not covered here. */
  readonly temporal: Client;
  readonly address: string;
  readonly namespace: string;
  start(input: CreateCustomImageInput, opts?: StartOptions): Promise<StartedPipeline>;
  /** Answered by a worker; `signal` gives up waiting for one. */
  progress(workflowId: string, opts?: { signal?: AbortSignal }): Promise<PipelineProgress>;
  approve(workflowId: string): Promise<void>;
  reject(workflowId: string, reason: string): Promise<void>;
  cancel(workflowId: string): Promise<void>;
  /** Waits for the end; `signal` stops waiting (the pipeline itself keeps running). */
  result(workflowId: string, opts?: { signal?: AbortSignal }): Promise<CreateCustomImageResult>;
  describe(workflowId: string): Promise<PipelineSummary>;
  list(filter?: PipelineFilter, opts?: { limit?: number }): Promise<PipelineSummary[]>;
  /** Closes the connection if this client opened it. */
  close(): Promise<void>;
}

function toSummary(info: Omit<WorkflowExecutionInfo, 'raw'>): PipelineSummary {
  const sa = info.typedSearchAttributes;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    region: sa.get(CvmRegion),
    instanceId: sa.get(CvmInstanceId),
    imageId: sa.get(CvmImageId),
    stage: sa.get(CvmPipelineStage),
    failedStage: sa.get(CvmFailedStage),
    undone: sa.get(CvmUndone),
    startTime: info.startTime,
    closeTime: info.closeTime,
  };
}

export async function createPipelineClient(opts: PipelineClientOptions = {}): Promise<PipelineClient> {
  let connection = opts.connection;
  let namespace = opts.namespace;
  let address = connection ? '(given connection)' : '';
  const owned = !connection;
  if (!connection) {
    const target = temporalTargetFromEnv();
    address = opts.address ?? target.address;
    namespace ??= target.namespace;
    const options: ConnectionOptions = { ...target.connectConfig.connectionOptions, address };
    if (opts.connectTimeout !== undefined)
      options.connectTimeout = opts.connectTimeout as ConnectionOptions['connectTimeout'];
    try {
      connection = await Connection.connect(options);
    } catch (err) {
      throw new TemporalUnreachableError(address, namespace, err);
    }
  }
  namespace ??= 'default';
  const taskQueue = opts.taskQueue ?? taskQueueFromEnv();
  const temporal = new Client({ connection, namespace, dataConverter: opts.dataConverter ?? dataConverterFromEnv() });
  const handle = (id: string) => temporal.workflow.getHandle(id);

  return {
    temporal,
    address,
    namespace,
    async start(input, startOpts = {}) {
      // The workflow's own validator first: bad input is a non-retryable `InvalidPipelineInput` naming
      // every bad field, and nothing reaches the server or the cloud.
      validateInput(input);
      const workflowId = startOpts.workflowId ?? pipelineWorkflowId(input.region, input.instanceId);
      const started = await temporal.workflow
        .start(WORKFLOW_TYPE, {
          workflowId,
          taskQueue: startOpts.taskQueue ?? taskQueue,
          args: [input],
          // One pipeline per instance at a time; finished runs may be followed by a new one.
          workflowIdConflictPolicy: 'FAIL',
          staticSummary: pipelineSummary(input),
          staticDetails: pipelineDetails(input),
          typedSearchAttributes: startSearchAttributes(input),
        })
        .catch(async (err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          const running = await handle(workflowId)
            .describe()
            .catch(() => undefined);
          throw new PipelineAlreadyRunningError(workflowId, running?.runId, running?.startTime);
        });
      return { workflowId, runId: started.firstExecutionRunId };
    },
    progress(id, { signal } = {}) {
      const ask = () => handle(id).query<PipelineProgress>(PROGRESS_QUERY);
      return signal ? temporal.withAbortSignal(signal, ask) : ask();
    },
    async approve(id) {
      await handle(id).executeUpdate(APPROVE_UPDATE);
    },
    async reject(id, reason) {
      await handle(id).executeUpdate(REJECT_UPDATE, { args: [reason] });
    },
    async cancel(id) {
      await handle(id).cancel();
    },
    result(id, { signal } = {}) {
      const wait = () => handle(id).result() as Promise<CreateCustomImageResult>;
      return signal ? temporal.withAbortSignal(signal, wait) : wait();
    },
    async describe(id) {
      return toSummary(await handle(id).describe());
    },
    async list(filter = {}, { limit = 100 } = {}) {
      const rows: PipelineSummary[] = [];
      for await (const info of temporal.workflow.list({ query: pipelineListQuery(filter), pageSize: limit })) {
        rows.push(toSummary(info));
        if (rows.length >= limit) break;
      }
      return rows;
    },
    async close() {
      if (owned) await connection.close();
    },
  };
}
