/**
 * Filling a region of the page from the API: loading state first, then the results or the
 * error. A region loads one thing at a time: a newer load cancels the older one, so a slow
 * answer to an old query never replaces the answer to the new one.
 */
import { doneLoading, errorAlert, showLoading } from './status.ts';

const inFlight = new WeakMap<HTMLElement, AbortController>();

export interface Load<T> {
  /** Fetch the data; give up when the signal aborts. */
  fetch: (signal: AbortSignal) => Promise<T>;
  /** What the region shows for the data. */
  render: (data: T) => Node[];
}

/** Loads into a region; resolves when the region shows the outcome or the load was replaced. */
export async function loadInto<T>(region: HTMLElement, load: Load<T>): Promise<void> {
  cancelLoad(region);
  const controller = new AbortController();
  inFlight.set(region, controller);
  showLoading(region);
  // "Try again", after a failure that may pass, runs this same load once more.
  const retry = () => void loadInto(region, load);
  let shown: Node[];
  try {
    shown = load.render(await load.fetch(controller.signal));
  } catch (error) {
    shown = [errorAlert(error, retry)];
  }
  if (controller.signal.aborted) return;
  inFlight.delete(region);
  region.replaceChildren(...shown);
  doneLoading(region);
}

/** Stops a region's load in flight, if any (its answer will be ignored). */
export function cancelLoad(region: HTMLElement): void {
  inFlight.get(region)?.abort();
  inFlight.delete(region);
}
