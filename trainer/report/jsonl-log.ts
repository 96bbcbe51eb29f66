import { type FileHandle, open, readFile } from 'node:fs/promises';

/**
 * A JSON Lines log: one JSON object per line, each line written whole by a single append, in the
 * order write() was called. Opened with `append: true` a resumed run continues the same file; if
 * the previous run crashed mid-line, that partial last line is cut off first, so the file stays
 * readable line by line.
 */
export class JsonlLog {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** `append: false` starts the file afresh; `append: true` (the default) continues it. */
  static async open(path: string, options: { append?: boolean } = {}): Promise<JsonlLog> {
    const append = options.append ?? true;
    if (append) await dropPartialLastLine(path);
    const handle = await open(path, append ? 'a' : 'w');
    return new JsonlLog(handle, path);
  }

  /**
   * Appends one record as one line. Writes are queued, so calls need not be awaited one by one;
   * the promise settles when this record is in the file (handed to the OS, not fsync'd).
   */
  write(record: object): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.path}: log is closed`));
    const line = `${JSON.stringify(record)}\n`;
    const written = this.chain.then(() => this.handle.appendFile(line, 'utf8'));
    // A failed write rejects its own promise; later writes still run.
    this.chain = written.catch(() => {});
    return written;
  }

  /** Waits for queued writes, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await this.handle.close();
  }
}

/** Truncates a file that does not end in '\n' after its last '\n' (or to empty). */
async function dropPartialLastLine(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return;
    const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    while (end > 0) {
      const from = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - from, from);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        const keep = from + newline + 1;
        if (keep < size) await handle.truncate(keep);
        return;
      }
      end = from;
    }
    await handle.truncate(0);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a JSON Lines file. Blank lines are skipped. An unfinished last line (no '\n' after it: a
 * crash mid-write) that does not parse is ignored; a line that does not parse anywhere else is
 * corruption and throws an error that names the file and the line number.
 */
export async function readJsonl(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  const values: unknown[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      const unfinished = i === lines.length - 1;
      if (unfinished) break;
      throw new Error(`${path}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
  }
  return values;
}
