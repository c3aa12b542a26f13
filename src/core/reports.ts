/**
 * Reports: results a recipe step produces besides its frame (e.g. detect-faces' boxes). A step
 * calls `ctx.report(kind, data)`; runSteps collects them in order; processImage returns them; the
 * batch writes them beside the output. `data` must be structured-cloneable (plain JSON).
 */
export interface StepReport {
  /** The step's operation name. */
  op: string;
  /** What the data is, e.g. 'faces'. */
  kind: string;
  data: unknown;
}

/**
 * Where a report of `kind` about the input at `inputPath` is written: the input's relative path +
 * `.<kind>.json` ("trip/a.jpg" → "trip/a.jpg.faces.json"), beside the output ("trip/a.png").
 * Named after the input because the report describes it (face boxes are in its pixels), and
 * input paths are unique, so two inputs whose outputs would share a name never share a report.
 */
export function reportPath(inputPath: string, kind: string): string {
  return `${inputPath}.${kind}.json`;
}
