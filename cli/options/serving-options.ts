/**
 * The flags of the commands that serve locally (start, serve), declared once so that `--port`
 * and `--vectors` mean the same in both.
 */

import { FLAT_INDEX_ENCODINGS } from '../../core/model-files.ts';
import { oneOf, wholeNumber } from './kinds.ts';
import { option } from './option-table.ts';

export function servingOptions(group: string) {
  return {
    port: option({
      flag: 'port',
      kind: wholeNumber({ min: 1, max: 65535 }),
      default: 8787,
      help: 'where the worker listens',
      group,
    }),
    vectors: option({
      flag: 'vectors',
      value: 'E',
      kind: oneOf(FLAT_INDEX_ENCODINGS),
      default: 'float32',
      help: 'how the flat index stores vectors; int8 is 4x smaller',
      group,
    }),
  };
}
