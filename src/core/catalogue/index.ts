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
import { FILTER_OPS } from './filters';
import { TONE_OPS } from './tone';
import { TRANSFORM_OPS } from './transforms';
import type { OperationSpec } from './types';

export * from './types';

const OPERATIONS: readonly OperationSpec[] = [...TONE_OPS, ...FILTER_OPS, ...CV_OPS, ...FACE_OPS, ...TRANSFORM_OPS];

const BY_NAME = new Map<string, OperationSpec>();
for (const op of OPERATIONS) {
  if (BY_NAME.has(op.name)) throw new Error(`operation "${op.name}" is listed twice in the catalogue`);
  BY_NAME.set(op.name, op);
}

export function operations(): readonly OperationSpec[] {
  return OPERATIONS;
}

export function getOperation(name: string): OperationSpec | undefined {
  return BY_NAME.get(name);
}
