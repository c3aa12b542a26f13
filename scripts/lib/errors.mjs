// What a caught value says, whatever was thrown (`catch (e)` gives `unknown`).

/** An Error's message, else the value as text. @param {unknown} e */
export const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/** The code of a failed system call ('ENOENT', 'EACCES'…), when it has one. @param {unknown} e */
export const codeOf = (e) => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);

/** An Error's stack, when it has one. @param {unknown} e */
export const stackOf = (e) => (e instanceof Error ? e.stack : undefined);
