import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { ManifestFile } from '../../core/manifest.ts';

/**
 * Writes a vector file line by line, with bounded memory (a Flickr8k LSTM-1024 export is
 * hundreds of megabytes), hashing as it goes so that the manifest's checksum costs no second
 * read. Lines are gathered into chunks of about a megabyte per write.
 */
export class NdjsonWriter {
  private pending: string[] = [];
  private pendingBytes = 0;
  private bytes = 0;
  private readonly hash = createHash('sha256');
  count = 0;

  private constructor(private readonly file: FileHandle) {}

  static async create(path: string): Promise<NdjsonWriter> {
    return new NdjsonWriter(await open(path, 'wx'));
  }

  async write(line: string): Promise<void> {
    this.pending.push(line, '\n');
    this.pendingBytes += line.length + 1;
    this.count++;
    if (this.pendingBytes >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    await this.file.write(chunk);
  }

  /** Flushes to disk and closes; returns the file's size and SHA-256. */
  async close(): Promise<ManifestFile> {
    await this.flush();
    await this.file.sync();
    await this.file.close();
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Closes without caring for the content (the export failed and its folder goes away). */
  async abandon(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}
