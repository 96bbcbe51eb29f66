/**
 * Where the worker's services come from: the model versions named by the worker's vars, each
 * space loaded from R2 once per isolate when a query first needs it (worker/api/served-models.ts).
 * Loads a request starts are handed to its ctx.waitUntil, so that they finish even when the
 * request itself ends first.
 */
import { servicesFor } from './served-models.ts';
import type { ServerTiming } from './server-timing.ts';
import type { JointspaceServices } from './services.ts';

export function getServices(
  env: Cloudflare.Env,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
  timing?: ServerTiming,
): JointspaceServices {
  return servicesFor(env, timing, (work) => ctx.waitUntil(work));
}
