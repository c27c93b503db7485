export { SchedulerConfig, defaultLeaseMs } from './config/scheduler.config.js';
export { LeaderLease, type LeaderLeaseOptions, type LeaseRecord, type StopLeaseOptions } from './lease/leader.lease.js';
export { allocationIdFactory } from './planning/allocation-id.factory.js';
export { unplacedSignature, worthSubmitting, type BlockageView, type RecordedBlockage } from './planning/plan-submission.policy.js';
export { PlanningLoop, type Leadership, type PlanningLoopOptions, type PlanningStats } from './planning/planning.loop.js';
export { startScheduler, type RunningScheduler, type StartSchedulerOptions } from './scheduler.bootstrap.js';
