// `@temporalio/proto` in a test file: the copy the test environment loaded once for its jest worker
// (quiet-environment.ts says why it is shared).
module.exports = globalThis.__cvmSharedProto;
