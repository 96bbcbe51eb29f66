import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CloudflareApi,
  CloudflareApiError,
  encodeR2Key,
  VECTORIZE_HTTP_UPSERT_MAX_VECTORS,
} from '../../../cli/deploy/cloudflare-api.ts';
import {
  type FakeCloudflareApi,
  type FakeCloudflareApiOptions,
  startFakeCloudflareApi,
} from '../../support/fake-cloudflare-api.ts';

let fake: FakeCloudflareApi;
let sleeps: number[];

async function start(options: FakeCloudflareApiOptions = {}): Promise<void> {
  await fake?.close();
  fake = await startFakeCloudflareApi(options);
}

function client(overrides: Partial<ConstructorParameters<typeof CloudflareApi>[0]> = {}) {
  return new CloudflareApi({
    accountId: fake.accountId,
    apiToken: fake.token,
    baseUrl: fake.url,
    retries: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

const line = (id: string, values: number[], metadata?: unknown) =>
  JSON.stringify({ id, values, ...(metadata === undefined ? {} : { metadata }) });

async function rejection(promise: Promise<unknown>): Promise<CloudflareApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudflareApiError);
  return error as CloudflareApiError;
}

beforeEach(async () => {
  sleeps = [];
  fake = await startFakeCloudflareApi();
});

afterEach(async () => {
  await fake.close();
});

describe('R2', () => {
  it('creates and finds a bucket; a missing one is null', async () => {
    const api = client();
    expect(await api.getR2Bucket('models')).toBeNull();
    await api.createR2Bucket('models');
    expect(await api.getR2Bucket('models')).toEqual({ name: 'models' });
    expect(fake.state.buckets.has('models')).toBe(true);
    const duplicate = await rejection(api.createR2Bucket('models'));
    expect(duplicate.code).toBe(10004);
  });

  it('puts, heads and gets objects, keeping slashes in keys literal', async () => {
    const api = client();
    await api.createR2Bucket('models');
    const bytes = new TextEncoder().encode('{"version":"v1"}\n');
    const key = 'versions/lstm 256#1/manifest.json';
    await api.putR2Object('models', key, bytes, 'application/json');

    const stored = fake.state.buckets.get('models')!.objects.get(key)!;
    expect(stored.body).toEqual(bytes);
    expect(stored.contentType).toBe('application/json');
    const put = fake.state.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe(
      `/accounts/${fake.accountId}/r2/buckets/models/objects/${encodeR2Key(key)}`,
    );
    expect(put.path).toContain('versions/lstm%20256%231/manifest.json');

    expect(await api.headR2Object('models', key)).toEqual({
      size: bytes.byteLength,
      etag: stored.etag,
    });
    expect(await api.getR2Object('models', key)).toEqual(bytes);
    expect(await api.headR2Object('models', 'absent')).toBeNull();
    expect(await api.getR2Object('models', 'absent')).toBeNull();
    expect(await api.headR2Object('no-such-bucket', key)).toBeNull();
  });

  it('refuses an object put into a missing bucket with the API error', async () => {
    const error = await rejection(client().putR2Object('nope', 'k', new Uint8Array([1])));
    expect(error.status).toBe(404);
    expect(error.code).toBe(10006);
    expect(error.method).toBe('PUT');
    expect(error.path).toContain('/r2/buckets/nope/objects/k');
    expect(error.message).toContain('The specified bucket does not exist.');
  });
});

describe('Vectorize', () => {
  it('creates an index, describes it, and refuses a duplicate or invalid one', async () => {
    const api = client();
    expect(await api.getVectorizeIndex('captions')).toBeNull();
    await api.createVectorizeIndex({ name: 'captions', dimensions: 3, metric: 'cosine' });
    expect(await api.getVectorizeIndex('captions')).toMatchObject({
      name: 'captions',
      config: { dimensions: 3, metric: 'cosine' },
    });
    const duplicate = await rejection(
      api.createVectorizeIndex({ name: 'captions', dimensions: 3, metric: 'cosine' }),
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.code).toBe(3002);
    expect(duplicate.message).toContain('duplicate_name');
    await rejection(
      api.createVectorizeIndex({ name: 'Bad Name', dimensions: 3, metric: 'cosine' }),
    );
    await rejection(api.createVectorizeIndex({ name: 'big', dimensions: 1537, metric: 'cosine' }));
  });

  it('makes an upsert visible only once Vectorize has processed it', async () => {
    const api = client();
    await api.createVectorizeIndex({ name: 'images', dimensions: 2, metric: 'dot-product' });
    const first = await api.upsertVectors(
      'images',
      `${line('a', [1, 0], { file: 'a.jpg' })}\n${line('b', [0, 1])}\n`,
    );
    expect(first.mutationId).toMatch(/^[0-9a-f-]{36}$/);

    // Accepted but not processed: info and get_by_ids still show the index empty.
    expect(await api.vectorizeInfo('images')).toEqual({
      dimensions: 2,
      vectorCount: 0,
      processedUpToDatetime: null,
      processedUpToMutation: null,
    });
    expect(await api.getVectorsByIds('images', ['a'])).toEqual([]);

    await fake.settle();
    const info = await api.vectorizeInfo('images');
    expect(info.vectorCount).toBe(2);
    expect(info.processedUpToMutation).toBe(first.mutationId);
    expect(info.processedUpToDatetime).not.toBeNull();

    // An upsert replaces by id in full (the metadata of "a" goes away).
    const second = await api.upsertVectors('images', line('a', [0.5, 0.25]));
    expect((await api.vectorizeInfo('images')).processedUpToMutation).toBe(first.mutationId);
    await fake.settle();
    expect((await api.vectorizeInfo('images')).processedUpToMutation).toBe(second.mutationId);
    expect(await api.getVectorsByIds('images', ['a', 'b', 'missing'])).toEqual([
      { id: 'a', values: [0.5, 0.25] },
      { id: 'b', values: [0, 1] },
    ]);
    expect((await api.vectorizeInfo('images')).vectorCount).toBe(2);

    // Sent as wrangler sends it: multipart, unparsable lines refused.
    const upload = fake.state.requests.find((r) => r.path.endsWith('/upsert'))!;
    expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.query).toBe('?unparsable-behavior=error');
  });

  it('processes mutations by itself after the configured delay', async () => {
    // A delay long enough that the first read always comes before it, however loaded the machine.
    await start({ processingDelayMs: 1000 });
    const api = client();
    await api.createVectorizeIndex({ name: 'images', dimensions: 2, metric: 'cosine' });
    const { mutationId } = await api.upsertVectors('images', line('a', [1, 0]));
    expect((await api.vectorizeInfo('images')).vectorCount).toBe(0);
    await vi.waitFor(
      async () =>
        expect(await api.vectorizeInfo('images')).toMatchObject({
          vectorCount: 1,
          processedUpToMutation: mutationId,
        }),
      { timeout: 10_000, interval: 100 },
    );
  });

  it('refuses a vector of the wrong dimension, enqueuing nothing', async () => {
    const api = client();
    await api.createVectorizeIndex({ name: 'images', dimensions: 3, metric: 'euclidean' });
    const error = await rejection(
      api.upsertVectors('images', `${line('ok', [1, 2, 3])}\n${line('short', [1, 2])}`),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain('"short" has 2 dimensions, the index expects 3');
    expect(fake.state.indexes.get('images')!.pending).toHaveLength(0);
  });

  it('refuses ids over 64 bytes and unparsable lines', async () => {
    const api = client();
    await api.createVectorizeIndex({ name: 'images', dimensions: 1, metric: 'cosine' });
    const long = await rejection(api.upsertVectors('images', line('é'.repeat(33), [1])));
    expect(long.message).toContain('64-byte limit');
    const broken = await rejection(api.upsertVectors('images', `${line('a', [1])}\n{not json`));
    expect(broken.message).toContain('line 2 is not JSON');
  });

  it('checks the HTTP batch limit before sending', async () => {
    const api = client();
    const ndjson = Array.from({ length: VECTORIZE_HTTP_UPSERT_MAX_VECTORS + 1 }, (_, i) =>
      line(`v${i}`, [1]),
    ).join('\n');
    await expect(api.upsertVectors('images', ndjson)).rejects.toThrow(RangeError);
    expect(fake.state.requests).toHaveLength(0);
  });

  it('creates metadata indexes as mutations, and lists them', async () => {
    const api = client();
    await api.createVectorizeIndex({ name: 'images', dimensions: 2, metric: 'cosine' });
    expect(await api.listMetadataIndexes('images')).toEqual([]);
    const { mutationId } = await api.createMetadataIndex('images', {
      propertyName: 'split',
      indexType: 'string',
    });
    expect(mutationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await api.listMetadataIndexes('images')).toEqual([
      { propertyName: 'split', indexType: 'string' },
    ]);
    // Sent as the reference documents it: a JSON body { propertyName, indexType }.
    const create = fake.state.requests.find((r) => r.path.endsWith('/metadata_index/create'))!;
    expect(create).toMatchObject({ method: 'POST', contentType: 'application/json' });
    expect((await api.vectorizeInfo('images')).processedUpToMutation).toBeNull();
    await fake.settle();
    expect((await api.vectorizeInfo('images')).processedUpToMutation).toBe(mutationId);
  });

  it('puts into a metadata index only the vectors processed after it', async () => {
    const api = client();
    await api.createVectorizeIndex({ name: 'images', dimensions: 1, metric: 'cosine' });
    await api.upsertVectors('images', line('early', [1], { split: 'val' }));
    await api.createMetadataIndex('images', { propertyName: 'split', indexType: 'string' });
    await api.upsertVectors(
      'images',
      `${line('late', [1], { split: 'val' })}
${line('numeric', [1], { split: 3 })}`,
    );
    await fake.settle();
    const index = fake.state.indexes.get('images')!;
    expect(index.vectors.size).toBe(3);
    expect([...index.indexedBy.get('split')!]).toEqual(['late']);
    await api.upsertVectors('images', line('early', [1], { split: 'val' }));
    await fake.settle();
    expect([...index.indexedBy.get('split')!].sort()).toEqual(['early', 'late']);
  });

  it('refuses a metadata index that is a duplicate, of no known type, past ten, or on no index', async () => {
    const api = client();
    await api.createVectorizeIndex({ name: 'images', dimensions: 1, metric: 'cosine' });
    await api.createMetadataIndex('images', { propertyName: 'split', indexType: 'string' });
    const duplicate = await rejection(
      api.createMetadataIndex('images', { propertyName: 'split', indexType: 'string' }),
    );
    expect(duplicate.status).toBe(400);
    const badType = await rejection(
      api.createMetadataIndex('images', {
        propertyName: 'n',
        indexType: 'float' as unknown as 'number',
      }),
    );
    expect(badType.message).toContain('indexType must be one of string, number, boolean');
    for (let i = 1; i < 10; i++) {
      await api.createMetadataIndex('images', { propertyName: `p${i}`, indexType: 'number' });
    }
    const eleventh = await rejection(
      api.createMetadataIndex('images', { propertyName: 'p10', indexType: 'boolean' }),
    );
    expect(eleventh.message).toContain('at most 10');
    const missing = await rejection(api.listMetadataIndexes('nope'));
    expect(missing).toMatchObject({ status: 404, code: 3000 });
  });

  it('reports a missing index: info throws, get is null', async () => {
    const api = client();
    expect(await api.getVectorizeIndex('nope')).toBeNull();
    const error = await rejection(api.vectorizeInfo('nope'));
    expect(error.code).toBe(3000);
    expect(error.status).toBe(404);
  });
});

describe('auth, envelope and retries', () => {
  it('sends the bearer token and says clearly when it is refused', async () => {
    const error = await rejection(client({ apiToken: 'wrong' }).getR2Bucket('models'));
    expect(error.status).toBe(403);
    expect(error.code).toBe(10000);
    expect(error.message).toBe(
      `Cloudflare API GET /accounts/${fake.accountId}/r2/buckets/models failed: HTTP 403: [10000] Authentication error`,
    );
    expect(error.message).not.toContain('wrong');
  });

  it('retries 500 and 429, honouring Retry-After, then succeeds', async () => {
    const api = client({ retryBaseDelayMs: 100 });
    await api.createR2Bucket('models');
    fake.failNext({ pathIncludes: '/r2/buckets/models', status: 500 });
    fake.failNext({ pathIncludes: '/r2/buckets/models', status: 429, retryAfter: '7' });
    expect(await api.getR2Bucket('models')).toEqual({ name: 'models' });
    expect(sleeps).toEqual([100, 7000]);
    expect(fake.state.requests.map((r) => r.status)).toEqual([200, 500, 429, 200]);
  });

  it('gives up after the retries with a clear error', async () => {
    const api = client({ retries: 2, retryBaseDelayMs: 10 });
    fake.failNext({ method: 'GET', pathIncludes: '/info', status: 503, times: 5 });
    const error = await rejection(api.vectorizeInfo('images'));
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('gave up after 3 attempts');
    expect(error.message).toContain('[10001]');
    expect(sleeps).toEqual([10, 20]);
  });

  it('does not retry a 4xx other than 429', async () => {
    await rejection(client().vectorizeInfo('nope'));
    expect(fake.state.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a network failure, and reports one that persists', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const api = client({ fetch: flaky });
    await api.createR2Bucket('models');
    expect(calls).toBe(2);

    const down = client({
      retries: 1,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const error = await rejection(down.getR2Bucket('models'));
    expect(error.status).toBe(0);
    expect(error.message).toContain(
      'no answer (gave up after 2 attempts): network failure: fetch failed',
    );
  });

  it('lets extra routes answer first', async () => {
    await start({
      extraRoutes: [
        (req) =>
          req.path.endsWith('/r2/buckets/special')
            ? Response.json({
                success: true,
                errors: [],
                messages: [],
                result: { name: 'special' },
              })
            : undefined,
      ],
    });
    expect(await client().getR2Bucket('special')).toEqual({ name: 'special' });
    expect(await client().getR2Bucket('other')).toBeNull();
  });
});
