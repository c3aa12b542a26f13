/** Recipes in URLs ("…#recipe=<base64url JSON>"): shareable links that need no server. */
import { TesseraError, messageOf } from './errors';
import { validateRecipe, type Recipe } from './recipe';

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The text in a base64url string; throws when it is not base64url or not UTF-8 text. */
function fromBase64Url(s: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  const bin = atob(b64);
  // fatal: bytes that are not UTF-8 (a link cut short mid-character, or mangled) are refused
  // here rather than decoded into replacement characters the JSON parser then trips over.
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function recipeToHash(r: Recipe): string {
  return `#recipe=${toBase64Url(JSON.stringify(r))}`;
}

/** What the person is told about a link whose recipe cannot be read at all. */
const DAMAGED =
  'This shared link is damaged or incomplete, so its recipe cannot be read: copy the whole link again (or ask for it again). The recipe you had is unchanged.';

/**
 * The recipe in a URL hash: undefined when the hash holds none. Throws a TesseraError worded for
 * the person who opened the link: a link cut short or mangled (not base64url, not text, not JSON)
 * says it is damaged or incomplete, without the parser's text; a readable recipe that does not
 * validate says what is wrong with it, with the path of the bad value.
 */
export function recipeFromHash(hash: string): Recipe | undefined {
  const m = /(?:^#|&)recipe=([^&]*)/.exec(hash);
  if (!m) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fromBase64Url(m[1]));
  } catch {
    throw new TesseraError('invalid-recipe', DAMAGED);
  }
  try {
    return validateRecipe(raw);
  } catch (e) {
    throw new TesseraError(
      'invalid-recipe',
      `The recipe in this shared link cannot be used (${messageOf(e)}); it may come from another version of Tessera. The recipe you had is unchanged.`,
    );
  }
}
