/**
 * The parse and validation caches of yoga, bounded. yoga's own caches hold 1,024 documents of
 * any size: 1,024 distinct 255 KB queries grew an isolate by 300 MB (a deployed isolate has
 * 128 MB). These hold only documents up to MAX_CACHED_CHARACTERS long (real queries are a few
 * hundred; a query that inlines a long feature vector is parsed each time instead), at most
 * MAX_CACHED_DOCUMENTS of them, the least recently used going first: their text is bounded by
 * 256 x 8 KiB = 2 MiB, their parsed documents by a small multiple of that.
 */

export const MAX_CACHED_DOCUMENTS = 256;
export const MAX_CACHED_CHARACTERS = 8 * 1024;

export class BoundedCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(
    private readonly maxEntries = MAX_CACHED_DOCUMENTS,
    private readonly maxKeyCharacters = MAX_CACHED_CHARACTERS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    if (key.length > this.maxKeyCharacters) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

/** yoga's parserAndValidationCache option, bounded. */
export function boundedParserCache() {
  return {
    documentCache: new BoundedCache<import('graphql').DocumentNode>(),
    errorCache: new BoundedCache<unknown>(),
    validationCache: true,
  };
}
