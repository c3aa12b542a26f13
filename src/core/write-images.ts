/**
 * "Write images" (output option `images`) following the recipe in the studio. A recipe of
 * report-only steps alone (Find faces: catalogue `reportOnly`) is run for its reports, so image
 * writing is turned off for it — a batch would otherwise write a re-encoded, often much larger,
 * copy of every photo. When the recipe stops being one (another preset, a step that changes the
 * picture, Hide faces), image writing comes back on if it was a recipe that turned it off, not the
 * person: turning it off or on by hand is kept. And whenever it is off, the studio says what a
 * batch will then write (imagesHint).
 */
import { getOperation } from './catalogue';
import type { Recipe } from './recipe';

/** Whether the recipe's enabled steps (one at least) only report, leaving the picture as it is. */
export function reportsOnlyRecipe(recipe: Pick<Recipe, 'steps'>): boolean {
  const on = recipe.steps.filter((s) => s.enabled !== false);
  return on.length > 0 && on.every((s) => getOperation(s.op)?.reportOnly === true);
}

/** Whether any enabled step writes a report (Find faces, Hide faces). */
function reports(recipe: Pick<Recipe, 'steps'>): boolean {
  return recipe.steps.some((s) => s.enabled !== false && getOperation(s.op)?.reports !== undefined);
}

/** "Write images" after a recipe change, and whether it is off because of the recipe. */
export interface ImagesFollow {
  images: boolean;
  /** Off because a recipe turned it off (so a later recipe may turn it back on). */
  offByRecipe: boolean;
  /** What changed by itself, for a note: it was turned off, or back on. */
  changed?: 'off' | 'on';
}

/**
 * "Write images" once the recipe `was` became `now`.
 * @param images the setting now (after the new recipe's own output options, if it brought any)
 * @param offByRecipe whether it is off because of a recipe (false once the person set it)
 * @param fromRecipe whether `images` was just taken from `now`'s output options
 */
export function followRecipe(was: Recipe, now: Recipe, images: boolean, offByRecipe: boolean, fromRecipe: boolean): ImagesFollow {
  const says = fromRecipe ? now.output?.images : undefined; // the new recipe's own word, if any
  if (reportsOnlyRecipe(now)) {
    if (images && says !== true && !reportsOnlyRecipe(was)) return { images: false, offByRecipe: true, changed: 'off' };
    // Off for a Find-faces recipe is the recipe's doing, however it came about (its own output, a remembered setting).
    return { images, offByRecipe: !images };
  }
  // A recipe that changes the picture and itself says "no images" is taken at its word.
  if (says === false) return { images: false, offByRecipe: false };
  if (!images && offByRecipe) return { images: true, offByRecipe: false, changed: 'on' };
  return { images, offByRecipe: false };
}

/**
 * What the studio says about "Write images" for this recipe, or undefined when there is nothing
 * to say (it is on and nothing changed by itself). `error`: Start would write nothing at all.
 */
export function imagesHint(
  recipe: Pick<Recipe, 'steps'>,
  images: boolean,
  changed?: 'off' | 'on',
): { text: string; error?: true } | undefined {
  if (images)
    return changed === 'on' ? { text: '“Write images” is on again: it was off only while the recipe just found faces.' } : undefined;
  if (!reports(recipe))
    return {
      text: '“Write images” is off and no step of this recipe writes a report, so Start would write nothing: turn “Write images” on.',
      error: true,
    };
  if (reportsOnlyRecipe(recipe))
    return {
      text: `“Write images” is ${changed === 'off' ? 'now ' : ''}off: this recipe only finds faces, so a batch writes their list (<photo>.faces.json and faces.csv), not copies of the photos. Turn it on to write the photos too.`,
    };
  return { text: '“Write images” is off: a batch writes only the steps’ reports, not the pictures this recipe makes.' };
}
