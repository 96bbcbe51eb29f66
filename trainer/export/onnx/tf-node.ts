import type { io } from '@tensorflow/tfjs-core';

/**
 * The nodes of a tfjs graph model (modelTopology.node: TensorFlow's NodeDef as JSON) and typed
 * readers for their attributes. Strings are base64 in that JSON and integers decimal strings;
 * every reader names the node and the attribute when a value is missing or of another kind, so
 * that a graph the converter was not written for fails loudly instead of converting wrongly.
 */

export class CnnConversionError extends Error {
  override readonly name = 'CnnConversionError';
}

/** One attribute value as the tfjs converter writes it. */
export interface TfAttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: TfShape;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[] };
  /** A Const's value: its dtype and shape (the numbers live in the weights). */
  tensor?: { dtype?: string; tensorShape?: TfShape };
}

interface TfShape {
  dim?: { size?: string | number }[];
  unknownRank?: boolean;
}

export interface TfNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, TfAttrValue>;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The nodes of a graph model's topology, checked for the fields the converter reads. */
export function graphNodes(artifacts: io.ModelArtifacts): TfNode[] {
  const topology = artifacts.modelTopology;
  if (!isRecord(topology) || !Array.isArray(topology.node)) {
    throw new CnnConversionError('the model is not a tfjs graph model (no modelTopology.node)');
  }
  return topology.node.map((raw: unknown, k: number) => {
    if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.op !== 'string') {
      throw new CnnConversionError(`graph node ${k} has no name or op`);
    }
    const input = raw.input ?? [];
    if (!Array.isArray(input) || !input.every((i) => typeof i === 'string')) {
      throw new CnnConversionError(`node ${raw.name}: its inputs are not a list of names`);
    }
    const attr = raw.attr ?? {};
    if (!isRecord(attr)) throw new CnnConversionError(`node ${raw.name}: attr is not an object`);
    return { name: raw.name, op: raw.op, input, attr: attr as Record<string, TfAttrValue> };
  });
}

function fail(node: TfNode, message: string): never {
  throw new CnnConversionError(`node ${node.name} (${node.op}): ${message}`);
}

/** Refuses an attribute the converter does not know: it might change what the op computes. */
export function onlyAttributes(node: TfNode, known: readonly string[]): void {
  for (const name of Object.keys(node.attr)) {
    if (!known.includes(name)) fail(node, `attribute ${name} is not supported`);
  }
}

function attribute(node: TfNode, name: string): TfAttrValue {
  const value = node.attr[name];
  if (value === undefined) fail(node, `attribute ${name} is missing`);
  return value;
}

function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

export function stringAttr(node: TfNode, name: string): string {
  const { s } = attribute(node, name);
  if (typeof s !== 'string') fail(node, `attribute ${name} is not a string`);
  return decodeBase64(s);
}

export function intAttr(node: TfNode, name: string): number {
  const { i } = attribute(node, name);
  const n = Number(i);
  if (i === undefined || !Number.isSafeInteger(n))
    fail(node, `attribute ${name} is not an integer`);
  return n;
}

export function intsAttr(node: TfNode, name: string): number[] {
  const list = attribute(node, name).list;
  const values = (list?.i ?? []).map(Number);
  if (!list || list.s || list.f || !values.every(Number.isSafeInteger)) {
    fail(node, `attribute ${name} is not a list of integers`);
  }
  return values;
}

export function stringsAttr(node: TfNode, name: string): string[] {
  const list = attribute(node, name).list;
  if (!list || list.i || list.f) fail(node, `attribute ${name} is not a list of strings`);
  return (list.s ?? []).map(decodeBase64);
}

export function typeAttr(node: TfNode, name: string): string {
  const { type } = attribute(node, name);
  if (typeof type !== 'string') fail(node, `attribute ${name} is not a type`);
  return type;
}

function dimsOf(node: TfNode, name: string, shape: TfShape | undefined): number[] {
  if (!shape || shape.unknownRank) fail(node, `attribute ${name} is not a shape of known rank`);
  return (shape.dim ?? []).map((d) => Number(d.size ?? -1));
}

/** A shape attribute's dims (-1 for an unknown size). */
export function shapeAttr(node: TfNode, name: string): number[] {
  return dimsOf(node, name, attribute(node, name).shape);
}

/** A tensor attribute's dtype and dims (a Const's `value`: the numbers are in the weights). */
export function tensorAttr(node: TfNode, name: string): { dtype: string; dims: number[] } {
  const { tensor } = attribute(node, name);
  if (!tensor || typeof tensor.dtype !== 'string') fail(node, `attribute ${name} is not a tensor`);
  return { dtype: tensor.dtype, dims: dimsOf(node, name, tensor.tensorShape) };
}

export { fail as failAt };
