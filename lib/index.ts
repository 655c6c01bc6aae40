export * from './interfaces/organization';
export * from './organization';
export * from './actions';
export * from './flow-rule';
export * from './function';
export * from './idempotency';
export * from './message-content';
