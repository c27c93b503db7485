export * from './cluster-snapshot.types.js';
export * from './plan.types.js';
export * from './feasibility/constraint.parser.js';
export * from './feasibility/feasibility.checkers.js';
export * from './ranking/node.rankers.js';
export * from './reconcile/deployment.reconciler.js';
export * from './why-not.explainer.js';
export * from './ranking/ranked-candidates.heap.js';
export { askOf, plan } from './cluster.planner.js';
