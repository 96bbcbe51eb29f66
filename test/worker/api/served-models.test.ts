import { env } from 'cloudflare:workers';
import {
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  inject,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import { sha256Hex } from '../../../core/hash.ts';
import type { ModelManifest } from '../../../core/manifest.ts';
import { flatIndexFile, MODEL_FILES } from '../../../core/model-files.ts';
import { modelFileKey } from '../../../core/r2-layout.ts';
import {
  imageEncoderOf,
  type ModelEnv,
  servicesFor,
  spaceOf,
} from '../../../worker/api/served-models.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { cloneVersion } from '../../support/clone-version.ts';
import { fromBase64 } from '../../support/picture-bytes.ts';
import { seedDemoModels } from '../../support/seed-models.ts';
import { seedPictureModel } from '../../support/seed-pictures.ts';

/**
 * The spaces a worker serves, loaded from the simulated R2 bucket inside workerd: which versions,
 * each space on its own, the refusal of files that do not belong together (the reason logged
 * once, the client told only that the space is unavailable), and recovery after a failure.
 * Each case works on its own copy of a demo version (cloneVersion), a version no load has seen.
 */

const modelEnv = env as unknown as ModelEnv;
let logged: MockInstance<typeof console.error>;

beforeAll(async () => {
  await seedDemoModels();
});

beforeEach(() => {
  logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  logged.mockRestore();
});

async function refusal(p: Promise<unknown>): Promise<QueryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(QueryError);
  return e as QueryError;
}

async function put(version: string, file: string, bytes: Uint8Array | string): Promise<void> {
  await env.MODELS.put(modelFileKey(version, file), bytes);
}

async function bytesOf(version: string, file: string): Promise<Uint8Array> {
  const object = await env.MODELS.get(modelFileKey(version, file));
  return new Uint8Array(await object!.arrayBuffer());
}

/** Rewrites the copy's manifest so that it lists `file` as it now is (its checksum matches). */
async function relist(manifest: ModelManifest, file: string): Promise<void> {
  const bytes = await bytesOf(manifest.version, file);
  manifest.files[file] = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
  await put(manifest.version, MODEL_FILES.manifest, JSON.stringify(manifest));
}

describe('the served models', () => {
  it('are the configured versions, one per space', async () => {
    const services = servicesFor(modelEnv);
    expect(await services.model('retrieval')).toMatchObject({
      version: 'test-retrieval',
      space: 'retrieval',
      model: { encoder: 'lstm' },
    });
    expect(await services.model('regularities')).toMatchObject({
      version: 'test-regularities',
      space: 'regularities',
      model: { encoder: 'bow' },
    });
  });
});

describe('a version whose files do not belong together', () => {
  const images = flatIndexFile('images', 'float32');
  const cases: [string, (m: ModelManifest) => Promise<void>, RegExp][] = [
    [
      'a vocabulary with one word renamed',
      async (m) => {
        const vocab = JSON.parse(new TextDecoder().decode(await bytesOf(m.version, 'vocab.json')));
        vocab.words[5] = 'zzz';
        await put(m.version, MODEL_FILES.vocabulary, JSON.stringify(vocab));
      },
      /vocab\.json does not match the manifest/,
    ],
    [
      'four changed bytes in a flat index file',
      async (m) => {
        const bytes = await bytesOf(m.version, images);
        bytes.set([1, 2, 3, 4], bytes.length - 100);
        await put(m.version, images, bytes);
      },
      /flat\/images\.float32\.bin" is not the file the manifest lists/,
    ],
    [
      'a truncated flat index file',
      async (m) => {
        await put(m.version, images, (await bytesOf(m.version, images)).subarray(0, 1000));
      },
      /flat\/images\.float32\.bin" is not the file the manifest lists \(1000 bytes/,
    ],
    [
      'a NaN among the vectors, listed as it is',
      async (m) => {
        const bytes = await bytesOf(m.version, images);
        new DataView(bytes.buffer).setFloat32(bytes.length - 8, Number.NaN, true);
        await put(m.version, images, bytes);
        await relist(m, images);
      },
      /holds NaN: every value must be finite/,
    ],
    [
      "another version's flat index, listed as it is",
      async (m) => {
        await put(m.version, images, await bytesOf('test-retrieval', images));
        await relist(m, images);
      },
      /holds vectors of model version test-retrieval, expected r-/,
    ],
    [
      'a sentence encoder that is not an ONNX model, listed as it is',
      async (m) => {
        await put(m.version, MODEL_FILES.sentenceEncoder, 'not onnx');
        await relist(m, MODEL_FILES.sentenceEncoder);
      },
      /sentence_encoder\.onnx does not start in ONNX Runtime/,
    ],
    [
      'a manifest that is not JSON',
      async (m) => {
        await put(m.version, MODEL_FILES.manifest, '{"format": "jointspace-mo');
      },
      /manifest\.json is not valid JSON/,
    ],
  ];

  it.each(cases)(
    'is refused: %s, the reason logged once, the client told no more than that',
    async (_what, damage, reason) => {
      const version = `r-${crypto.randomUUID().slice(0, 8)}`;
      const manifest = await cloneVersion(env.MODELS, 'test-retrieval', version);
      await damage(manifest);
      const e = await refusal(
        servicesFor({ ...modelEnv, RETRIEVAL_MODEL: version }).model('retrieval'),
      );
      expect(e.code).toBe('MODEL_UNAVAILABLE');
      expect(e.message).toMatch(
        new RegExp(
          `^the retrieval model \\(version ${version}\\) cannot be served now; it is tried again in 1 s \\(incident [0-9a-f]{8} in the server log\\)$`,
        ),
      );
      expect(e.details).toEqual({
        space: 'retrieval',
        version,
        retryInSeconds: 1,
        incident: expect.stringMatching(/^[0-9a-f]{8}$/),
      });
      // The log has the reason, once, under the incident the client was given.
      expect(logged).toHaveBeenCalledTimes(1);
      const line = String(logged.mock.calls[0]?.[0]);
      expect(line).toContain(`incident ${e.details.incident}`);
      expect(line).toMatch(reason);
    },
  );
});

describe('each space', () => {
  it('loads and fails alone: a broken analogy model leaves search and the retrieval model', async () => {
    const version = `g-${crypto.randomUUID().slice(0, 8)}`;
    await cloneVersion(env.MODELS, 'test-regularities', version);
    await put(version, MODEL_FILES.sentenceEncoder, 'not onnx');
    const services = servicesFor({ ...modelEnv, REGULARITIES_MODEL: version });
    const analogy = await refusal(services.analogy('x', ['red'], ['blue'], 20, 4));
    expect(analogy.details).toMatchObject({ space: 'regularities', version });
    expect((await services.model('retrieval')).version).toBe('test-retrieval');
    expect((await services.search('a red car', 3)).results).toHaveLength(3);
    await refusal(services.model('regularities'));
  });

  it('names the var to set when no version is configured, without touching the bucket', async () => {
    const e = await refusal(
      spaceOf({ ...modelEnv, REGULARITIES_MODEL: undefined }, 'regularities'),
    );
    expect(e).toMatchObject({ code: 'MODEL_UNAVAILABLE', details: { space: 'regularities' } });
    expect(e.message).toContain('set REGULARITIES_MODEL');
  });
});

describe('a failed load', () => {
  it('is remembered without reading R2 again, then tried again after its backoff, and heals', async () => {
    const version = `r-${crypto.randomUUID().slice(0, 8)}`;
    await cloneVersion(env.MODELS, 'test-retrieval', version);
    const vocab = await bytesOf(version, MODEL_FILES.vocabulary);
    await env.MODELS.delete(modelFileKey(version, MODEL_FILES.vocabulary));
    const reads: string[] = [];
    const counting = {
      get: (key: string) => {
        reads.push(key);
        return env.MODELS.get(key);
      },
    } as unknown as R2Bucket;
    const serve = () =>
      spaceOf({ ...modelEnv, MODELS: counting, RETRIEVAL_MODEL: version }, 'retrieval');

    const first = await refusal(serve());
    expect(reads).toEqual([
      modelFileKey(version, MODEL_FILES.manifest),
      modelFileKey(version, MODEL_FILES.vocabulary),
    ]);
    // Within the backoff: the same incident, at once, and no I/O.
    const again = await refusal(serve());
    expect(again.details.incident).toBe(first.details.incident);
    expect(reads).toHaveLength(2);

    // The bucket is mended; after the backoff (1 s after a first failure) the space loads.
    await put(version, MODEL_FILES.vocabulary, vocab);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const space = await serve();
    expect(space.manifest.version).toBe(version);
    expect(logged).toHaveBeenCalledTimes(1);
    // Loaded once, kept: no further reads.
    const count = reads.length;
    await serve();
    expect(reads).toHaveLength(count);
  });
});

describe('the image encoder', () => {
  const pictures = inject('pictureModel');

  beforeAll(async () => {
    await seedPictureModel();
  });

  /** A bucket that notes each key read. */
  function counting(reads: string[]): R2Bucket {
    return {
      get: (key: string) => {
        reads.push(key);
        return env.MODELS.get(key);
      },
    } as unknown as R2Bucket;
  }

  it('is not loaded with its space: the search path never holds it', async () => {
    const reads: string[] = [];
    const services = servicesFor({
      ...modelEnv,
      MODELS: counting(reads),
      RETRIEVAL_MODEL: pictures.version,
    });
    expect((await services.search('a red circle', 2)).results).toHaveLength(2);
    expect(reads.some((key) => key.endsWith(MODEL_FILES.imageEncoder))).toBe(false);
  });

  it('is loaded once per isolate, on the first picture, and kept', async () => {
    const version = `p-${crypto.randomUUID().slice(0, 8)}`;
    const manifest = await cloneVersion(env.MODELS, pictures.version, version);
    const reads: string[] = [];
    const bucket = counting(reads);
    const [a, b] = await Promise.all([
      imageEncoderOf({ MODELS: bucket }, manifest),
      imageEncoderOf({ MODELS: bucket }, manifest),
    ]);
    expect(a).toBe(b);
    expect(await imageEncoderOf({ MODELS: bucket }, manifest)).toBe(a);
    expect(reads).toEqual([modelFileKey(version, MODEL_FILES.imageEncoder)]);
    expect(a.inputNames).toEqual(['pixels']);
  });

  it('missing or changed: MODEL_UNAVAILABLE with an incident, remembered without reading again', async () => {
    const version = `p-${crypto.randomUUID().slice(0, 8)}`;
    const manifest = await cloneVersion(env.MODELS, pictures.version, version);
    await put(version, MODEL_FILES.imageEncoder, 'not the encoder');
    const reads: string[] = [];
    const first = await refusal(imageEncoderOf({ MODELS: counting(reads) }, manifest));
    expect(first.code).toBe('MODEL_UNAVAILABLE');
    expect(first.message).toMatch(
      new RegExp(
        `^the image encoder of the retrieval model \\(version ${version}\\) cannot be served now; it is tried again in 1 s \\(incident [0-9a-f]{8} in the server log\\)$`,
      ),
    );
    expect(first.details).toMatchObject({ space: 'retrieval', version, retryInSeconds: 1 });
    const again = await refusal(imageEncoderOf({ MODELS: counting(reads) }, manifest));
    expect(again.details.incident).toBe(first.details.incident);
    expect(reads).toHaveLength(1);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toMatch(
      /the image encoder of the retrieval model p-[0-9a-f]+ failed to load .*image_encoder\.onnx does not match the manifest/,
    );
  });

  it('serves queries by picture through servicesFor', async () => {
    const services = servicesFor({ ...modelEnv, RETRIEVAL_MODEL: pictures.version });
    const file = new File([fromBase64(pictures.made.base64)], pictures.made.file);
    const similar = await services.similarToPicture(file, 1);
    expect(similar[0]?.item.id).toBe(pictures.made.file);
  });
});
