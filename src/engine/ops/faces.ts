/**
 * detect-faces and redact-faces (engine 'opencv'; definitions in src/core/catalogue/faces.ts).
 * Detection is src/engine/faces/detect.ts; both ops report 'faces' (core/faces.ts FacesReport), in
 * the input's pixels.
 */
import type { OpParams } from '../../core/catalogue';
import type { Frame } from '../../core/frame';
import { detectFaces } from '../faces/detect';
import { detectOptions, facesReport, type Face } from '../../core/faces';
import { invert, isIdentity, mapBox, type Geometry } from '../../core/geometry';
import { reviewedAsFaces, type ReviewedFaces } from '../../core/reviewed-faces';
import { keptBy, parseRegions } from '../../core/regions';
import { loadOpenCV, type CV } from '../opencv';
import type { EngineTable, OpContext } from './context';
import { redactBoxes } from '../faces/redact-boxes';
import { redactPicture } from '../faces/redact-picture';

export { redactRegion } from '../faces/redact-boxes';

async function findFaces(src: Frame, p: OpParams<'detect-faces' | 'redact-faces'>, ctx: OpContext): Promise<{ cv: CV; faces: Face[] }> {
  const { cv } = await loadOpenCV('face detection');
  const given = ctx.faces;
  ctx.faces = undefined;
  const reviewed = ctx.reviewed;
  ctx.reviewed = undefined;
  const g = ctx.source.geometry;
  const found = reviewed
    ? reviewedInFrame(reviewed.faces, reviewed.file, src, g, p.detector)
    : (given ?? (await detectFaces(cv, src, detectOptions(p))));
  // A person's reviewed boxes are exactly what to hide; otherwise faces the person keeps visible drop out.
  const faces = reviewed ? found : withoutKept(found, p.keep, src, g);
  // Reported in the input's pixels; the step itself works in the frame's.
  const report = facesReport(faces, src.width, src.height, g);
  ctx.report?.('faces', reviewed ? { ...report, reviewed: true } : report);
  return { cv, faces };
}

/** A person's reviewed boxes (input pixels) in this frame's pixels (bounding box of the mapped corners, rounded outward). */
function reviewedInFrame(r: ReviewedFaces, file: string, src: Frame, g: Geometry | undefined, detector: Face['detector']): Face[] {
  const faces = reviewedAsFaces(r, g?.inputWidth ?? src.width, g?.inputHeight ?? src.height, detector, file);
  if (!g || isIdentity(g.toInput)) return faces;
  const fromInput = invert(g.toInput);
  return faces.map((f) => ({ ...f, box: mapBox(fromInput, f.box, src.width, src.height, 'outward') }));
}

/**
 * `faces` without those a keep box (the step's `keep` regions, input pixels, mapped into this
 * frame) covers more than half of. A video's frames get '' here: the job follows the keep regions
 * and drops those faces itself (jobs/video/tracking.ts).
 */
function withoutKept(faces: Face[], keep: string, src: Frame, g: Geometry | undefined): Face[] {
  if (!keep.trim() || !faces.length) return faces;
  const fromInput = g && !isIdentity(g.toInput) ? invert(g.toInput) : undefined;
  const boxes = parseRegions(keep).map((r) => (fromInput ? mapBox(fromInput, r.box, src.width, src.height) : r.box));
  return faces.filter((f) => !keptBy(f.box, boxes));
}

/** A packed copy of `src` in a ctx frame. */
export function copyOf(src: Frame, ctx: OpContext): Frame {
  const out = ctx.alloc(src.width, src.height, src.channels);
  const row = src.width * src.channels;
  if (src.stride === row) out.data.set(src.data.subarray(0, row * src.height));
  else for (let y = 0; y < src.height; y++) out.data.set(src.data.subarray(y * src.stride, y * src.stride + row), y * row);
  return out;
}

export const FACE_OPS_TABLE: Pick<EngineTable<'opencv'>, 'detect-faces' | 'redact-faces'> = {
  'detect-faces': async (src, p, ctx) => {
    await findFaces(src, p, ctx);
    return src;
  },

  'redact-faces': async (src, p, ctx) => {
    // The picture first: a missing one fails before the detector runs.
    const pic = p.effect === 'picture' ? await redactPicture(p.picture) : undefined;
    const { cv, faces } = await findFaces(src, p, ctx);
    const out = copyOf(src, ctx);
    redactBoxes(
      out,
      faces.map((f) => f.box),
      p,
      cv,
      pic,
    );
    return out;
  },
};
