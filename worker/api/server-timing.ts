/**
 * Time spent per stage of a request, sent back as a `Server-Timing` header (browsers' devtools
 * show it; the benchmark reads it). Inside workerd the clock moves during CPU work only when run
 * locally; deployed, it moves only across I/O, so these numbers are for local measurement.
 */
export class ServerTiming {
  private readonly entries = new Map<string, number>();

  /** Runs `work` and adds its duration to the stage `name`. */
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.entries.set(name, (this.entries.get(name) ?? 0) + performance.now() - start);
    }
  }

  header(): string {
    return [...this.entries].map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(', ');
  }

  /** The response with the header added (when anything was timed). */
  attach(response: Response): Response {
    if (this.entries.size === 0) return response;
    const out = new Response(response.body, response);
    out.headers.set('Server-Timing', this.header());
    return out;
  }
}
