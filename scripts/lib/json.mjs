// JSON.parse typed as what it gives: a value of unknown shape, for the caller to check or declare.
// (TypeScript types JSON.parse as `any`; in a .mjs file a JSDoc cast of that call does not reach
// the linter, whose syntax tree has no parentheses to hang it on.)

/** @param {string} text @returns {unknown} */
export const parseJson = (text) => JSON.parse(text);
