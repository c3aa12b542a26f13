/**
 * redact-regions (engine 'opencv'; definition in src/core/catalogue/regions.ts): hides marked
 * boxes with the same effects and masks as redact-faces. A photo hides its step's regions; a
 * video frame hides the boxes its job tracked for that frame (OpContext.regions).
 */
import { invert, isIdentity, mapBox, type Box } from '../../core/geometry';
import { clipRegion, parseRegions } from '../../core/regions';
import { loadOpenCV } from '../opencv';
import { redactBoxes } from '../faces/redact-boxes';
import { redactPicture } from '../faces/redact-picture';
import type { EngineTable } from './context';
import { copyOf } from './faces';

export const REGION_OPS_TABLE: Pick<EngineTable<'opencv'>, 'redact-regions'> = {
  'redact-regions': async (src, p, ctx) => {
    // The picture first: a missing one fails before anything else.
    const pic = p.effect === 'picture' ? await redactPicture(p.picture) : undefined;
    const g = ctx.source.geometry;
    const inW = g?.inputWidth ?? src.width,
      inH = g?.inputHeight ?? src.height;
    const tracked = ctx.regions?.shift();
    // Input pixels: a video frame's tracked boxes (clipped by the tracker's caller), else the
    // step's own regions, every one (a photo has one frame).
    const boxes: Box[] = tracked ?? parseRegions(p.regions).map((r) => clipRegion(r, inW, inH));
    const fromInput = g && !isIdentity(g.toInput) ? invert(g.toInput) : undefined;
    const inFrame = boxes
      .map((b) => (fromInput ? mapBox(fromInput, b, src.width, src.height, 'outward') : b))
      .filter((b) => b[2] > 0 && b[3] > 0);
    const cv = p.effect === 'blur' ? (await loadOpenCV('Hide regions')).cv : undefined;
    const out = copyOf(src, ctx);
    redactBoxes(out, inFrame, p, cv, pic);
    return out;
  },
};
