/**
 * The picture of redact-faces' "picture" effect (an emoji, a logo), as this worker holds it:
 * decoded once per file by libvips to straight-alpha RGBA no larger than 512 px on its long side
 * (faces are rarely larger, and a 4000-px PNG stretched over each face would cost for nothing),
 * then kept for the frames and images that follow. The bytes come from the shared assets
 * (pool/assets.ts), so the studio's file button and a recipe file's path both reach it.
 */
import { TesseraError } from '../../core/errors';
import { createFrame, type Frame } from '../../core/frame';
import { withScope } from '../../core/scope';
import { getAsset } from '../assets';
import { loadVips } from '../vips';

/** Long side of the decoded picture, in pixels. */
export const PICTURE_MAX = 512;

const held: { bytes: Uint8Array; frame: Frame }[] = [];

/** The picture shared under `name`, RGBA; a clear error when none was chosen or it cannot be read. */
export async function redactPicture(name: string): Promise<Frame> {
  if (!name) throw new TesseraError('bad-param', 'Hide faces: the Picture effect needs a picture (choose a PNG, JPEG or WebP file)');
  const bytes = getAsset(name);
  if (!bytes)
    throw new TesseraError(
      'bad-param',
      `Hide faces: the picture "${name}" was not loaded (pick the file again in the studio; in a recipe file, give its path relative to the recipe)`,
    );
  const hit = held.find((h) => h.bytes === bytes);
  if (hit) return hit.frame;
  const { vips } = await loadVips();
  const frame = withScope(({ track: keep }) => {
    let im = keep(
      (() => {
        try {
          return vips.Image.thumbnailBuffer(bytes, PICTURE_MAX, { height: PICTURE_MAX, size: 'down' });
        } catch {
          throw new TesseraError('bad-input', `Hide faces: "${name}" is not an image libvips can read`);
        }
      })(),
    );
    im = keep(im.colourspace('srgb'));
    if (im.bands === 3) im = keep(im.bandjoin([255]));
    if (im.format !== 'uchar') im = keep(im.cast('uchar'));
    if (im.bands !== 4) throw new TesseraError('bad-input', `Hide faces: "${name}" has ${im.bands} bands, expected RGB(A)`);
    const data = new Uint8Array(im.writeToMemory());
    return createFrame(im.width, im.height, 4, data.buffer);
  });
  held.unshift({ bytes, frame });
  held.length = Math.min(held.length, 2);
  return frame;
}
