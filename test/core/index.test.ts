import { describe, expect, it } from 'vitest';
import * as core from '../../core/index.ts';

describe('core barrel', () => {
  it('exports the whole API', () => {
    // Static accesses, so that a renamed export fails type checking as well as this test.
    const exported = [
      core.tokenize,
      core.isToken,
      core.sha256Hex,
      core.sha256HexSync,
      core.l2Norm,
      core.normalize,
      core.normalizeRows,
      core.dot,
      core.matVec,
      core.scoreMatrix,
      core.rowCount,
      core.topK,
      core.rankingMetrics,
      core.recallAtK,
      core.medianRank,
      core.meanRank,
      core.formatMetricsTable,
      core.composeAnalogy,
      core.rerankByCentroid,
      core.compareCodePoints,
      core.requirePositiveInteger,
      core.Vocabulary,
      core.JointspaceInputError,
      core.JointspaceFormatError,
      core.JointspaceIntegrityError,
    ];
    for (const value of exported) expect(typeof value).toBe('function');
    expect(core.TOKENIZER_ID).toBe('unicode-words-v1');
    expect([core.PAD_ID, core.UNK_ID, core.EOS_TOKEN, core.UNK_TOKEN]).toEqual([
      0,
      1,
      '<eos>',
      '<unk>',
    ]);
  });

  it('fits together: vocabulary, vectors, top-k and metrics on one tiny world', () => {
    const vocab = core.Vocabulary.build(['A red car.', 'A blue car!'].map(core.tokenize));
    expect(vocab.decode(vocab.encode('a RED car').ids)).toEqual(['a', 'red', 'car']);
    const images = core.normalizeRows(Float32Array.from([1, 0, 0, 1]), 2);
    const captions = core.normalizeRows(Float32Array.from([0.9, 0.1, 0.2, 0.8]), 2);
    const scores = core.scoreMatrix(images, captions, 2);
    expect(core.topK(core.matVec(captions, 2, images.subarray(0, 2)), 1)[0]?.index).toBe(0);
    const m = core.rankingMetrics(scores, 2, 2, { captionsPerImage: 1 });
    expect(m.rsum).toBe(600);
  });
});
