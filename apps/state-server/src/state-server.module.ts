import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventStore } from '@plato/event-store';
import { RpcServer } from '@plato/messaging';
import { AllocationCommandHandler } from './allocation/allocation.command-handler.js';
import { Clock } from './clock/clock.port.js';
import { ClusterQueryHandler } from './cluster/cluster.query-handler.js';
import { ClusterReadModel } from './cluster/cluster.read-model.js';
import { AggregateCommandRunner } from './command/aggregate-command.runner.js';
import { StateServerConfig } from './config/state-server.config.js';
import { DeploymentCommandHandler } from './deployment/deployment.command-handler.js';
import { DeploymentPlanQueryHandler } from './deployment/deployment-plan.query-handler.js';
import { HeartbeatListener, NatsConnectionToken } from './heartbeat/heartbeat.listener.js';
import { NodeLivenessMonitor } from './liveness/node-liveness.monitor.js';
import { NodeCommandHandler } from './node/node.command-handler.js';
import { PlanApplier } from './plan/plan.applier.js';
import { StateServerRpc } from './state-server.rpc.js';

/** What the state-server runs on; main.ts builds them from the environment, tests choose their own. */
export interface StateServerDependencies {
  /** The event log; the state-server is its only writer. Provided under the `EventStore` token. */
  eventStore: EventStore;
  /** Serves the commands and queries. */
  rpc: RpcServer;
  /** Where heartbeats arrive (core NATS). */
  nc: NatsConnection;
  /** Where time comes from (the liveness monitor's). */
  clock: Clock;
  config: StateServerConfig;
}

/**
 * The state-server: command handlers for deployments, nodes, allocations and plans; the cluster
 * read model answering every query; node liveness from heartbeats.
 */
@Module({})
export class StateServerModule {
  /** The module bound to its dependencies. */
  static forRoot(dependencies: StateServerDependencies): DynamicModule {
    return {
      module: StateServerModule,
      providers: [
        { provide: EventStore, useValue: dependencies.eventStore },
        { provide: RpcServer, useValue: dependencies.rpc },
        { provide: NatsConnectionToken, useValue: dependencies.nc },
        { provide: Clock, useValue: dependencies.clock },
        { provide: StateServerConfig, useValue: dependencies.config },
        AggregateCommandRunner,
        ClusterReadModel,
        ClusterQueryHandler,
        DeploymentCommandHandler,
        DeploymentPlanQueryHandler,
        NodeCommandHandler,
        AllocationCommandHandler,
        PlanApplier,
        NodeLivenessMonitor,
        HeartbeatListener,
        StateServerRpc,
      ],
    };
  }
}
