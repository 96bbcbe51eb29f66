import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('worker entry', () => {
  it('answers the health check', async () => {
    const res = await exports.default.fetch('http://local/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: 'jointspace' });
  });

  it('answers unknown paths with a JSON 404 that names the route', async () => {
    const res = await exports.default.fetch('http://local/nope', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: 'not_found',
      message: 'No route for POST /nope',
    });
  });
});
