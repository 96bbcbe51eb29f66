/**
 * The records a training run writes to its JSONL log (one per line), and a tolerant reader that
 * turns parsed lines back into them. Other kinds of line (a run header, checkpoints, ...) may sit
 * in the same log; they are skipped here.
 */

import type { DirectionMetrics, RankingMetrics } from '../../core/metrics.ts';

/** Retrieval results in one direction. Recalls are percentages (0-100), median rank is 1-based. */
export type RecallSet = { r1: number; r5: number; r10: number; medianRank: number };

/**
 * One training update (or the mean over a few): `loss` may be NaN when training diverged, and
 * `seconds` is the time the update took. In every record `update` counts from 1 and `epoch` is
 * the epoch as people read it (1 is the first): the plot shows it as it is.
 */
export type TrainRecord = {
  kind: 'train';
  update: number;
  epoch: number;
  loss: number;
  seconds?: number;
};

/**
 * One validation pass. `annotation` is image -> text, `search` is text -> image, and `rsum` is the
 * sum of the six recalls (R@1, R@5, R@10 in both directions): the model-selection score.
 */
export type ValRecord = {
  kind: 'val';
  update: number;
  epoch: number;
  rsum: number;
  annotation: RecallSet;
  search: RecallSet;
};

export type TrainingRecord = TrainRecord | ValRecord;

/** The log record of one validation: the paper's table without the per-query ranks. */
export function valRecordOf(metrics: RankingMetrics, update: number, epoch: number): ValRecord {
  const pick = (d: DirectionMetrics): RecallSet => ({
    r1: d.r1,
    r5: d.r5,
    r10: d.r10,
    medianRank: d.medianRank,
  });
  return {
    kind: 'val',
    update,
    epoch,
    rsum: metrics.rsum,
    annotation: pick(metrics.annotation),
    search: pick(metrics.search),
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isNumber = (x: unknown): x is number => typeof x === 'number';

function isRecallSet(x: unknown): x is RecallSet {
  return (
    isObject(x) && isNumber(x.r1) && isNumber(x.r5) && isNumber(x.r10) && isNumber(x.medianRank)
  );
}

/**
 * Picks the training records out of parsed log lines. JSON has no NaN or Infinity (JSON.stringify
 * writes them as null), so a train record whose loss is null reads back as NaN. Lines of other
 * kinds are skipped silently; a 'train' or 'val' line with missing fields counts as `malformed`.
 */
export function toTrainingRecords(values: readonly unknown[]): {
  records: TrainingRecord[];
  malformed: number;
} {
  const records: TrainingRecord[] = [];
  let malformed = 0;
  for (const v of values) {
    if (!isObject(v) || (v.kind !== 'train' && v.kind !== 'val')) continue;
    if (!isNumber(v.update) || !isNumber(v.epoch)) {
      malformed++;
    } else if (v.kind === 'train') {
      if (isNumber(v.loss) || v.loss === null) {
        const r: TrainRecord = {
          kind: 'train',
          update: v.update,
          epoch: v.epoch,
          loss: v.loss ?? Number.NaN,
        };
        if (isNumber(v.seconds)) r.seconds = v.seconds;
        records.push(r);
      } else {
        malformed++;
      }
    } else if (isNumber(v.rsum) && isRecallSet(v.annotation) && isRecallSet(v.search)) {
      records.push({
        kind: 'val',
        update: v.update,
        epoch: v.epoch,
        rsum: v.rsum,
        annotation: v.annotation,
        search: v.search,
      });
    } else {
      malformed++;
    }
  }
  return { records, malformed };
}

/**
 * Keeps what the latest run says. A resumed run restarts from a checkpoint and logs the updates
 * after it again: a record whose update is not past the previous one of its kind replaces every
 * earlier record of that kind from that update on. File order in, update order out per kind.
 */
export function latestRun<T extends { kind: string; update: number }>(records: readonly T[]): T[] {
  const byKind = new Map<string, T[]>();
  for (const r of records) {
    let kept = byKind.get(r.kind);
    if (kept === undefined) {
      kept = [];
      byKind.set(r.kind, kept);
    }
    while (kept.length > 0 && (kept[kept.length - 1] as T).update >= r.update) kept.pop();
    kept.push(r);
  }
  return [...byKind.values()].flat();
}
