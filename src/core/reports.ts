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
 * Where a report of `kind` is written for the output at `outputPath`: the output's path without its
 * extension + `.<kind>.json` ("trip/a.png" → "trip/a.faces.json"), like videos' `.analysis.json`.
 * Dropping the extension keeps one sidecar per output, whatever its format.
 */
export function reportPath(outputPath: string, kind: string): string {
  const slash = outputPath.lastIndexOf('/');
  const dot = outputPath.lastIndexOf('.');
  const base = dot > slash + 1 ? outputPath.slice(0, dot) : outputPath;
  return `${base}.${kind}.json`;
}
