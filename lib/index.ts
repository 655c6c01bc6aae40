// Exports only. The build (scripts/lazy-index.mjs) makes each module load on the first use of one of its exports.
export * from './interfaces/organization';
export * from './organization';
export * from './actions';
export * from './flow-rule';
export * from './function-options';
export * from './function';
export * from './nodejs-function';
export * from './idempotency';
export * from './message-content';
export * from './message-content-bucket';
