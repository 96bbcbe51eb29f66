import type { JointspaceServices } from '../api/services.ts';

/** What every resolver gets as its context: the services that hold the models and vectors. */
export interface GraphQLContext {
  services: JointspaceServices;
}
