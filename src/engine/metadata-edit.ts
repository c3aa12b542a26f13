/**
 * The metadata an output carries, edited as the output options say: metadata 'no-location'
 * (EXIF GPS and XMP location out, the rest kept) and a copyright / artist line (EXIF IFD0
 * Copyright and Artist, with any metadata setting).
 *
 * libvips writes EXIF from an image's "exif-ifdN-Tag" fields, which it only has for an image it
 * loaded; the encoder's images are made from pixels. So the EXIF block is carried through a 1×1
 * JPEG: loaded there (fields parsed), edited, saved, and read back — libvips' own EXIF writer
 * does the work, and the result is the block every encoder path then attaches as it is. Edited
 * blocks are cached per source blob, so tiles and bands of one image pay once.
 */
import type { OutputOptions } from '../core/formats';
import { stripXmpLocation } from '../core/xmp-location';
import type { SourceInfo } from './ops/context';
import { withScope } from '../core/scope';
import type { Vips } from './vips';

type Edit = Pick<OutputOptions, 'metadata' | 'copyright' | 'artist'>;

const edited = new WeakMap<object, Map<string, SourceInfo>>();
const NO_SOURCE = {};

/** Whether the output options change what metadata is written beyond keep / strip. */
function edits(o: Edit): boolean {
  return o.metadata === 'no-location' || o.copyright !== '' || o.artist !== '';
}

/**
 * The source as the output should carry it: unchanged for plain keep/strip; with 'no-location'
 * the GPS IFD and XMP location removed; with a copyright or artist those EXIF tags set (with
 * 'strip', an EXIF block of only them).
 */
export function outputSource(vips: Vips, o: Edit, source: SourceInfo | undefined): SourceInfo | undefined {
  if (!edits(o)) return source;
  const key = `${o.metadata}\u0000${o.copyright}\u0000${o.artist}`;
  const byEdit = edited.get(source ?? NO_SOURCE) ?? new Map<string, SourceInfo>();
  edited.set(source ?? NO_SOURCE, byEdit);
  const hit = byEdit.get(key);
  if (hit) return { ...hit, orientation: source?.orientation ?? 1, geometry: source?.geometry };
  const strip = o.metadata === 'strip';
  const out: SourceInfo = strip ? { orientation: source?.orientation ?? 1 } : { ...(source ?? { orientation: 1 }) };
  const exif = editExif(vips, strip ? undefined : source?.exif, {
    dropLocation: o.metadata === 'no-location',
    copyright: o.copyright,
    artist: o.artist,
  });
  if (exif) out.exif = exif;
  else delete out.exif;
  if (o.metadata === 'no-location' && source?.xmp)
    out.xmp = new TextEncoder().encode(stripXmpLocation(new TextDecoder().decode(source.xmp)));
  byEdit.set(key, out);
  return out;
}

/** The EXIF block edited by libvips (see the file comment); undefined when nothing is left to write. */
function editExif(
  vips: Vips,
  exif: Uint8Array | undefined,
  e: { dropLocation: boolean; copyright: string; artist: string },
): Uint8Array | undefined {
  if (!exif && !e.copyright && !e.artist) return undefined;
  return withScope((scope) => {
    const carrier = scope.track(scope.track(vips.Image.black(1, 1)).cast('uchar'));
    const withExif = scope.track(carrier.copy());
    if (exif) withExif.setBlob('exif-data', exif);
    const loaded = scope.track(vips.Image.newFromBuffer(withExif.jpegsaveBuffer({ Q: 10 })));
    const im = scope.track(loaded.copy());
    if (e.dropLocation) {
      const fields = im.getFields();
      try {
        for (let i = 0; i < fields.size(); i++) {
          const name = fields.get(i);
          if (name?.startsWith('exif-ifd3-')) im.remove(name);
        }
      } finally {
        fields.delete();
      }
    }
    // EXIF ASCII: libvips writes what it cannot store in ASCII as close as it can ("©" → "(C)").
    if (e.copyright) im.setString('exif-ifd0-Copyright', e.copyright);
    if (e.artist) im.setString('exif-ifd0-Artist', e.artist);
    const back = scope.track(vips.Image.newFromBuffer(im.jpegsaveBuffer({ Q: 10 })));
    return back.getTypeof('exif-data') ? back.getBlob('exif-data').slice() : undefined;
  });
}
