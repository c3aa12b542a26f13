/**
 * A region of a tiled (or finely stripped) TIFF read straight from the file: vips seeks to the
 * tiles the region touches and decodes only those, so such files need no cache.
 */
import { createFrame, type Frame } from '../../core/frame';
import { withScope } from '../../core/scope';
import type { Rect } from '../../core/tiles';
import { openSource, type SyncReader } from '../blob-source';
import { normalise } from '../codec';
import { vipsError, withFreshErrors, type Vips } from '../vips';

export function readFileRegion(vips: Vips, reader: SyncReader, r: Rect): Frame {
  return withFreshErrors(vips, () =>
    withScope((scope) => {
      const src = scope.track(openSource(vips, reader));
      try {
        const im = scope.track(normalise(scope.track(vips.Image.newFromSource(src, '', { access: 'random', fail_on: 'error' }))));
        const data = scope.track(im.crop(r.x, r.y, r.width, r.height)).writeToMemory() as Uint8Array;
        return createFrame(r.width, r.height, im.bands, data.buffer, data.byteOffset);
      } catch (e) {
        throw vipsError('decode-failed', `cannot decode the region ${r.width}×${r.height} at (${r.x}, ${r.y})`, e);
      }
    }),
  );
}
