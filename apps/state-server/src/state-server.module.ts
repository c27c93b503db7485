import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@plato/event-store';
import { RpcServer } from '@plato/messaging';
import { DeploymentCommandHandler } from './deployment/deployment.command-handler.js';
import { DeploymentQueryHandler } from './deployment/deployment.query-handler.js';
import { DeploymentsReadModel } from './deployment/deployments.read-model.js';
import { StateServerRpc } from './state-server.rpc.js';

/** What the state-server runs on; main.ts builds them from the environment, tests choose their own. */
export interface StateServerDependencies {
  /** The event log; the state-server is its only writer. Provided under the `EventStore` token. */
  eventStore: EventStore;
  /** Serves the commands and queries. */
  rpc: RpcServer;
}

/** The state-server: deployment commands, the deployments projection, and queries over RPC. */
@Module({})
export class StateServerModule {
  /** The module bound to its dependencies. */
  static forRoot(dependencies: StateServerDependencies): DynamicModule {
    return {
      module: StateServerModule,
      providers: [
        { provide: EventStore, useValue: dependencies.eventStore },
        { provide: RpcServer, useValue: dependencies.rpc },
        DeploymentCommandHandler,
        DeploymentsReadModel,
        DeploymentQueryHandler,
        StateServerRpc,
      ],
    };
  }
}
