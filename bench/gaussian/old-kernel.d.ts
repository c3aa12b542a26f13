// The float64 TypeScript Gaussian as it was before the float32 definition (commit edfe373), which
// run.mjs writes to .tmp/bench-gaussian/gaussian-blur-f64.ts and bundles under this name
// (rolldown resolve.alias): its signature, so entry.ts type-checks whether or not the file exists.
declare module 'bench-gaussian-f64' {
  export function gaussianBlurPlaneJs(src: Uint8Array, dst: Uint8Array, w: number, h: number, sigma: number): void;
}
