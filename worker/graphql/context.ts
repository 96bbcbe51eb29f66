import type { PictureLookup } from '../api/picture-catalog.ts';
import type { JointspaceServices } from '../api/services.ts';

/** What every resolver gets as its context: the services that hold the models and vectors. */
export interface GraphQLContext {
  services: JointspaceServices;
  /** The served retrieval version's pictures (`Image.url`); null when none is configured. */
  pictures: PictureLookup | null;
}
