import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JointspaceFormatError, JointspaceInputError } from '../../../core/errors.ts';
import { decodeFlatIndex, encodeFlatIndex } from '../../../core/flat-index.ts';
import { formatVectorRecord } from '../../../core/vector-records.ts';
import { writeFlatIndexFromNdjson } from '../../../trainer/export/flat-index-files.ts';

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

describe('writeFlatIndexFromNdjson', () => {
  it('writes exactly what encodeFlatIndex writes, float32 and int8', async () => {
    // 700 x 512 float32 is 1.4 MB of vectors: more than one buffered write.
    for (const [n, d] of [
      [12, 4],
      [700, 512],
    ] as const) {
      const recs = records(n, d);
      const input = await ndjson(`captions-${n}.ndjson`, recs);
      for (const encoding of ['float32', 'int8'] as const) {
        const out = join(dir, `captions-${n}.${encoding}.bin`);
        const result = await writeFlatIndexFromNdjson(input, out, {
          version: 'demo-v1',
          dimension: d,
          encoding,
        });
        const bytes = new Uint8Array(await readFile(out));
        const expected = encodeFlatIndex(
          { version: 'demo-v1', dimension: d, records: recs },
          encoding,
        );
        expect(result).toEqual({ count: n, bytes: expected.length });
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
      const run = writeFlatIndexFromNdjson(input, out, {
        version: 'demo-v1',
        dimension: 4,
        encoding: 'int8',
      });
      await expect(run).rejects.toThrow(type);
      await expect(
        writeFlatIndexFromNdjson(input, out, {
          version: 'demo-v1',
          dimension: 4,
          encoding: 'int8',
        }),
      ).rejects.toThrow(message);
      expect(await readdir(join(dir, 'bad-out'))).toEqual([]);
    }
  });
});
