/** Recipes in URLs ("…#recipe=<base64url JSON>"): shareable links that need no server. */
import { TesseraError, messageOf } from './errors';
import { parseRecipe, type Recipe } from './recipe';

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  const bin = atob(b64);
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function recipeToHash(r: Recipe): string {
  return `#recipe=${toBase64Url(JSON.stringify(r))}`;
}

/** undefined when the hash holds no recipe; throws a TesseraError when it holds a bad one. */
export function recipeFromHash(hash: string): Recipe | undefined {
  const m = /(?:^#|&)recipe=([^&]*)/.exec(hash);
  if (!m) return undefined;
  let text: string;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(m[1])) throw new Error('not base64url');
    text = fromBase64Url(m[1]);
  } catch (e) {
    throw new TesseraError('invalid-recipe', `the link's recipe is damaged (${messageOf(e)})`);
  }
  return parseRecipe(text);
}
