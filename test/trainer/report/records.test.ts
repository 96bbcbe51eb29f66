import { describe, expect, it } from 'vitest';
import { latestRun, toTrainingRecords } from '../../../trainer/report/records.ts';

const recalls = { r1: 1, r5: 2, r10: 3, medianRank: 4 };

describe('toTrainingRecords', () => {
  it('keeps train and val records, reads a null loss as NaN, skips other kinds', () => {
    const { records, malformed } = toTrainingRecords([
      { kind: 'config', lr: 0.0002 },
      { kind: 'train', update: 1, epoch: 1, loss: 3, seconds: 0.5, extra: true },
      { kind: 'train', update: 2, epoch: 1, loss: null },
      { kind: 'val', update: 2, epoch: 1, rsum: 12, annotation: recalls, search: recalls },
      { kind: 'train', update: 3, epoch: 1 },
      { kind: 'val', update: 3, epoch: 1, rsum: 12, annotation: recalls },
      null,
      'text',
      [1, 2],
    ]);
    expect(records).toEqual([
      { kind: 'train', update: 1, epoch: 1, loss: 3, seconds: 0.5 },
      { kind: 'train', update: 2, epoch: 1, loss: Number.NaN },
      { kind: 'val', update: 2, epoch: 1, rsum: 12, annotation: recalls, search: recalls },
    ]);
    expect(malformed).toBe(2);
  });
});

describe('latestRun', () => {
  it('leaves an increasing log as it is', () => {
    const log = [1, 2, 3].map((update) => ({ kind: 'train', update }));
    expect(latestRun(log)).toEqual(log);
  });

  it('drops what a resumed run logs again, per kind', () => {
    const log = [
      { kind: 'train', update: 1, run: 1 },
      { kind: 'val', update: 2, run: 1 },
      { kind: 'train', update: 2, run: 1 },
      { kind: 'train', update: 3, run: 1 },
      { kind: 'val', update: 4, run: 1 },
      { kind: 'train', update: 4, run: 1 },
      // Resumed from the checkpoint at update 2.
      { kind: 'train', update: 3, run: 2 },
      { kind: 'val', update: 4, run: 2 },
      { kind: 'train', update: 4, run: 2 },
    ];
    expect(latestRun(log).map((r) => `${r.kind}${r.update}/${r.run}`)).toEqual([
      'train1/1',
      'train2/1',
      'train3/2',
      'train4/2',
      'val2/1',
      'val4/2',
    ]);
  });
});
