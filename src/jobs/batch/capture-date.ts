/**
 * The capture date for naming templates' {date}: EXIF DateTimeOriginal (else CreateDate), read
 * by exifr from the file's first bytes, loaded only when a template asks for a date; else the
 * file's modified date. EXIF dates carry no zone: exifr reads them as local time, which is how
 * {date} renders them, so "2019:07:14 10:31:42" is named 2019-07-14 wherever the batch runs.
 * HEIC (and AVIF) photos: exifr 7 reports libheif's EXIF items as malformed (measured on heif-enc's files),
 * so their EXIF block is found by core/heif-meta.ts (from the whole file: the item may sit
 * after the picture) and exifr parses the block itself.
 */
import { heifMetadata } from '../../core/heif-meta';
import { kindFromMagic } from '../../core/sniff';
import { pageParts } from '../lazy';

const HEAD_BYTES = 1 << 20;

/** What the offline message calls the EXIF reader. */
const EXIF_PART = 'The EXIF date reader (exifr)';

/** Ms since 1970 (local wall-clock time as recorded), or undefined when the file has no date at all. */
export async function captureDate(blob: Blob): Promise<number | undefined> {
  const mod = await pageParts.load(EXIF_PART, () => import('exifr'));
  // The ESM build names its exports; Node's resolution of the package gets the UMD's default.
  const exifr: Pick<typeof mod, 'parse'> = (mod as { default?: Pick<typeof mod, 'parse'> }).default ?? mod;
  try {
    // The first MB holds the EXIF of JPEG, PNG, WebP and most TIFF/HEIF files; reading it as one
    // buffer works the same in the page, in a worker and in Node.
    let head = await blob.slice(0, HEAD_BYTES).arrayBuffer();
    const kind = kindFromMagic(new Uint8Array(head, 0, Math.min(64, head.byteLength)));
    if (kind === 'heic' || kind === 'avif') {
      const exif = heifMetadata(new Uint8Array(blob.size > HEAD_BYTES ? await blob.arrayBuffer() : head)).exif;
      if (exif) head = exif.slice(6).buffer; // the TIFF structure after "Exif\0\0"
    }
    const tags = (await exifr.parse(head, { pick: ['DateTimeOriginal', 'CreateDate'] })) as
      { DateTimeOriginal?: unknown; CreateDate?: unknown } | undefined;
    for (const v of [tags?.DateTimeOriginal, tags?.CreateDate]) if (v instanceof Date && Number.isFinite(v.getTime())) return v.getTime();
  } catch {
    // No EXIF, or EXIF exifr cannot read: the file's own date stands in.
  }
  const modified = (blob as Partial<File>).lastModified;
  return modified !== undefined && Number.isFinite(modified) ? modified : undefined;
}
