/**
 * What the preview needs to know about a file before deciding how to show it: its size and
 * channels from the header alone (the file is read through a seekable source, never whole), its
 * format, and for a TIFF whether its regions can be read straight from the file.
 */
import { withScope } from '../../core/scope';
import { readsRegionsDirectly, tiffLayout } from '../../core/tiff-layout';
import { openSource, type SyncReader } from '../blob-source';
import { normalisedChannels } from '../codec';
import { vipsError, withFreshErrors, type Vips } from '../vips';

export interface ImageProbe {
  width: number;
  height: number;
  /** Channels of the decoded frames (after normalisation to 8-bit gray/RGB ± alpha). */
  channels: number;
  /** vips' loader without its suffix: 'jpeg', 'tiff', 'png' … */
  format: string;
  /** Stored as 8-bit sRGB or gray with no alpha: the browser's decoder gives the same values. */
  plain: boolean;
  orientation: number;
  /** A TIFF whose regions vips reads from the file as they are (tiles or short strips): no cache. */
  direct: boolean;
}

/** The header of the file behind `reader`; throws a decode-failed TesseraError for what vips cannot open. */
export function probeImage(vips: Vips, reader: SyncReader): ImageProbe {
  return withFreshErrors(vips, () =>
    withScope((scope) => {
      const src = scope.track(openSource(vips, reader));
      let im;
      try {
        im = scope.track(vips.Image.newFromSource(src, '', { access: 'sequential' }));
      } catch (e) {
        throw vipsError('decode-failed', 'cannot decode', e);
      }
      const loader = im.getTypeof('vips-loader') ? im.getString('vips-loader') : '';
      const format = loader.replace(/load(_source)?$/, '');
      const o = im.getTypeof('orientation') ? im.getInt('orientation') : 1;
      const plain =
        im.format === 'uchar' && ((im.bands === 3 && im.interpretation === 'srgb') || (im.bands === 1 && im.interpretation === 'b-w'));
      return {
        width: im.width,
        height: im.height,
        channels: normalisedChannels(im),
        format,
        plain,
        orientation: Number.isInteger(o) && o >= 1 && o <= 8 ? o : 1,
        direct: format === 'tiff' && readsRegionsDirectly(tiffLayout((at, n) => reader.read(at, n))),
      };
    }),
  );
}
