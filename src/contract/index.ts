/**
 * The contract between workflows, activities, the client and the CLI: names and plain JSON shapes only.
 * Imports nothing but Temporal's definition helpers, so every room may depend on it.
 */
export * from './workflow-names';
export * from './messages';
export * from './failures';
export * from './tags';
export * from './search-attributes';
export * from './pipeline';
export * from './lifecycle';
export * from './activities';
export * from './lifecycle-activities';
export * from './budget';
export * from './recipe';
