import type { ApplyDeployment, DeleteDeployment, ParsedRequestOf, ScaleDeployment } from '@plato/contracts';

/** A parsed ApplyDeployment command, tagged for {@link decide}. */
export type ApplyDeploymentCommand = { readonly type: 'ApplyDeployment' } & ParsedRequestOf<typeof ApplyDeployment>;
/** A parsed ScaleDeployment command, tagged for {@link decide}. */
export type ScaleDeploymentCommand = { readonly type: 'ScaleDeployment' } & ParsedRequestOf<typeof ScaleDeployment>;
/** A parsed DeleteDeployment command, tagged for {@link decide}. */
export type DeleteDeploymentCommand = { readonly type: 'DeleteDeployment' } & ParsedRequestOf<typeof DeleteDeployment>;

/** Every command the Deployment aggregate decides on. */
export type DeploymentCommand = ApplyDeploymentCommand | ScaleDeploymentCommand | DeleteDeploymentCommand;
