// `@temporalio/proto` in a test file: the jest worker's one copy (test/helpers/quiet-environment.ts).
module.exports = globalThis.__cvmSharedModule('@temporalio/proto');
