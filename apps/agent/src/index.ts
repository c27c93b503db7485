export { startAgent, type RunningAgent, type StartAgentOptions } from './agent.bootstrap.js';
export { loadAgentConfig, nodeIdFromHostname, hostFacts, type AgentConfig, type HostFacts } from './config/agent.config.js';
export { DesiredAllocations, shouldRun } from './desired/desired-allocations.projection.js';
export { ContainerLabels, containerNameOf, containerLabelsOf, containerSpecOf, matchesAllocation, restartsAfter } from './reconcile/allocation-container.rules.js';
export { AllocationReconciler, type AllocationReconcilerOptions } from './reconcile/allocation.reconciler.js';
export { ExitWatcher } from './reconcile/exit.watcher.js';
export { ReconcileQueue, type ReconcileQueueOptions } from './reconcile/reconcile.queue.js';
export { AllocationReporter, natsReportSender, type AllocationReporterOptions, type ReportCommand, type ReportSender } from './report/allocation.reporter.js';
export { NodeRegistrar, type NodeFacts, type NodeRegistrarOptions } from './node/node.registrar.js';
