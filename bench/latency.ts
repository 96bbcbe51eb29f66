/** What the latency benchmarks read from a run: quantiles, and the worker's own stage times. */

/** The q-quantile of an ascending list (the nearest-rank definition: p99 of 300 is the 297th). */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/**
 * The stages of a worker's `Server-Timing` header, in milliseconds by name; a stage named more
 * than once (a query by picture scans two indexes) is their sum.
 */
export function serverTiming(res: Response): Record<string, number> {
  const timing: Record<string, number> = {};
  for (const part of (res.headers.get('Server-Timing') ?? '').split(', ')) {
    const [name, dur] = part.split(';dur=');
    if (name) timing[name] = (timing[name] ?? 0) + Number(dur);
  }
  return timing;
}
