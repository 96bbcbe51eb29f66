// The Worker's entry: a small fetch handler that hands off at once. GET /health answers here;
// /images/<version>/<file> goes to the picture route (not rate limited: a results page loads up
// to 100 pictures); /graphql (the API and, where the environment allows, GraphiQL) goes to the
// GraphQL handler, after the client's rate limit and within the request deadline. The web page
// is served as static assets (wrangler.toml [assets]) before the worker runs, so the worker sees
// `/` only when the page was not built.
import { picturesForRequest } from './api/picture-catalog.ts';
import { ServerTiming } from './api/server-timing.ts';
import { getServices } from './api/services-factory.ts';
import { createGraphQLHandler, GRAPHQL_PATH } from './graphql/handler.ts';
import { offlineGraphiQL, wantsPage } from './graphql/offline-graphiql.ts';
import { postureOf } from './graphql/posture.ts';
import { withDeadline } from './http/deadline.ts';
import { PICTURE_ROUTE_PREFIX, servePicture } from './http/pictures.ts';
import { rateLimited } from './http/rate-limit.ts';

const VERSION = '0.1.0';

/** Each request's stage timings, found again by its ExecutionContext (which yoga passes through). */
const timings = new WeakMap<ExecutionContext, ServerTiming>();
const graphql = createGraphQLHandler<Cloudflare.Env>(
  (_request, env, ctx) => getServices(env, ctx, timings.get(ctx)),
  (_request, env, ctx) => picturesForRequest(env, ctx),
);

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/health') {
      return Response.json({ ok: true, service: 'jointspace', version: VERSION });
    }
    if (url.pathname.startsWith(PICTURE_ROUTE_PREFIX)) {
      return servePicture(request, env.MODELS);
    }
    if (url.pathname === GRAPHQL_PATH) {
      const limited = await rateLimited(env.RATE_LIMITER, request);
      if (limited) return limited;
      if (wantsPage(request) && postureOf(env).graphiql) {
        const page = await offlineGraphiQL(env.MODELS);
        if (page) return page;
      }
      const timing = new ServerTiming();
      timings.set(ctx, timing);
      return timing.attach(await withDeadline(graphql(request, env, ctx)));
    }
    if (url.pathname === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
      return Response.json(
        {
          error: 'page_not_built',
          message: `The web page is not built: run \`npm run build:web\` (npm start does). The API is at ${GRAPHQL_PATH}.`,
        },
        { status: 404 },
      );
    }
    return Response.json(
      { error: 'not_found', message: `No route for ${request.method} ${url.pathname}` },
      { status: 404 },
    );
  },
} satisfies ExportedHandler<Cloudflare.Env>;
