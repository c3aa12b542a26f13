/**
 * Location taken out of an XMP packet (output metadata 'no-location'): the EXIF GPS properties
 * XMP mirrors (exif:GPS…), Photoshop's City/State/Country, IPTC Core's Location and CountryCode,
 * and IPTC Extension's LocationCreated/LocationShown — as attributes or as elements, whatever
 * they hold. Everything else (capture date, camera, creator, rights) stays as written. Matched by
 * the prefixes XMP writers use for these namespaces (Adobe's, exiftool's, cameras'), so a packet
 * binding them to other prefixes keeps them: none seen in practice.
 */
const NAMES = [
  'exif:GPS[A-Za-z]*',
  'photoshop:(?:City|State|Country)',
  'Iptc4xmpCore:(?:Location|CountryCode)',
  'Iptc4xmpExt:(?:LocationCreated|LocationShown)',
].join('|');

const ATTRIBUTE = new RegExp(`\\s(?:${NAMES})\\s*=\\s*(?:"[^"]*"|'[^']*')`, 'g');
// An element and its contents; these elements do not nest inside themselves.
const ELEMENT = new RegExp(`<(${NAMES})\\b[^>]*?(?:/>|>[\\s\\S]*?</\\1\\s*>)`, 'g');

/** The packet without location; the same text when it had none. */
export function stripXmpLocation(xmp: string): string {
  return xmp.replace(ELEMENT, '').replace(ATTRIBUTE, '');
}
