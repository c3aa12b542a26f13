/**
 * The typed programmatic API. The studio UI uses exactly these functions; the page also exposes
 * them as `window.tessera` so scripts, the headless `npm run batch` command and the benchmarks
 * drive the same code path.
 */
import { pageParts, VIDEO_PART } from './jobs/lazy';

export { runBatch, DEFAULT_MAX_PIXELS, DEFAULT_TILE_PIXELS, type RunBatchOptions } from './jobs/batch';
export { runBenchmark, type BenchmarkOptions, type BenchmarkResult } from './jobs/benchmark';
export { measureHandoff, type HandoffRow } from './jobs/handoff';
export { measureOps, type OpBenchRow } from './jobs/op-bench';
export { Previewer, type PreviewOptions, type PreviewOutcome, type PreviewerOptions, type GiantStatus } from './jobs/preview';
export type { ViewRequest } from './core/preview-plan';
export { outputGeometry, orientedSteps } from './core/output-geometry';
export type { BatchProgress, BatchSummary, FileResult, PageResult, Breakdown, PyramidSummary, SkippedFile } from './jobs/types';
export { DziWriter, type DziWriterOptions, type PyramidStats } from './jobs/dzi-writer';
export { feedFrame, type StripConsumer } from './jobs/strip-consumer';
export { SEED_RECIPE, PRESETS, DEFAULT_PRESET, matchingPreset } from './core/presets';
/** The app's version (package.json, plus the build id of a test build). */
export const VERSION: string = import.meta.env.TESSERA_VERSION ?? 'dev';
export { parseRecipe, validateRecipe, serializeRecipe, recipeHash, resolveSteps, type Recipe } from './core/recipe';
export { operations, getOperation, defaultParams, regionsParamOf } from './core/catalogue';
export { validateParams, resolveVariants } from './core/recipe';
export { FORMATS, OUTPUT_OPTIONS, outputOptions, validateOutput, withFormat, type OutputOptions, type OutputFormat } from './core/formats';
export { optionApplies, optionChoices, type OptionSpec, type OptionSchema } from './core/options';
export { BufferPool } from './core/buffer-pool';
export { walkDirectory, filesSource, droppedSource, zipSource, type InputFile, type InputSource } from './io/sources';
export { FolderSink, ZipSink, HashSink, MemorySink, HttpSink, checkSeparateFolders, sha256Hex, type OutputSink } from './io/sinks';
export { SocketSink } from './io/socket-sink';
export { loadSettings, saveSettings } from './io/settings-store';
export {
  saveOutputFolder,
  loadOutputFolder,
  forgetOutputFolder,
  folderAccess,
  requestFolderAccess,
  folderExists,
  type FolderAccess,
} from './io/handle-store';
export { isInOriginStorage, requestPersistence, estimateStorage } from './io/storage';
export { SETTINGS_KEY, parseSettings, serializeSettings, type RememberedSettings } from './core/remembered-settings';
export { isLowOnSpace, storageLabel, type StorageEstimateLike } from './core/storage-space';
export { createEnginePool, defaultWorkerCount } from './pool/engine-pool';
export { shareAsset, hasAsset, assetNames } from './pool/assets';
export { recipeAssets } from './core/recipe';
export {
  startCamera,
  type CameraOptions,
  type CameraController,
  type CameraFrame,
  type CameraStats,
  type CameraStopResult,
  type RecordOptions,
} from './jobs/camera';
export type { VideoFileSummary } from './jobs/types';
export {
  validateVideoOptions,
  targetBitrate,
  evenSize,
  videoOutputPath,
  analysisPath,
  encoderCodecString,
  CONTAINER_CODECS,
  VIDEO_CONTAINERS,
  VIDEO_CODECS,
  VIDEO_OPTIONS,
  type VideoOptions,
  type VideoContainer,
  type VideoCodecChoice,
} from './core/video-options';
export { isVideoName, isMediaName, sniffVideo, skipReason } from './core/sniff';
export type { VideoJobOptions, VideoJobResult, VideoProgress, VideoAnalysis, FrameAnalysis, VideoMode } from './jobs/video';
/** The video job (loaded on first use: mediabunny stays out of the main bundle until then). */
export const runVideo = async (o: import('./jobs/video').VideoJobOptions) =>
  (await pageParts.load(VIDEO_PART, () => import('./jobs/video'))).runVideo(o);
/** Decodes a whole video and samples each frame (tests, tools). */
export const probeVideo = async <S = undefined>(file: Blob, sample?: (rgba: Uint8Array, width: number, height: number) => S) =>
  (await pageParts.load(VIDEO_PART, () => import('./io/media'))).probeVideo(file, sample);
export type { VideoFrames, VideoFramesInfo, VideoStill } from './jobs/video-frames';
/** A video's frames as stills for the studio's preview (jobs/video-frames.ts; loaded with the video chunks). */
export const openVideoFrames = async (file: Blob, name: string) =>
  (await pageParts.load(VIDEO_PART, () => import('./jobs/video-frames'))).openVideoFrames(file, name);
/** The tracks of a redact-regions step's regions through a video, as the batch makes them (the studio's Follow). */
export const followRegions = async (...a: Parameters<typeof import('./jobs/video/region-tracks').followRegions>) =>
  (await pageParts.load(VIDEO_PART, () => import('./jobs/video/region-tracks'))).followRegions(...a);
export type { Region, TracksReport } from './core/regions';
export { parseRegions } from './core/regions';
/** mediabunny itself, loaded on demand (tests generate fixture videos in the page with it). */
export const loadMediabunny = () => pageParts.load(VIDEO_PART, () => import('mediabunny'));
