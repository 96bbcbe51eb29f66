// The Worker's entry: a small fetch handler that hands off at once. It answers a health check
// today; the GraphQL endpoint arrives with the worker issue.
const VERSION = '0.1.0';

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/health') {
      return Response.json({ ok: true, service: 'jointspace', version: VERSION });
    }
    return Response.json(
      { error: 'not_found', message: `No route for ${request.method} ${url.pathname}` },
      { status: 404 },
    );
  },
} satisfies ExportedHandler;
