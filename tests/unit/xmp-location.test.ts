import { expect, test } from 'vitest';
import { stripXmpLocation } from '../../src/core/xmp-location';

const PACKET = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
  exif:GPSLatitude="52,31.2N" exif:GPSLongitude='13,24.6E' photoshop:City="Berlin" photoshop:DateCreated="2019-07-14T10:31:42"
  exif:DateTimeOriginal="2019-07-14T10:31:42">
 <photoshop:Country>Germany</photoshop:Country>
 <Iptc4xmpCore:Location>Museumsinsel</Iptc4xmpCore:Location>
 <exif:GPSAltitude>34/1</exif:GPSAltitude>
 <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© Jane</rdf:li></rdf:Alt></dc:rights>
 <dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

test('location goes, capture date, rights and creator stay', () => {
  const out = stripXmpLocation(PACKET);
  for (const gone of ['GPSLatitude', 'GPSLongitude', 'GPSAltitude', 'Berlin', 'Germany', 'Museumsinsel']) expect(out).not.toContain(gone);
  for (const kept of ['photoshop:DateCreated="2019-07-14T10:31:42"', 'exif:DateTimeOriginal="2019-07-14T10:31:42"', '© Jane', 'Jane Doe'])
    expect(out).toContain(kept);
  expect(out).toMatch(/<rdf:Description[^>]*>/); // still well formed where it was
  expect(stripXmpLocation(out)).toBe(out);
});

test('a packet without location is unchanged', () => {
  const plain = '<x:xmpmeta><rdf:RDF><rdf:Description dc:format="image/jpeg"/></rdf:RDF></x:xmpmeta>';
  expect(stripXmpLocation(plain)).toBe(plain);
});
