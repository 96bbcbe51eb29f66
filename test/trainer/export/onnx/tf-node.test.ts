import type { io } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CnnConversionError,
  graphNodes,
  intAttr,
  intsAttr,
  onlyAttributes,
  shapeAttr,
  stringAttr,
  stringsAttr,
  type TfNode,
  tensorAttr,
  typeAttr,
} from '../../../../trainer/export/onnx/tf-node.ts';

/** A node's attributes as the tfjs converter writes them: base64 strings, decimal integers. */

const b64 = (s: string) => Buffer.from(s).toString('base64');

const CONV: TfNode = {
  name: 'net/conv',
  op: '_FusedConv2D',
  input: ['x', 'w', 'b'],
  attr: {
    padding: { s: b64('SAME') },
    num_args: { i: '1' },
    strides: { list: { i: ['1', '2', '2', '1'] } },
    explicit_paddings: { list: {} },
    fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu6')] } },
    T: { type: 'DT_FLOAT' },
    shape: { shape: { dim: [{ size: '-1' }, { size: '224' }, { size: '3' }] } },
    value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }, { size: 4 }] } } },
  },
};

describe('attribute readers', () => {
  it('decode strings, integers, lists, types, shapes and tensors', () => {
    expect(stringAttr(CONV, 'padding')).toBe('SAME');
    expect(intAttr(CONV, 'num_args')).toBe(1);
    expect(intsAttr(CONV, 'strides')).toEqual([1, 2, 2, 1]);
    expect(intsAttr(CONV, 'explicit_paddings')).toEqual([]);
    expect(stringsAttr(CONV, 'fused_ops')).toEqual(['BiasAdd', 'Relu6']);
    expect(typeAttr(CONV, 'T')).toBe('DT_FLOAT');
    expect(shapeAttr(CONV, 'shape')).toEqual([-1, 224, 3]);
    expect(tensorAttr(CONV, 'value')).toEqual({ dtype: 'DT_FLOAT', dims: [3, 4] });
  });

  it('name the node and the attribute when one is missing or of another kind', () => {
    expect(() => stringAttr(CONV, 'data_format')).toThrow(
      new CnnConversionError('node net/conv (_FusedConv2D): attribute data_format is missing'),
    );
    expect(() => stringAttr(CONV, 'num_args')).toThrow(/attribute num_args is not a string/);
    expect(() => intAttr(CONV, 'padding')).toThrow(/attribute padding is not an integer/);
    expect(() => intsAttr(CONV, 'fused_ops')).toThrow(/fused_ops is not a list of integers/);
    expect(() => stringsAttr(CONV, 'strides')).toThrow(/strides is not a list of strings/);
    expect(() => typeAttr(CONV, 'padding')).toThrow(/padding is not a type/);
    expect(() => shapeAttr(CONV, 'T')).toThrow(/T is not a shape of known rank/);
    expect(() => tensorAttr(CONV, 'T')).toThrow(/T is not a tensor/);
  });

  it('refuse an attribute the converter does not know', () => {
    expect(() => onlyAttributes(CONV, ['padding'])).toThrow(
      /node net\/conv \(_FusedConv2D\): attribute num_args is not supported/,
    );
    expect(() => onlyAttributes(CONV, Object.keys(CONV.attr))).not.toThrow();
  });
});

describe('graphNodes', () => {
  const artifacts = (node: unknown) => ({ modelTopology: { node } }) as io.ModelArtifacts;

  it('reads name, op, inputs and attributes, defaulting the optional ones', () => {
    expect(graphNodes(artifacts([{ name: 'input', op: 'Placeholder' }, CONV]))).toEqual([
      { name: 'input', op: 'Placeholder', input: [], attr: {} },
      CONV,
    ]);
  });

  it('refuses what is not a graph model, and nodes without the fields it reads', () => {
    expect(() => graphNodes({ modelTopology: { config: {} } } as io.ModelArtifacts)).toThrow(
      /not a tfjs graph model/,
    );
    expect(() => graphNodes(artifacts([{ op: 'Const' }]))).toThrow(/graph node 0 has no name/);
    expect(() => graphNodes(artifacts([{ name: 'a', op: 'Mul', input: [3] }]))).toThrow(
      /node a: its inputs are not a list of names/,
    );
    expect(() => graphNodes(artifacts([{ name: 'a', op: 'Mul', attr: [] }]))).toThrow(
      /node a: attr is not an object/,
    );
  });
});
