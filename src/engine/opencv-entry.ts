// Imported only dynamically, by opencv.ts. A static import here keeps OpenCV's self-returning
// `then` out of the namespace object that `await import()` resolves with.
import cv from '@techstark/opencv-js';

export function openCvModule(): unknown {
  return cv;
}
