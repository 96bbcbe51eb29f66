import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NdjsonWriter } from '../../../trainer/export/ndjson-writer.ts';

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jointspace-ndjson-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function freshPath(): string {
  return join(dir, `vectors-${files++}.ndjson`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('NdjsonWriter', () => {
  it('writes one line per record and returns the count, size and SHA-256 of what is on disk', async () => {
    const path = freshPath();
    const out = await NdjsonWriter.create(path);
    const lines = ['{"id":"a","values":[1,0]}', '{"id":"b","values":[0,1]}', '{}'];
    for (const line of lines) await out.write(line);
    expect(out.count).toBe(3);
    const entry = await out.close();
    const onDisk = await readFile(path);
    expect(onDisk.toString('utf8')).toBe(`${lines.join('\n')}\n`);
    expect(entry).toEqual({ bytes: onDisk.length, sha256: sha256(onDisk) });
  });

  it('counts bytes in UTF-8, not characters', async () => {
    const path = freshPath();
    const out = await NdjsonWriter.create(path);
    await out.write('{"text":"café au lait ☕ 🚲"}');
    const entry = await out.close();
    // é is 2 bytes, ☕ 3, 🚲 4 (two UTF-16 units): 28 UTF-16 units, 34 bytes with the newline.
    expect(entry.bytes).toBe(34);
    expect((await stat(path)).size).toBe(34);
    expect(entry.sha256).toBe(sha256(await readFile(path)));
  });

  it('keeps every line and the checksum right across many megabyte chunks', async () => {
    const path = freshPath();
    const out = await NdjsonWriter.create(path);
    // 3,000 lines of about 1 kB (2.9 MiB): two full chunks on the way, and a partial one at close.
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `{"id":"${i}","pad":"${'x'.repeat(1000 + (i % 7))}"}`,
    );
    for (const line of lines) await out.write(line);
    const entry = await out.close();
    const onDisk = await readFile(path);
    expect(onDisk.length).toBeGreaterThan(2 << 20);
    expect(onDisk.toString('utf8').split('\n')).toEqual([...lines, '']);
    expect(entry).toEqual({ bytes: onDisk.length, sha256: sha256(onDisk) });
    expect(out.count).toBe(3000);
  });

  it('writes an empty file when given no lines', async () => {
    const path = freshPath();
    const out = await NdjsonWriter.create(path);
    expect(await out.close()).toEqual({
      bytes: 0,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect((await stat(path)).size).toBe(0);
    expect(out.count).toBe(0);
  });

  it('never overwrites an existing file', async () => {
    const path = freshPath();
    await writeFile(path, 'already here\n');
    await expect(NdjsonWriter.create(path)).rejects.toThrow(/EEXIST/);
    expect(await readFile(path, 'utf8')).toBe('already here\n');
  });

  it('abandons without writing what is still pending, and may be abandoned twice', async () => {
    const path = freshPath();
    const out = await NdjsonWriter.create(path);
    await out.write('{"id":"a"}');
    await out.abandon();
    await out.abandon(); // the second close fails inside and is ignored
    expect((await stat(path)).size).toBe(0);
  });
});
