/** The 'opencv' engine: OpenCV.js, loaded on first use. Every Mat is deleted in `finally`. */
import type { OpTable } from './context';

export const OPENCV_OPS: OpTable = {};
