/**
 * Where the worker's services come from: the model versions named by the worker's vars, loaded
 * from R2 once per isolate (worker/api/served-models.ts).
 */
import { servicesFor } from './served-models.ts';
import type { ServerTiming } from './server-timing.ts';
import type { JointspaceServices } from './services.ts';

export function getServices(
  env: Cloudflare.Env,
  timing?: ServerTiming,
): Promise<JointspaceServices> {
  return servicesFor(env, timing);
}
