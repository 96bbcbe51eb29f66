import { SENTENCE_ENCODER_IO } from '../../../core/model-files.ts';
import type { ModelConfig } from '../../model/config.ts';
import { matrix, type StoredWeights, vector } from '../stored-weights.ts';
import { permuteColumnBlocks, transposeStored } from '../weight-precision.ts';
import { DataType, GraphBuilder } from './graph-builder.ts';
import { l2Normalize, NORM_EPS } from './normalize.ts';

/**
 * The sentence encoder as an ONNX graph: token ids in (int64 [batch, sequence]; 0 pads the end
 * of shorter sentences, 1 is an unknown word), unit-length sentence vectors out ([batch, D]).
 * It computes exactly what trainer/model/model.ts computes:
 *
 *   lstm / gru  ids -> embedding -> ONNX LSTM / GRU with sequence_lens = the count of non-padding
 *               ids -> Y_h, the hidden state after each sentence's last real token;
 *   bow         sum of the word vectors of known ids (> 1);
 *   mean        that sum divided by the count of known ids (at least 1), times mean.W;
 *
 * then x / sqrt(|x|^2 + eps), the trainer's normalisation, eps included.
 *
 * Gate order. The trainer keeps an LSTM's gates as column blocks [i, f, g, o]; ONNX's LSTM
 * wants W, R and B as row blocks [i, o, f, c] (c being g, the cell candidate). Its GRU wants
 * [z, r, h], the trainer's order already, and the candidate n = tanh(x Wn + (r * h) Rn + b) is
 * ONNX's linear_before_reset = 0. The parity tests run these graphs in ONNX Runtime against the
 * trainer with weights where every gate differs.
 */

/** Our LSTM column blocks, in the order ONNX lists its gates: i, o, f, g. */
const LSTM_ONNX_GATES = [0, 3, 1, 2];

export function buildSentenceEncoder(
  config: ModelConfig,
  weights: StoredWeights,
  metadata: Record<string, string>,
): Uint8Array {
  const g = new GraphBuilder(`jointspace_${config.encoder}_sentence_encoder`);
  const ids = g.input(SENTENCE_ENCODER_IO.input, DataType.INT64, ['batch', 'sequence']);
  let x: string;
  switch (config.encoder) {
    case 'lstm':
      x = lstm(g, config, weights, ids);
      break;
    case 'gru':
      x = gru(g, config, weights, ids);
      break;
    case 'bow':
      x = knownWordSum(g, weights, ids).sum;
      break;
    case 'mean': {
      const { sum, mask } = knownWordSum(g, weights, ids);
      const count = g.node(
        'ReduceSum',
        [mask, g.int64('axis1', [1])],
        { keepdims: 1 },
        'known_count',
      );
      const atLeastOne = g.node('Max', [count, g.float('one', [], new Float32Array([1]))]);
      const mean = g.node('Div', [sum, atLeastOne], {}, 'mean');
      x = g.node('MatMul', [
        mean,
        g.weight('mean_W', matrix(weights, 'mean.W'), [config.wordDim, config.jointDim]),
      ]);
      break;
    }
  }
  g.alias(l2Normalize(g, x), SENTENCE_ENCODER_IO.output);
  g.output(SENTENCE_ENCODER_IO.output, DataType.FLOAT, ['batch', config.jointDim]);
  return g.encode(
    {
      ...metadata,
      encoder: config.encoder,
      dimension: String(config.jointDim),
      normEps: String(NORM_EPS),
    },
    `jointspace ${config.encoder} sentence encoder: ${SENTENCE_ENCODER_IO.input} (int64 [batch, sequence], 0 = padding at the end, 1 = unknown word) -> ${SENTENCE_ENCODER_IO.output} (float32 [batch, ${config.jointDim}], unit length)`,
  );
}

/** Real tokens per sentence, int32 [batch]: the recurrent ops' sequence_lens. */
function sequenceLengths(g: GraphBuilder, ids: string): string {
  const real = g.node('Greater', [
    ids,
    g.tensor('pad_id', DataType.INT64, [], new BigInt64Array([0n])),
  ]);
  const asInt = g.node('Cast', [real], { to: DataType.INT32 });
  return g.node('ReduceSum', [asInt, g.int64('axis1', [1])], { keepdims: 0 }, 'sequence_lens');
}

/** Word vectors time-major, [sequence, batch, E], as the recurrent ops read them. */
function timeMajorEmbeddings(
  g: GraphBuilder,
  config: ModelConfig,
  weights: StoredWeights,
  ids: string,
): string {
  const table = g.weight('embedding', matrix(weights, 'embedding'), [
    config.vocabSize,
    config.wordDim,
  ]);
  const idsT = g.node('Transpose', [ids], { perm: [1, 0] }, 'ids_time_major');
  return g.node('Gather', [table, idsT], { axis: 0 }, 'word_vectors');
}

function lstm(g: GraphBuilder, config: ModelConfig, weights: StoredWeights, ids: string): string {
  const H = config.jointDim;
  const E = config.wordDim;
  const lens = sequenceLengths(g, ids);
  const x = timeMajorEmbeddings(g, config, weights, ids);
  // [E, 4H] column blocks [i f g o] -> [4H, E] row blocks [i o f g].
  const onnxLayout = (name: string) =>
    transposeStored(permuteColumnBlocks(matrix(weights, name), LSTM_ONNX_GATES, H));
  const W = g.weight('W', onnxLayout('lstm.Wx'), [1, 4 * H, E]);
  const R = g.weight('R', onnxLayout('lstm.Wh'), [1, 4 * H, H]);
  const b = vector(weights, 'lstm.b');
  const B = new Float32Array(8 * H); // [Wb, Rb]: the trainer has one bias, Rb stays zero.
  LSTM_ONNX_GATES.forEach((gate, k) => {
    B.set(b.subarray(gate * H, (gate + 1) * H), k * H);
  });
  const [, yh] = g.nodeN(
    'LSTM',
    [x, W, R, g.float('B', [1, 8 * H], B), lens],
    3,
    { hidden_size: H },
    'lstm',
  );
  return g.node('Squeeze', [yh as string, g.int64('axis0', [0])], {}, 'last_hidden');
}

function gru(g: GraphBuilder, config: ModelConfig, weights: StoredWeights, ids: string): string {
  const H = config.jointDim;
  const E = config.wordDim;
  const lens = sequenceLengths(g, ids);
  const x = timeMajorEmbeddings(g, config, weights, ids);
  const W = g.weight('W', transposeStored(matrix(weights, 'gru.Wx')), [1, 3 * H, E]);
  // R's rows: [z r] from Whzr, then h from Whn, each transposed to [units, H].
  const Rzr = g.weight('R_zr', transposeStored(matrix(weights, 'gru.Whzr')), [2 * H, H]);
  const Rh = g.weight('R_h', transposeStored(matrix(weights, 'gru.Whn')), [H, H]);
  const R = g.node(
    'Unsqueeze',
    [g.node('Concat', [Rzr, Rh], { axis: 0 }), g.int64('axis0', [0])],
    {},
    'R',
  );
  const B = new Float32Array(6 * H);
  B.set(vector(weights, 'gru.b'));
  const [, yh] = g.nodeN('GRU', [x, W, R, g.float('B', [1, 6 * H], B), lens], 2, {
    hidden_size: H,
    linear_before_reset: 0,
  });
  return g.node('Squeeze', [yh as string, g.int64('axis0', [0])], {}, 'last_hidden');
}

/** Sum of the vectors of known words (id > 1), [batch, width], and the mask [batch, sequence]. */
function knownWordSum(
  g: GraphBuilder,
  weights: StoredWeights,
  ids: string,
): { sum: string; mask: string } {
  const table = matrix(weights, 'embedding');
  const tableValue = g.weight('embedding', table, [table.rows, table.cols]);
  const known = g.node('Greater', [
    ids,
    g.tensor('unk_id', DataType.INT64, [], new BigInt64Array([1n])),
  ]);
  const mask = g.node('Cast', [known], { to: DataType.FLOAT }, 'known_mask');
  const vectors = g.node('Gather', [tableValue, ids], { axis: 0 }, 'word_vectors');
  const masked = g.node('Mul', [vectors, g.node('Unsqueeze', [mask, g.int64('axis2', [2])])]);
  return {
    sum: g.node('ReduceSum', [masked, g.int64('axis1', [1])], { keepdims: 0 }, 'known_sum'),
    mask,
  };
}
