/**
 * Every NATS name Plato uses, in one place. Services import these; none spells a subject itself.
 *
 * - `plato.ev.<stream>`: the event log (JetStream stream `PLATO_EVENTS`), one subject per aggregate.
 * - `plato.cmd.<aggregate>.<action>`: commands, request/reply to the state-server.
 * - `plato.query.<projection>.<question>`: queries, request/reply to the state-server.
 */
export const Subjects = {
  /** JetStream stream holding the event log. */
  eventStream: 'PLATO_EVENTS',
  /** Prefix of every event subject; the stream captures `plato.ev.>`. */
  eventPrefix: 'plato.ev',
  /** KV bucket holding the positions of durable subscriptions. */
  subscriptionBucket: 'PLATO_SUBSCRIPTIONS',
  /** KV bucket holding the scheduler's leader lease. */
  schedulerLeaseBucket: 'PLATO_SCHEDULER',
  command: {
    deploymentApply: 'plato.cmd.deployment.apply',
    deploymentScale: 'plato.cmd.deployment.scale',
    deploymentDelete: 'plato.cmd.deployment.delete',
    rolloutPause: 'plato.cmd.deployment.rollout.pause',
    rolloutResume: 'plato.cmd.deployment.rollout.resume',
    rolloutPromote: 'plato.cmd.deployment.rollout.promote',
    rolloutUndo: 'plato.cmd.deployment.rollout.undo',
    nodeRegister: 'plato.cmd.node.register',
    nodeCordon: 'plato.cmd.node.cordon',
    nodeUncordon: 'plato.cmd.node.uncordon',
    nodeDrain: 'plato.cmd.node.drain',
    allocationReport: 'plato.cmd.alloc.report',
    planSubmit: 'plato.cmd.plan.submit',
  },
  query: {
    deploymentGet: 'plato.query.deployment.get',
    deploymentList: 'plato.query.deployment.list',
    deploymentDescribe: 'plato.query.deployment.describe',
    deploymentPlan: 'plato.query.deployment.plan',
    nodeGet: 'plato.query.node.get',
    nodeList: 'plato.query.node.list',
    allocationList: 'plato.query.alloc.list',
    allocationDescribe: 'plato.query.alloc.describe',
    streamHistory: 'plato.query.events.history',
  },
  /** Heartbeats (core NATS, not stored): `plato.heartbeat.<nodeId>`. */
  heartbeat: (nodeId: string) => `plato.heartbeat.${nodeId}`,
  /** Every node's heartbeats. */
  heartbeatAll: 'plato.heartbeat.*',
} as const;

/** One token of a stream name: letters, digits, `_` and `-`. */
export const streamTokenPattern = /^[A-Za-z0-9_-]+$/;

/**
 * Builds the stream name of an aggregate instance from its tokens (`deployment.default.web`).
 * Throws when a token is empty or holds a character NATS subjects cannot carry.
 */
export function streamName(...tokens: string[]): string {
  for (const token of tokens) {
    if (!streamTokenPattern.test(token)) throw new Error(`invalid stream token '${token}': use letters, digits, '_' or '-'`);
  }
  return tokens.join('.');
}

/** Stream names of Plato's aggregates. */
export const Streams = {
  deployment: (namespace: string, name: string) => streamName('deployment', namespace, name),
  node: (nodeId: string) => streamName('node', nodeId),
  allocation: (nodeId: string, allocId: string) => streamName('alloc', nodeId, allocId),
} as const;
