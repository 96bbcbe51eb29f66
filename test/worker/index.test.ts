import { createExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { pictureKey, pictureListKey } from '../../core/r2-layout.ts';
import worker from '../../worker/index.ts';
import { seedDemoModels } from '../support/seed-models.ts';

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

  it('answers / with a JSON 404 saying the page is not built (the built page is a static asset)', async () => {
    for (const method of ['GET', 'HEAD']) {
      const res = await exports.default.fetch('http://local/', { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      if (method === 'GET') {
        const body = (await res.json()) as { error: string; message: string };
        expect(body.error).toBe('page_not_built');
        expect(body.message).toContain('npm run build:web');
        expect(body.message).toContain('/graphql');
      }
    }
    const post = await exports.default.fetch('http://local/', { method: 'POST' });
    expect(await post.json()).toMatchObject({ error: 'not_found' });
  });

  it('routes /images/ to the picture route, which the GraphQL rate limit does not count', async () => {
    const limited: string[] = [];
    const refuseAll = {
      limit: async ({ key }: { key: string }) => {
        limited.push(key);
        return { success: false };
      },
    };
    const limitedEnv = { ...env, RATE_LIMITER: refuseAll };
    // The handler's request type carries Cloudflare's incoming `cf`; a test's request has none.
    type IncomingRequest = Parameters<typeof worker.fetch>[0];
    const send = (path: string) =>
      worker.fetch(
        new Request(`http://local${path}`) as IncomingRequest,
        limitedEnv,
        createExecutionContext(),
      );
    const picture = await send('/images/test-retrieval/none.png');
    expect(picture.status).toBe(404);
    expect(await picture.json()).toMatchObject({ error: 'picture_not_found' });
    expect(limited).toEqual([]);
    expect((await send('/graphql')).status).toBe(429);
    expect(limited).toHaveLength(1);
  });

  it("points Image.url at the served retrieval version's picture route, which serves it", async () => {
    await seedDemoModels();
    const { imageId } = inject('demoModels').sample;
    const image = async (fields: string) => {
      const res = await exports.default.fetch('http://local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ image(id: ${JSON.stringify(imageId)}) { ${fields} } }` }),
      });
      return ((await res.json()) as { data: { image: { file: string; url: string | null } } }).data
        .image;
    };
    // The file first, without url: the picture catalog is read at its first url, after this.
    const { file } = await image('file');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"/>';
    await env.MODELS.put(pictureKey('test-retrieval', file), svg);
    await env.MODELS.put(
      pictureListKey('test-retrieval'),
      JSON.stringify({ version: 'test-retrieval', files: [file] }),
    );
    const { url } = await image('url');
    expect(url).toBe(`/images/test-retrieval/${encodeURIComponent(file)}`);
    const picture = await exports.default.fetch(`http://local${url}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
    expect(await picture.text()).toBe(svg);
  });
});
