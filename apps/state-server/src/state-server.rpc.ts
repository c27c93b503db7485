import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ApplyDeployment, DeleteDeployment, GetDeployment, ListDeployments, ScaleDeployment, StreamHistory } from '@plato/contracts';
import { RpcServer } from '@plato/messaging';
import { DeploymentCommandHandler } from './deployment/deployment.command-handler.js';
import { DeploymentQueryHandler } from './deployment/deployment.query-handler.js';

/**
 * The state-server's routing table: which handler serves which contract. Registers on the
 * RpcServer once every module is initialised (projections subscribed), and drains it in the first
 * shutdown phase (projections close in the last), so no request is taken that cannot be answered.
 */
@Injectable()
export class StateServerRpc implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(DeploymentCommandHandler) private readonly commands: DeploymentCommandHandler,
    @Inject(DeploymentQueryHandler) private readonly queries: DeploymentQueryHandler,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(ApplyDeployment, (command) => this.commands.apply(command));
    this.rpc.handle(ScaleDeployment, (command) => this.commands.scale(command));
    this.rpc.handle(DeleteDeployment, (command) => this.commands.delete(command));
    this.rpc.handle(GetDeployment, (query) => this.queries.get(query));
    this.rpc.handle(ListDeployments, (query) => this.queries.list(query));
    this.rpc.handle(StreamHistory, (query, context) => this.queries.history(query, context.subject));
  }

  async onModuleDestroy(): Promise<void> {
    await this.rpc.close();
  }
}
