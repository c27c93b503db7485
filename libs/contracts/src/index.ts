export * from './errors.js';
export * from './message.js';
export * from './subjects.js';
export * from './event-catalog.js';
export * from './deployment/deployment-spec.schema.js';
export * from './deployment/deployment.events.js';
export * from './deployment/deployment.commands.js';
