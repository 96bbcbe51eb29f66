import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JointspaceFormatError, JointspaceInputError } from '../../../core/errors.ts';
import { decodeFlatIndex, encodeFlatIndex } from '../../../core/flat-index.ts';
import { formatVectorRecord } from '../../../core/vector-records.ts';
import {
  writeFlatIndexesFromNdjson,
  writeVersionFlatIndexes,
} from '../../../trainer/export/flat-index-files.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jointspace-flat-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `n` caption-like records of dimension `d`, deterministic. */
function records(n: number, d: number) {
  return Array.from({ length: n }, (_, i) => {
    const values = Float32Array.from({ length: d }, (_, j) => Math.sin(i * 7 + j * 0.3));
    return {
      id: `img_${Math.floor(i / 5)}.jpg#${i % 5}`,
      values,
      metadata: {
        text: `caption ${i} "quoted"`,
        imageId: `img_${Math.floor(i / 5)}.jpg`,
        split: 'test',
      },
    };
  });
}

async function ndjson(name: string, recs: ReturnType<typeof records>): Promise<string> {
  const path = join(dir, name);
  // A trailing blank line, as an editor might leave, is skipped.
  const lines = recs.map((r) => formatVectorRecord(r.id, r.values, r.metadata));
  await writeFile(path, `${lines.join('\n')}\n\n`);
  return path;
}

describe('writeFlatIndexesFromNdjson', () => {
  it('writes exactly what encodeFlatIndex writes, float32 and int8, in one read', async () => {
    // 700 x 512 float32 is 1.4 MB of vectors: more than one buffered write.
    for (const [n, d] of [
      [12, 4],
      [700, 512],
    ] as const) {
      const recs = records(n, d);
      const input = await ndjson(`captions-${n}.ndjson`, recs);
      const outputs = (['float32', 'int8'] as const).map((encoding) => ({
        encoding,
        path: join(dir, `captions-${n}.${encoding}.bin`),
      }));
      const result = await writeFlatIndexesFromNdjson(input, outputs, {
        version: 'demo-v1',
        dimension: d,
      });
      expect(result).toEqual({ count: n });
      for (const { encoding, path } of outputs) {
        const bytes = new Uint8Array(await readFile(path));
        const expected = encodeFlatIndex(
          { version: 'demo-v1', dimension: d, records: recs },
          encoding,
        );
        expect(Buffer.compare(bytes, expected)).toBe(0);
        const data = decodeFlatIndex(bytes);
        expect(data.ids[n - 1]).toBe(recs[n - 1]!.id);
        expect(data.metadata[0]).toEqual(recs[0]!.metadata);
      }
    }
  });

  it('names the file and line of a bad record, and leaves nothing behind', async () => {
    const recs = records(3, 4);
    const good = recs.map((r) => formatVectorRecord(r.id, r.values, r.metadata));
    const cases: [string, RegExp, typeof JointspaceInputError][] = [
      [
        [good[0], '{"id":"x","values":[1,2,3]}'].join('\n'),
        /bad\.ndjson:2: vector x has 3 values, expected 4/,
        JointspaceFormatError,
      ],
      [
        [good[0], 'not json'].join('\n'),
        /bad\.ndjson:2: a vector line is not JSON/,
        JointspaceFormatError,
      ],
      [[good[0], good[1], good[0]].join('\n'), /appears twice/, JointspaceInputError],
    ];
    for (const [text, message, type] of cases) {
      const input = join(dir, 'bad.ndjson');
      await writeFile(input, text);
      const out = join(dir, 'bad-out', 'x.bin');
      await rm(join(dir, 'bad-out'), { recursive: true, force: true });
      await mkdir(join(dir, 'bad-out'));
      const write = () =>
        writeFlatIndexesFromNdjson(
          input,
          [
            { path: out, encoding: 'int8' },
            { path: `${out}.f32`, encoding: 'float32' },
          ],
          { version: 'demo-v1', dimension: 4 },
        );
      await expect(write()).rejects.toThrow(type);
      await expect(write()).rejects.toThrow(message);
      expect(await readdir(join(dir, 'bad-out'))).toEqual([]);
    }
  });
});

describe('writeVersionFlatIndexes', () => {
  it('writes every kind in every encoding under flat/, with the entries a manifest lists', async () => {
    const version = join(dir, 'version');
    await mkdir(version);
    const recs = records(10, 4);
    await writeFile(
      join(version, 'images.ndjson'),
      [recs[0]!, recs[5]!]
        .map((r) => formatVectorRecord(r.id.split('#')[0]!, r.values, { file: 'x', split: 'test' }))
        .join('\n'),
    );
    await writeFile(
      join(version, 'captions.ndjson'),
      recs.map((r) => formatVectorRecord(r.id, r.values, r.metadata)).join('\n'),
    );
    const { files, flat } = await writeVersionFlatIndexes(
      version,
      { images: 'images.ndjson', captions: 'captions.ndjson' },
      { version: 'demo-v1', dimension: 4 },
    );
    expect(flat).toEqual({
      images: { float32: 'flat/images.float32.bin', int8: 'flat/images.int8.bin' },
      captions: { float32: 'flat/captions.float32.bin', int8: 'flat/captions.int8.bin' },
    });
    expect(Object.keys(files).sort()).toEqual(
      Object.values(flat)
        .flatMap((byEncoding) => Object.values(byEncoding))
        .sort(),
    );
    const captions = decodeFlatIndex(
      new Uint8Array(await readFile(join(version, flat.captions.int8))),
    );
    expect(captions.count).toBe(10);
    expect(captions.encoding).toBe('int8');
    expect(files[flat.captions.int8]!.bytes).toBe(
      (await readFile(join(version, flat.captions.int8))).length,
    );
    expect(await readdir(join(version, 'flat'))).toHaveLength(4);
  });
});
