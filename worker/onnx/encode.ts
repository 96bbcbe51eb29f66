/**
 * Typed calls into the exported models (DESIGN.md's contract):
 * - sentence encoder: `token_ids` int64 [batch, sequence], 0-padded at the end, 1 = `<unk>`
 *   -> `sentence_vector` float32 [batch, D];
 * - image projection: `image_features` float32 [batch, F] -> `image_vector` float32 [batch, D];
 * - image encoder: `pixels` uint8 [batch, 224, 224, 3] (core/picture-pixels.ts's PICTURE_INPUT)
 *   -> `image_vector` float32 [batch, D].
 * A model that does not match the contract fails with JointspaceFormatError; a caller's bad input
 * with JointspaceInputError, before anything runs.
 */
import { JointspaceFormatError, JointspaceInputError } from '../../core/errors.ts';
import {
  IMAGE_ENCODER_IO,
  IMAGE_PROJECTION_IO,
  SENTENCE_ENCODER_IO,
} from '../../core/model-files.ts';
import { PICTURE_INPUT } from '../../core/picture-pixels.ts';
import { rowCount } from '../../core/vectors.ts';
import { exclusive, type InferenceSession, Tensor } from './ort-runtime.ts';

const { input: SENTENCE_INPUT, output: SENTENCE_OUTPUT } = SENTENCE_ENCODER_IO;
const { input: IMAGE_INPUT, output: IMAGE_OUTPUT } = IMAGE_PROJECTION_IO;
const { input: PIXELS_INPUT, output: PIXELS_OUTPUT } = IMAGE_ENCODER_IO;

function requireNames(session: InferenceSession, input: string, output: string, what: string) {
  if (!session.inputNames.includes(input)) {
    throw new JointspaceFormatError(
      `${what} has no input "${input}" (inputs: ${session.inputNames.join(', ')})`,
    );
  }
  if (!session.outputNames.includes(output)) {
    throw new JointspaceFormatError(
      `${what} has no output "${output}" (outputs: ${session.outputNames.join(', ')})`,
    );
  }
}

/** Runs and returns the output as a [rows, D] float32 matrix, checking what the model gave. */
async function runMatrix(
  session: InferenceSession,
  feeds: Record<string, InstanceType<typeof Tensor>>,
  output: string,
  rows: number,
): Promise<{ data: Float32Array; dim: number }> {
  // One ORT call at a time in the isolate (ort-runtime.ts's exclusive).
  const result = (await exclusive(() => session.run(feeds)))[output];
  if (result === undefined) throw new JointspaceFormatError(`the model returned no "${output}"`);
  const [outRows, dim] = result.dims;
  if (!(result.data instanceof Float32Array) || result.dims.length !== 2 || dim === undefined) {
    throw new JointspaceFormatError(
      `"${output}" must be float32 [batch, D], got ${result.type} [${result.dims.join(', ')}]`,
    );
  }
  if (outRows !== rows) {
    throw new JointspaceFormatError(`"${output}" has ${outRows} rows for a batch of ${rows}`);
  }
  return { data: result.data, dim };
}

/**
 * Encodes a batch of sentences (token ids, no padding) into one vector each. Rows are padded
 * with 0 to the longest; an empty sentence gives what the model gives for no tokens (a zero
 * vector for the exported encoders). Any length works: the sequence dimension is dynamic.
 */
export async function encodeSentences(
  session: InferenceSession,
  sentences: readonly Int32Array[],
): Promise<Float32Array[]> {
  requireNames(session, SENTENCE_INPUT, SENTENCE_OUTPUT, 'the sentence encoder');
  if (sentences.length === 0) return [];
  let width = 1; // at least one column: a zero-width tensor is an edge case not worth risking
  for (const s of sentences) width = Math.max(width, s.length);
  const ids = new BigInt64Array(sentences.length * width); // zero-filled: the padding
  sentences.forEach((sentence, row) => {
    sentence.forEach((id, t) => {
      // 0 inside a sentence would be read as padding and cut it short (or shift LSTM lengths).
      if (id < 1) {
        throw new JointspaceInputError(
          `sentence ${row}, token ${t}: id ${id} is not a word id (0 is padding; ids start at 1)`,
        );
      }
      ids[row * width + t] = BigInt(id);
    });
  });
  const tokens = new Tensor('int64', ids, [sentences.length, width]);
  const { data, dim } = await runMatrix(
    session,
    { [SENTENCE_INPUT]: tokens },
    SENTENCE_OUTPUT,
    sentences.length,
  );
  return sentences.map((_, row) => data.slice(row * dim, (row + 1) * dim));
}

/** Encodes one sentence: `encodeSentences` for a batch of one, without padding. */
export async function encodeSentence(
  session: InferenceSession,
  ids: Int32Array,
): Promise<Float32Array> {
  const [vector] = await encodeSentences(session, [ids]);
  return vector!;
}

/**
 * Projects CNN features into the joint space. `features` is row-major [batch, dim]; the result
 * is row-major [batch, D]. `dim` must equal the model's F when the model states it.
 */
export async function projectImages(
  session: InferenceSession,
  features: Float32Array,
  dim: number,
): Promise<Float32Array> {
  requireNames(session, IMAGE_INPUT, IMAGE_OUTPUT, 'the image projection');
  const rows = rowCount(features, dim, 'image features');
  const input = session.inputMetadata.find((m) => m.name === IMAGE_INPUT);
  const expected = input?.isTensor ? input.shape[1] : undefined;
  if (typeof expected === 'number' && expected !== dim) {
    throw new JointspaceInputError(
      `the image projection takes ${expected} features per image, got dim ${dim}`,
    );
  }
  if (rows === 0) return new Float32Array(0);
  const tensor = new Tensor('float32', features, [rows, dim]);
  const { data } = await runMatrix(session, { [IMAGE_INPUT]: tensor }, IMAGE_OUTPUT, rows);
  return data;
}

/**
 * Encodes pictures, each the image encoder's input (PICTURE_INPUT: uint8 RGB 224 x 224, as
 * core's fitPicture makes it), row-major [batch, 224, 224, 3]; the result is [batch, D].
 */
export async function encodePictures(
  session: InferenceSession,
  pixels: Uint8Array,
): Promise<Float32Array> {
  requireNames(session, PIXELS_INPUT, PIXELS_OUTPUT, 'the image encoder');
  const { height, width, channels } = PICTURE_INPUT;
  const size = height * width * channels;
  if (pixels.length % size !== 0) {
    throw new JointspaceInputError(
      `pictures have ${pixels.length} values, not a whole number of ${height} x ${width} x ${channels} pictures`,
    );
  }
  const rows = pixels.length / size;
  if (rows === 0) return new Float32Array(0);
  const tensor = new Tensor('uint8', pixels, [rows, height, width, channels]);
  const { data } = await runMatrix(session, { [PIXELS_INPUT]: tensor }, PIXELS_OUTPUT, rows);
  return data;
}
