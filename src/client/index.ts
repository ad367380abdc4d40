/** Public client library: `import { createPipelineClient } from 'cvm-image-pipeline/client'`. */
export * from './pipeline-client';
export * from './list-query';
export * from './metadata';
export * from '../contract';
export * from './schedules';
export * from './inventory';
/** The workflow's own input check, so a service (and the CLI) can refuse bad input before starting a run. */
export { validateInput, type FieldProblem } from '../workflows/validation';
export * from './lifecycle';
export * from './bake';
