/** Output names: each input's output path, kept distinct when two inputs would share one. */
import { outputPath, type OutputFormat } from '../../core/formats';
import { isVideoName } from '../../core/sniff';
import { videoOutputPath, type VideoContainer } from '../../core/video-options';

/** The batch-wide faces table, at the root of the output. */
export const FACES_TABLE = 'faces.csv';

/** Same folder and base name, the output format's extension (the container's for videos). */
export function outputTarget(inputPath: string, format: OutputFormat, container: VideoContainer): string {
  return isVideoName(inputPath) ? videoOutputPath(inputPath, container) : outputPath(inputPath, format);
}

/** Keeps outputs distinct when "a.jpg" and "a.png" would both become "a.png" (case-insensitively: "a_png.png"). */
export class OutputNames {
  private used = new Set<string>();
  claim(input: string, out: string): string {
    let name = out;
    if (this.used.has(name.toLowerCase())) {
      const dot = out.lastIndexOf('.');
      const srcExt = input.slice(input.lastIndexOf('.') + 1);
      name = `${out.slice(0, dot)}_${srcExt}${out.slice(dot)}`;
      for (let i = 2; this.used.has(name.toLowerCase()); i++) name = `${out.slice(0, dot)}_${srcExt}_${i}${out.slice(dot)}`;
    }
    this.used.add(name.toLowerCase());
    return name;
  }
}
