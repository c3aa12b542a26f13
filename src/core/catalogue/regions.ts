/**
 * Hiding regions a person marks (engine 'opencv', src/engine/ops/regions.ts): a licence plate, a
 * badge, a screen that no face detector finds. In video the marked objects are followed by the
 * tracker (src/jobs/video/region-tracks.ts over core/object-track.ts). Global: the whole frame.
 */
import { REDACT_PARAMS, REDACTION } from './faces';
import { regionsParam, same } from './helpers';
import { defineOp } from './types';

export const REGION_OPS = [
  defineOp({
    name: 'redact-regions',
    label: 'Hide regions',
    description:
      'Hides the boxes you mark (a licence plate, a name badge, a screen); in a video each one is followed from the frame you mark it in, forwards and backwards.',
    aka: 'region redaction with object tracking',
    category: 'cv',
    params: {
      regions: regionsParam(
        'Regions',
        'JSON: [{"id": "plate", "box": [x, y, width, height], "frame": 0}] in the input\'s pixels; "time": seconds instead of "frame"; several boxes with one id are one object marked (or corrected) in several frames.',
      ),
      track: {
        type: 'boolean',
        label: 'Follow in video',
        default: true,
        help: 'Video: follow each object from its marks, forwards and backwards, with its size changing; hidden also while it is briefly covered. Off: each box stays where it was marked.',
      },
      ...REDACT_PARAMS,
      shape: {
        ...REDACT_PARAMS.shape,
        default: 'rectangle',
        help: 'The whole box (plates and screens are rectangles), or an ellipse inside it.',
      },
      feather: { ...REDACT_PARAMS.feather, default: 0 },
      margin: { ...REDACT_PARAMS.margin, default: 10 },
    },
    engine: 'opencv',
    locality: 'global',
    halo: () => 0,
    outChannels: same,
    definition: `Regions: the boxes of the regions parameter (JSON list of {id?, box: [x, y, w, h], frame? | time?}; boxes in the input's stored pixels, mapped through earlier steps' geometry — bounding box of the mapped corners, rounded outward — and clipped; a box wholly outside the picture fails the step). A photo hides every box. A video with track on: frames are read once before processing as gray copies (Rec. 601 luma, area-averaged so the long side is ≤ 640 px); each object (an id) is followed from each of its marks forwards and backwards by the correlation tracker (core/object-track.ts: a template of area-mean cells, 32 on the box's long side, zero-mean NCC searched ±6 cells around the velocity prediction at scales 0.95/1/1.05, sub-cell parabolic peaks; peak NCC < 0.5 = lost, the box then coasts on the prediction and is searched twice as wide for up to 15 frames, 0.6 re-acquires); where runs from two marks overlap, the run from the nearer mark wins. Every frame hides each object's box there, lost frames included. Track off: each object's latest mark at or before a frame (its first mark before that) in every frame. A video's tracks (every object's box and confidence per frame) are written beside its output as <input>.tracks.json by the video job (a photo writes no report). ${REDACTION}`,
  }),
];
