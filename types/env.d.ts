// Build-time constants (vite.config.ts `define`).
interface ImportMetaEnv {
  /** package.json's version, plus "+<TESSERA_BUILD_ID>" when the build was given one. */
  readonly TESSERA_VERSION?: string;
}
