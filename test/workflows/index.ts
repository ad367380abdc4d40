/** The bundle the integration tests run: the product's workflows plus test-only ones. */
export * from '../../src/workflows';
export * from './harness';
