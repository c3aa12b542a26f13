/** Which VideoEncoder configuration this browser takes for a codec and size (WebCodecs probing). */
import { TesseraError } from '../../core/errors';
import { CODEC_STRINGS, VIDEO_CODECS, encoderCodecString, type VideoCodecChoice } from '../../core/video-options';

/** Labels of the codecs this browser can encode at a small size. */
async function supportedEncoders(): Promise<string[]> {
  const out: string[] = [];
  for (const c of Object.keys(VIDEO_CODECS) as VideoCodecChoice[]) {
    const s = CODEC_STRINGS[VIDEO_CODECS[c].mediabunny].base;
    const ok = await VideoEncoder.isConfigSupported({ codec: s, width: 640, height: 360, bitrate: 1e6 }).then(
      (r) => !!r.supported,
      () => false,
    );
    if (ok) out.push(VIDEO_CODECS[c].label);
  }
  return out;
}

/** The size's own level, then the level-free string; refused both: an error naming what the browser can encode. */
export async function encoderConfig(
  codec: VideoCodecChoice,
  width: number,
  height: number,
  bitrate: number,
  framerate: number,
): Promise<VideoEncoderConfig> {
  const base: Omit<VideoEncoderConfig, 'codec'> = {
    width,
    height,
    bitrate,
    framerate: framerate > 0 ? framerate : 30,
    latencyMode: 'quality',
    bitrateMode: 'variable',
    ...(codec === 'h264' ? { avc: { format: 'avc' as const } } : {}),
  };
  for (const s of [encoderCodecString(codec, width, height), CODEC_STRINGS[VIDEO_CODECS[codec].mediabunny].base]) {
    const cfg = { ...base, codec: s };
    const r = await VideoEncoder.isConfigSupported(cfg).catch(() => ({ supported: false }));
    if (r.supported) return cfg;
  }
  const can = await supportedEncoders();
  throw new TesseraError(
    'encode-failed',
    `this browser cannot encode ${VIDEO_CODECS[codec].label} at ${width}×${height}${codec === 'h264' ? ' (H.264 needs a level for this size the encoder refuses)' : ''}; it encodes ${can.join(', ') || 'no video codec'}`,
  );
}
