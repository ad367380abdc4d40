/** Tags every resource a pipeline creates carries, so a retry can find what an earlier attempt made. */
export const TAG_WORKFLOW_ID = 'cvm-image-pipeline:workflow-id';
export const TAG_RUN_ID = 'cvm-image-pipeline:run-id';
