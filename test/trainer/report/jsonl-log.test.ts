import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlLog, readJsonl } from '../../../trainer/report/jsonl-log.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JsonlLog', () => {
  it('writes one object per line and reads them back', async () => {
    const path = join(dir, 'log.jsonl');
    const log = await JsonlLog.open(path, { append: false });
    const records = [
      { kind: 'train', update: 1, epoch: 1, loss: 12.5 },
      { kind: 'val', update: 1, epoch: 1, note: 'line\nbreak and "quotes"' },
      { kind: 'train', update: 2, epoch: 1, loss: Number.NaN },
    ];
    for (const r of records) await log.write(r);
    await log.close();
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(4);
    expect(text.endsWith('\n')).toBe(true);
    // JSON has no NaN: it is written as null.
    expect(await readJsonl(path)).toEqual([records[0], records[1], { ...records[2], loss: null }]);
  });

  it('keeps the order of writes that are not awaited one by one', async () => {
    const path = join(dir, 'log.jsonl');
    const log = await JsonlLog.open(path, { append: false });
    const big = 'x'.repeat(200_000);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.write({ i, big })));
    await log.close();
    const values = (await readJsonl(path)) as { i: number; big: string }[];
    expect(values.map((v) => v.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(values.every((v) => v.big.length === 200_000)).toBe(true);
  });

  it('continues the same file in append mode, and starts afresh without it', async () => {
    const path = join(dir, 'log.jsonl');
    const first = await JsonlLog.open(path, { append: true });
    await first.write({ n: 1 });
    await first.close();
    const second = await JsonlLog.open(path, { append: true });
    await second.write({ n: 2 });
    await second.close();
    expect(await readJsonl(path)).toEqual([{ n: 1 }, { n: 2 }]);
    const fresh = await JsonlLog.open(path, { append: false });
    await fresh.write({ n: 3 });
    await fresh.close();
    expect(await readJsonl(path)).toEqual([{ n: 3 }]);
  });

  it('cuts off a crashed run’s partial last line before appending', async () => {
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3,"lo');
    const log = await JsonlLog.open(path, { append: true });
    await log.write({ n: 4 });
    await log.close();
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":4}\n');
  });

  it('cuts off a partial line that is the whole file', async () => {
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"n":1');
    const log = await JsonlLog.open(path);
    await log.write({ n: 2 });
    await log.close();
    expect(await readJsonl(path)).toEqual([{ n: 2 }]);
  });

  it('refuses writes after close', async () => {
    const log = await JsonlLog.open(join(dir, 'log.jsonl'), { append: false });
    await log.close();
    await expect(log.write({})).rejects.toThrow(/closed/);
    await log.close();
  });
});

describe('readJsonl', () => {
  it('ignores a truncated last line (a crash mid-write)', async () => {
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3,"x":[1,2');
    expect(await readJsonl(path)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('accepts a complete last line without a newline, and blank lines', async () => {
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"n":1}\n\n{"n":2}\r\n{"n":3}');
    expect(await readJsonl(path)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('throws naming the line for a corrupt line in the middle', async () => {
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3,,}\n{"n":4}\n');
    await expect(readJsonl(path)).rejects.toThrow(`${path}:3: not valid JSON`);
  });

  it('throws for a corrupt last line that did end in a newline', async () => {
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"n":1}\nnot json\n');
    await expect(readJsonl(path)).rejects.toThrow(':2:');
  });

  it('reads an empty file as no records', async () => {
    const path = join(dir, 'log.jsonl');
    await appendFile(path, '');
    expect(await readJsonl(path)).toEqual([]);
  });
});
