/**
 * How open the endpoint is, per environment, from the worker's vars (wrangler.toml): the local
 * default is open (GraphiQL, introspection, "did you mean" suggestions, any origin), deployed
 * environments are closed unless their vars open them. A var that is not set means closed:
 * forgetting one errs on the side of production.
 *
 *   GRAPHIQL         "on": GraphiQL answers a browser's GET /graphql
 *   INTROSPECTION    "on": __schema and __type are answered, and validation errors suggest names
 *   CSRF_PREVENTION  "off": requests that a browser sends cross-site without a preflight (a GET
 *                    without a custom header, a form POST) are executed; otherwise they need
 *                    the header x-graphql-csrf (or a JSON content type)
 *   CORS_ORIGINS     "*" (any origin), or origins separated by commas; the page's own origin is
 *                    always allowed; credentials never
 */

import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface PostureEnv {
  GRAPHIQL?: string;
  INTROSPECTION?: string;
  CSRF_PREVENTION?: string;
  CORS_ORIGINS?: string;
}

export interface Posture {
  graphiql: boolean;
  introspection: boolean;
  csrfPrevention: boolean;
  /** '*' for any origin, else the origins allowed besides the page's own. */
  corsOrigins: '*' | readonly string[];
}

/** The header a browser can only send after a CORS preflight: proof of a same-site or allowed caller. */
export const CSRF_HEADER = 'x-graphql-csrf';

export function postureOf(env: PostureEnv): Posture {
  const origins = (env.CORS_ORIGINS ?? '').trim();
  return {
    graphiql: env.GRAPHIQL === 'on',
    introspection: env.INTROSPECTION === 'on',
    csrfPrevention: env.CSRF_PREVENTION !== 'off',
    corsOrigins:
      origins === '*'
        ? '*'
        : origins
            .split(',')
            .map((o) => o.trim())
            .filter((o) => o !== ''),
  };
}

/** Whether a browser page at `origin` may read the answer to `request`. */
export function originAllowed(posture: Posture, request: Request, origin: string): boolean {
  if (posture.corsOrigins === '*') return true;
  if (origin === new URL(request.url).origin) return true;
  return origin !== 'null' && posture.corsOrigins.includes(origin);
}

/** yoga's `cors` option: the request's origin, if allowed; no credentials; no headers otherwise. */
export function corsFor(posture: (request: Request) => Posture) {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !originAllowed(posture(request), request, origin)) return false;
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'accept', CSRF_HEADER],
      exposedHeaders: ['x-request-id', 'server-timing'],
      maxAge: 600,
    };
  };
}

/** "Did you mean ...?" at the end of a validation message: a map of the schema, piece by piece. */
const SUGGESTION = / Did you mean .*\?$/;

function withoutSuggestion(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: error.extensions,
  });
}

/**
 * The posture as a yoga plugin, decided per request from the env in its server context: CSRF
 * prevention (yoga's own plugin), and without introspection, its rule and no suggestions.
 */
export function posturePlugin(posture: (env: PostureEnv) => Posture = postureOf): Plugin<{
  env?: PostureEnv;
}> {
  const csrf = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  const introspectionRule: ValidationRule = NoSchemaIntrospectionCustomRule;
  return {
    onRequestParse(payload) {
      const env = (payload.serverContext as { env?: PostureEnv }).env ?? {};
      if (posture(env).csrfPrevention) return csrf.onRequestParse?.(payload);
    },
    onValidate({ context, addValidationRule }) {
      if (posture(context.env ?? {}).introspection) return;
      addValidationRule(introspectionRule);
      return ({ result, setResult }) => {
        if (result.some((e) => SUGGESTION.test(e.message))) {
          setResult(result.map((e) => (e instanceof GraphQLError ? withoutSuggestion(e) : e)));
        }
      };
    },
  };
}
