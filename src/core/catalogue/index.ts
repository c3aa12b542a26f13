/**
 * The operation catalogue: the one table of operations. The UI builds its controls from it, the
 * recipe validator checks against it, the tile planner reads halos from it, and each engine
 * registers one function per name (tests check that every entry has one). Entries live in one
 * file per category; this module assembles them and rejects duplicates.
 *
 * Numeric conventions shared by every 'kernel' operation (so results are checkable):
 * - 8-bit in, 8-bit out, one colour plane at a time; an alpha channel (2nd of 2, 4th of 4)
 *   passes through unchanged.
 * - Borders are reflect-101 (…c b | a b c … — the edge pixel is not repeated), as OpenCV's
 *   BORDER_REFLECT_101 and NumPy's 'reflect', unless an entry's definition says otherwise.
 * - Each operation rounds its exact (or float64) result half-to-even and clips to 0–255, so a
 *   chain of operations equals the chain of their individual definitions.
 */
import { CV_OPS } from './cv';
import { FACE_OPS } from './faces';
import { REGION_OPS } from './regions';
import { checkRegionsParam } from './helpers';
import { FILTER_OPS } from './filters';
import { TONE_OPS } from './tone';
import { TRANSFORM_OPS } from './transforms';
import { WATERMARK_OPS } from './watermark';
import type { EngineName, OperationSpec, Params, ParamsOf } from './types';

export * from './types';

/** Every entry with its literal name, engine and param specs. */
type Entry =
  | (typeof TONE_OPS)[number]
  | (typeof FILTER_OPS)[number]
  | (typeof CV_OPS)[number]
  | (typeof FACE_OPS)[number]
  | (typeof REGION_OPS)[number]
  | (typeof TRANSFORM_OPS)[number]
  | (typeof WATERMARK_OPS)[number];

export type OpName = Entry['name'];
/** The catalogue entry of an op, with its param specs' literal types. */
export type OpSpec<N extends OpName> = Extract<Entry, { name: N }>;
/** An op's validated params, typed from its specs (for a union of ops: the params they share). */
export type OpParams<N extends OpName> = ParamsOf<OpSpec<N>['params']>;
/** The ops an engine computes. */
export type EngineOpName<E extends EngineName> = Extract<Entry, { engine: E }>['name'];

const OPERATIONS: readonly OperationSpec[] = [
  ...TONE_OPS,
  ...FILTER_OPS,
  ...CV_OPS,
  ...FACE_OPS,
  ...REGION_OPS,
  ...TRANSFORM_OPS,
  ...WATERMARK_OPS,
];

const BY_NAME = new Map<string, OperationSpec>();
for (const op of OPERATIONS) {
  if (BY_NAME.has(op.name)) throw new Error(`operation "${op.name}" is listed twice in the catalogue`);
  BY_NAME.set(op.name, op);
}

export function operations(): readonly OperationSpec[] {
  return OPERATIONS;
}

export function getOperation<N extends OpName>(name: N): OpSpec<N>;
export function getOperation(name: string): OperationSpec | undefined;
export function getOperation(name: string): OperationSpec | undefined {
  return BY_NAME.get(name);
}

/**
 * The op's param holding regions the user marks on the picture (a regionsParam: Hide regions'
 * `regions`, the face steps' `keep`), or undefined: what the studio's marking panel edits and the
 * video job follows.
 */
export function regionsParamOf(op: string): string | undefined {
  const params = BY_NAME.get(op)?.params ?? {};
  return Object.keys(params).find((k) => {
    const p = params[k];
    return p.type === 'text' && p.check === checkRegionsParam;
  });
}

/**
 * A resolved step's params typed from its op's spec. The op is checked here; the values were
 * validated against that spec when the step was resolved (validateParams / resolveSteps), which
 * is what the type promises. With several ops: the params they share (detect/redact-faces).
 */
export function stepParams<N extends OpName>(step: { op: string; params: Params }, ...ops: N[]): OpParams<N> {
  if (!(ops as string[]).includes(step.op)) throw new Error(`expected a ${ops.join(' or ')} step, got "${step.op}"`);
  return step.params as OpParams<N>;
}
