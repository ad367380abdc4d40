/** Public client library: `import { createPipelineClient } from 'cvm-image-pipeline/client'`. */
export * from './pipeline-client';
export * from './list-query';
export * from './metadata';
export * from '../workflows/types';
export * from '../workflows/search-attributes';
export * from './schedules';
export * from './inventory';
export * from '../workflows/lifecycle-types';
