import { describe, expect, it } from 'vitest';
import {
  CSRF_HEADER,
  corsFor,
  originAllowed,
  type PostureEnv,
  postureOf,
} from '../../../worker/graphql/posture.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { graphqlClient, LOCAL_POSTURE, URL_BASE } from '../../support/graphql-client.ts';

const PRODUCTION: PostureEnv = {
  GRAPHIQL: 'off',
  INTROSPECTION: 'off',
  CSRF_PREVENTION: 'on',
  CORS_ORIGINS: 'https://pictures.example',
};

describe('postureOf', () => {
  it('reads each var, and takes a var that is not set as closed', () => {
    expect(postureOf(LOCAL_POSTURE)).toEqual({
      graphiql: true,
      introspection: true,
      csrfPrevention: false,
      corsOrigins: '*',
    });
    expect(postureOf({})).toEqual({
      graphiql: false,
      introspection: false,
      csrfPrevention: true,
      corsOrigins: [],
    });
    expect(
      postureOf({ CORS_ORIGINS: ' https://a.example , https://b.example,' }).corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
    expect(postureOf({ GRAPHIQL: 'yes', CSRF_PREVENTION: 'no' })).toMatchObject({
      graphiql: false,
      csrfPrevention: true,
    });
  });
});

describe('originAllowed', () => {
  const request = new Request('https://api.example/graphql');
  it("allows the page's own origin and the listed ones, never 'null' unless any origin is", () => {
    const closed = postureOf(PRODUCTION);
    expect(originAllowed(closed, request, 'https://api.example')).toBe(true);
    expect(originAllowed(closed, request, 'https://pictures.example')).toBe(true);
    expect(originAllowed(closed, request, 'https://evil.example')).toBe(false);
    expect(originAllowed(closed, request, 'null')).toBe(false);
    expect(originAllowed(postureOf(LOCAL_POSTURE), request, 'null')).toBe(true);
  });

  it('gives CORS headers without credentials to an allowed origin, and none otherwise', () => {
    const cors = corsFor(() => postureOf(PRODUCTION));
    const from = (origin: string) =>
      new Request('https://api.example/graphql', { headers: { origin } });
    expect(cors(from('https://pictures.example'))).toMatchObject({
      origin: ['https://pictures.example'],
      credentials: false,
    });
    expect(cors(from('https://evil.example'))).toBe(false);
    expect(cors(new Request('https://api.example/graphql'))).toBe(false);
  });
});

describe('through the endpoint', () => {
  const client = (env: PostureEnv = PRODUCTION) => graphqlClient(createFakeServices(), env);

  it('answers CORS per origin: echoed without credentials when allowed, absent when not', async () => {
    const ask = (origin: string) =>
      client().send(
        new Request(URL_BASE, {
          method: 'POST',
          headers: { origin, 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        }),
      );
    const allowed = await ask('https://pictures.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://pictures.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await ask('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await client().send(
      new Request(URL_BASE, {
        method: 'OPTIONS',
        headers: { origin: 'null', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses cross-site simple requests without the CSRF header, with FORBIDDEN', async () => {
    const form = await client().send(
      new Request(URL_BASE, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'query=%7B__typename%7D',
      }),
    );
    expect(form.status).toBe(403);
    expect(await form.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const get = await client().send(new Request(`${URL_BASE}?query=%7B__typename%7D`));
    expect(get.status).toBe(403);
    const withHeader = await client().send(
      new Request(`${URL_BASE}?query=%7B__typename%7D`, {
        headers: { [CSRF_HEADER]: '1', accept: 'application/json' },
      }),
    );
    expect(await withHeader.json()).toEqual({ data: { __typename: 'Query' } });
    // JSON needs a preflight already: no header needed.
    const json = await client().query('{ __typename }');
    expect(json.body).toEqual({ data: { __typename: 'Query' } });
    // Locally, a GET without the header is fine.
    const local = await client(LOCAL_POSTURE).send(
      new Request(`${URL_BASE}?query=%7B__typename%7D`, {
        headers: { accept: 'application/json' },
      }),
    );
    expect(local.status).toBe(200);
  });

  it('turns introspection and suggestions off when closed, and leaves them on locally', async () => {
    const closed = await client().query('{ __schema { queryType { name } } }');
    expect(closed.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/introspection/i),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const typo = await client().query('{ serach(text: "red") { edges { score } } }');
    expect(typo.body.errors?.[0]?.message).toBe('Cannot query field "serach" on type "Query".');
    const open = await client(LOCAL_POSTURE).query('{ serach(text: "red") { edges { score } } }');
    expect(open.body.errors?.[0]?.message).toMatch(/Did you mean "search"\?$/);
    const schema = await client(LOCAL_POSTURE).query('{ __schema { queryType { name } } }');
    expect(schema.body.data.__schema.queryType.name).toBe('Query');
  });

  it('serves GraphiQL to a browser only where it is on', async () => {
    const page = (env: PostureEnv) =>
      client(env).send(new Request(URL_BASE, { headers: { accept: 'text/html' } }));
    expect((await page(LOCAL_POSTURE)).headers.get('content-type')).toMatch(/text\/html/);
    const closed = await page(PRODUCTION);
    expect(closed.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });
});
