// Test videos made IN THE PAGE with WebCodecs + mediabunny (window.tessera.loadMediabunny()).
// Each frame carries its index as a bar code of big black/white blocks in the top band (robust to
// compression and to inversion: two calibration blocks, white then black, come first), a moving
// gradient below it (so frames really differ) and a pure red square bottom-right (so a recipe's
// colour change is measurable). Optional Opus audio (AudioEncoder): a 440 Hz tone.
//
// Videos are kept in the page as Blobs in window.__videos[name]; helpers copy them to OPFS.
import { handFiles } from './harness.mjs';

/** @typedef {import('playwright-core').Page} Page */

export const BITS = 12;

/**
 * @typedef {{
 *   name: string, container?: 'mp4' | 'webm', codec?: string, width?: number, height?: number, frames?: number, fps?: number,
 *   audio?: boolean, claimCodec?: 'hevc', bitrate?: number, noVideo?: boolean,
 * }} MakeVideoOptions
 *   codec: the WebCodecs codec string; claimCodec 'hevc': an MP4 whose track claims HEVC (its packets are H.264);
 *   noVideo: only the audio track.
 */

/**
 * In-page: builds a video; returns a summary. Self-contained (serialised by Playwright).
 * @param {MakeVideoOptions} opts
 */
async function makeVideoInPage({
  name,
  container = 'mp4',
  codec = 'avc1.640028',
  width = 320,
  height = 240,
  frames = 30,
  fps = 30,
  audio = false,
  claimCodec,
  bitrate,
  noVideo = false,
}) {
  const mb = await window.tessera.loadMediabunny();
  const BITS = 12;
  const cols = BITS + 2;
  const band = Math.max(16, Math.floor(height / 5));
  const rgba = new Uint8Array(width * height * 4);
  /** @param {number} i the frame's index */
  const paint = (i) => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 4;
        /** @type {number} */
        let r, g, b;
        if (y < band) {
          const col = Math.min(cols - 1, Math.floor((x * cols) / width));
          const bit = col === 0 ? 1 : col === 1 ? 0 : (i >> (BITS - 1 - (col - 2))) & 1;
          r = g = b = bit ? 255 : 0;
        } else if (x >= width * 0.75 && y >= height * 0.7) {
          r = 255;
          g = 0;
          b = 0;
        } else {
          r = ((x * 255) / width + i * 4) & 255;
          g = ((y * 255) / height) | 0;
          b = ((x + y + i * 3) & 127) + 64;
        }
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
        rgba[o + 3] = 255;
      }
    }
  };
  /** @type {import('mediabunny').EncodedPacket[]} */
  const videoPackets = [];
  /** @type {EncodedVideoChunkMetadata | undefined} */
  let videoMeta;
  /** @type {Error | undefined} */
  let encError;
  const enc = new VideoEncoder({
    output: (chunk, meta) => {
      videoPackets.push(mb.EncodedPacket.fromEncodedChunk(chunk));
      if (meta?.decoderConfig && !videoMeta) videoMeta = meta;
    },
    error: (e) => (encError = e),
  });
  /** @type {VideoEncoderConfig} */
  const cfg = {
    codec,
    width,
    height,
    bitrate: bitrate ?? Math.max(300_000, width * height * fps * 0.15),
    framerate: fps,
    latencyMode: 'quality',
  };
  if (codec.startsWith('avc1')) cfg.avc = { format: 'avc' };
  enc.configure(cfg);
  const us = 1e6 / fps;
  for (let i = 0; i < frames; i++) {
    if (encError) throw new Error(`fixture encoder (${codec} ${width}×${height}) failed: ${encError.message}`);
    paint(i);
    const f = new VideoFrame(rgba, {
      format: 'RGBA',
      codedWidth: width,
      codedHeight: height,
      timestamp: Math.round(i * us),
      duration: Math.round((i + 1) * us) - Math.round(i * us),
    });
    enc.encode(f, { keyFrame: i % (fps * 2) === 0 });
    f.close();
    while (enc.encodeQueueSize > 4) await new Promise((r) => enc.addEventListener('dequeue', r, { once: true }));
  }
  await enc.flush();
  enc.close();
  if (encError) throw encError;

  /** @type {import('mediabunny').EncodedPacket[]} */
  const audioPackets = [];
  /** @type {EncodedAudioChunkMetadata | undefined} */
  let audioMeta;
  if (audio) {
    const sampleRate = 48000;
    // Its own error: the video encoder is closed by now.
    /** @type {Error | undefined} */
    let audioError;
    const aenc = new AudioEncoder({
      output: (chunk, meta) => {
        audioPackets.push(mb.EncodedPacket.fromEncodedChunk(chunk));
        if (meta?.decoderConfig && !audioMeta) audioMeta = meta;
      },
      error: (e) => (audioError = e),
    });
    aenc.configure({ codec: 'opus', sampleRate, numberOfChannels: 1, bitrate: 64000 });
    const total = Math.round((frames / fps) * sampleRate);
    const n = 960;
    for (let s = 0; s < total; s += n) {
      const data = new Float32Array(n);
      for (let k = 0; k < n; k++) data[k] = 0.2 * Math.sin((2 * Math.PI * 440 * (s + k)) / sampleRate);
      const ad = new AudioData({
        format: 'f32',
        sampleRate,
        numberOfFrames: n,
        numberOfChannels: 1,
        timestamp: Math.round((s * 1e6) / sampleRate),
        data,
      });
      aenc.encode(ad);
      ad.close();
    }
    await aenc.flush();
    aenc.close();
    if (audioError) throw audioError;
  }

  const format = container === 'mp4' ? new mb.Mp4OutputFormat({ fastStart: 'in-memory' }) : new mb.WebMOutputFormat();
  const target = new mb.BufferTarget();
  const out = new mb.Output({ format, target });
  const vcodec = claimCodec ?? (codec.startsWith('avc1') ? 'avc' : codec.startsWith('vp09') ? 'vp9' : codec === 'vp8' ? 'vp8' : 'av1');
  const vsrc = new mb.EncodedVideoPacketSource(vcodec);
  if (!noVideo) out.addVideoTrack(vsrc, { frameRate: fps });
  const asrc = audio ? new mb.EncodedAudioPacketSource('opus') : undefined;
  if (asrc) out.addAudioTrack(asrc);
  await out.start();
  if (claimCodec === 'hevc') {
    // An MP4 that claims HEVC (a minimal hvcC: Main profile, no parameter sets). The packets are
    // H.264: nothing should ever try to decode them.
    const hvcC = new Uint8Array(23);
    hvcC[0] = 1;
    hvcC[1] = 1;
    hvcC[2] = 0x60;
    hvcC[6] = 0x90;
    hvcC[12] = 93;
    hvcC[13] = 0xf0;
    hvcC[15] = 0xfc;
    hvcC[16] = 0xfd;
    hvcC[17] = 0xf8;
    hvcC[18] = 0xf8;
    hvcC[21] = 0x0f;
    hvcC[22] = 0;
    videoMeta = { decoderConfig: { codec: 'hvc1.1.6.L93.B0', codedWidth: width, codedHeight: height, description: hvcC } };
  }
  const all = [...videoPackets.map((p) => /** @type {const} */ (['v', p])), ...audioPackets.map((p) => /** @type {const} */ (['a', p]))];
  all.sort((x, y) => x[1].timestamp - y[1].timestamp || (x[0] === 'v' ? -1 : 1));
  let vFirst = true,
    aFirst = true;
  for (const [kind, p] of all) {
    if (kind === 'v') {
      if (noVideo) continue;
      await vsrc.add(p, vFirst ? videoMeta : undefined);
      vFirst = false;
    } else if (asrc) {
      await asrc.add(p, aFirst ? audioMeta : undefined);
      aFirst = false;
    }
  }
  await out.finalize();
  if (!target.buffer) throw new Error('the muxer wrote nothing');
  const blob = new Blob([target.buffer], { type: container === 'mp4' ? 'video/mp4' : 'video/webm' });
  window.__videos ??= {};
  window.__videos[name] = blob;
  return { name, size: blob.size, frames: videoPackets.length, audioPackets: audioPackets.length };
}

/** Builds a video in the page (kept as window.__videos[name]). @param {Page} page @param {MakeVideoOptions} opts */
export function makeVideo(page, opts) {
  return page.evaluate(makeVideoInPage, opts);
}

/**
 * Copies window.__videos[name] into OPFS at dir/path.
 * @param {Page} page @param {string} name @param {string} dir @param {string} path
 */
export function videoToOpfs(page, name, dir, path) {
  return page.evaluate(
    async ({ name, dir, path }) => {
      const video = window.__videos?.[name];
      if (!video) throw new Error(`no video ${name} in the page`);
      const root = await navigator.storage.getDirectory();
      let d = await root.getDirectoryHandle(dir, { create: true });
      const parts = path.split('/');
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
      const w = await (await d.getFileHandle(parts[parts.length - 1], { create: true })).createWritable();
      await w.write(video);
      await w.close();
    },
    { name, dir, path },
  );
}

/**
 * In-page sampler source for probeVideo: reads the bar code (bit = closer to the white
 * calibration block than to the black one: works on inverted frames too) and the mean colour of
 * the red square. Returns { index, red: [r,g,b], inverted }.
 */
export const SAMPLER = `(rgba, w, h) => {
  const BITS = ${BITS}, cols = BITS + 2, band = Math.max(16, Math.floor(h / 5));
  const patch = (cx, cy, r) => {
    let s = [0, 0, 0], n = 0;
    for (let y = Math.max(0, cy - r); y <= Math.min(h - 1, cy + r); y++)
      for (let x = Math.max(0, cx - r); x <= Math.min(w - 1, cx + r); x++) {
        const o = (y * w + x) * 4; s[0] += rgba[o]; s[1] += rgba[o + 1]; s[2] += rgba[o + 2]; n++;
      }
    return s.map((v) => v / n);
  };
  const cy = Math.floor(band / 2), r = Math.max(1, Math.floor(Math.min(w / cols, band) / 5));
  const luma = (p) => (p[0] + p[1] + p[2]) / 3;
  const colX = (c) => Math.floor(((c + 0.5) * w) / cols);
  const white = luma(patch(colX(0), cy, r)), black = luma(patch(colX(1), cy, r));
  let index = 0;
  for (let k = 0; k < BITS; k++) {
    const v = luma(patch(colX(k + 2), cy, r));
    index = (index << 1) | (Math.abs(v - white) < Math.abs(v - black) ? 1 : 0);
  }
  const red = patch(Math.floor(w * 0.875), Math.floor(h * 0.85), Math.max(1, Math.floor(Math.min(w, h) / 20)));
  return { index, red: red.map(Math.round), inverted: white < black };
}`;

/**
 * What SAMPLER reads off a frame.
 * @typedef {{ index: number, red: number[], inverted: boolean }} Sample
 */

/**
 * Decodes a video Blob held in the page (window.__videos[name]) frame by frame, each frame read by SAMPLER.
 * @param {Page} page @param {string} name
 */
export async function probe(page, name) {
  // Defined by Playwright's own evaluation: the page's CSP forbids eval of a string in page code.
  await page.evaluate(`window.__sampler = ${SAMPLER}`);
  return page.evaluate(async (name) => {
    const video = window.__videos?.[name];
    if (!video) throw new Error(`no video ${name} in the page`);
    const fn = window.__sampler;
    if (!fn) throw new Error('no sampler in the page');
    return window.tessera.probeVideo(video, fn);
  }, name);
}

/**
 * A clip with a real face moving across it: the face crop `crop` ([x, y, w, h]) of an image file
 * handed to the page through a file input (page.setInputFiles: bytes, not base64), drawn at
 * `size` px wide on a plain background, moving left → right. Frames listed in `flipped` cover the
 * face's middle with a flat block (an occluder): the detector misses it, the tracker must bridge it.
 * Returns the face's drawn rectangle per frame. Kept as window.__videos[name]. With `more` (more
 * crops), each face moves in its own lane (the frame's width shared equally, the first face
 * leftmost), and `faces` gives every face's drawn rectangle per frame; `flipped` covers the first.
 */
/**
 * @param {Page} page
 * @param {{ name: string, image: string, crop: number[], more?: number[][], size?: number, width?: number, height?: number, frames?: number, fps?: number, flipped?: number[] }} opts
 * @returns {Promise<{ frames: number, rects: number[][], faces: number[][][] }>}
 */
export async function makeFaceVideo(
  page,
  { name, image, crop, more = [], size = 130, width = 320, height = 240, frames = 30, fps = 30, flipped = [] },
) {
  await handFiles(page, '__face-input', image);
  return page.evaluate(
    async ({ name, crop, more, size, width, height, frames, fps, flipped }) => {
      const mb = await window.tessera.loadMediabunny();
      const file = /** @type {HTMLInputElement} */ (document.getElementById('__face-input')).files?.[0];
      if (!file) throw new Error('no image was handed to the page');
      const bmp = await createImageBitmap(file);
      const crops = [crop, ...more];
      const lane = Math.floor(width / crops.length);
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext('2d', { willReadFrequently: true });
      if (!g) throw new Error('no 2D context');
      /** @type {import('mediabunny').EncodedPacket[]} */
      const packets = [];
      /** @type {EncodedVideoChunkMetadata | undefined} */
      let meta;
      /** @type {Error | undefined} */
      let err;
      const enc = new VideoEncoder({
        output: (c, m) => {
          packets.push(mb.EncodedPacket.fromEncodedChunk(c));
          if (m?.decoderConfig && !meta) meta = m;
        },
        error: (e) => (err = e),
      });
      enc.configure({ codec: 'avc1.640028', width, height, bitrate: 2_000_000, framerate: fps, avc: { format: 'avc' } });
      const us = 1e6 / fps;
      /** @type {number[][]} */
      const rects = [];
      /** @type {number[][][]} */
      const faces = [];
      for (let i = 0; i < frames; i++) {
        g.fillStyle = '#7a8a9a';
        g.fillRect(0, 0, width, height);
        faces.push(
          crops.map((c, j) => {
            const dh = Math.round((size * c[3]) / c[2]);
            const x = j * lane + Math.round(5 + ((lane - size - 10) * i) / Math.max(1, frames - 1));
            const y = Math.round((height - dh) / 2 + 15 * Math.sin(i / 5));
            g.drawImage(bmp, c[0], c[1], c[2], c[3], x, y, size, dh);
            if (j === 0 && flipped.includes(i)) {
              g.fillStyle = '#c8a080'; // an occluder (a hand) over the face's middle
              g.fillRect(x + size * 0.1, y + dh * 0.2, size * 0.8, dh * 0.6);
            }
            return [x, y, size, dh];
          }),
        );
        rects.push(faces[i][0]);
        const f = new VideoFrame(canvas, { timestamp: Math.round(i * us), duration: Math.round((i + 1) * us) - Math.round(i * us) });
        enc.encode(f, { keyFrame: i === 0 });
        f.close();
      }
      await enc.flush();
      enc.close();
      if (err) throw err;
      const target = new mb.BufferTarget();
      const out = new mb.Output({ format: new mb.Mp4OutputFormat({ fastStart: 'in-memory' }), target });
      const src = new mb.EncodedVideoPacketSource('avc');
      out.addVideoTrack(src, { frameRate: fps });
      await out.start();
      for (let i = 0; i < packets.length; i++) await src.add(packets[i], i === 0 ? meta : undefined);
      await out.finalize();
      if (!target.buffer) throw new Error('the muxer wrote nothing');
      window.__videos ??= {};
      window.__videos[name] = new Blob([target.buffer], { type: 'video/mp4' });
      return { frames: packets.length, rects, faces };
    },
    { name, crop, more, size, width, height, frames, fps, flipped },
  );
}

/**
 * A real-content clip for benches and tests: a slow pan (left → right, a little vertical drift)
 * across a photo upscaled so the window covers `zoom` of its width, drawn per frame on an
 * OffscreenCanvas and encoded with WebCodecs (H.264 High by default). With `audio`, a stereo track
 * (AAC when the browser's AudioEncoder has it, else Opus) of two slowly beating tones, so "audio
 * kept" can be checked. `image`: a file path (handed to the page through a file input). Kept as
 * window.__videos[name]; returns { frames, audioPackets, audioCodec, size, colorSpace }.
 */
/**
 * @param {Page} page
 * @param {{ name: string, image: string, width?: number, height?: number, frames?: number, fps?: number, codec?: string, bitrate?: number, audio?: boolean, zoom?: number, keyEvery?: number }} opts
 *   keyEvery: seconds between key frames.
 */
export async function makePanVideo(
  page,
  { name, image, width = 1920, height = 1080, frames = 300, fps = 30, codec, bitrate, audio = true, zoom = 0.7, keyEvery = 2 },
) {
  await handFiles(page, '__pan-input', image);
  return page.evaluate(
    async ({ name, width, height, frames, fps, codec, bitrate, audio, zoom, keyEvery }) => {
      const mb = await window.tessera.loadMediabunny();
      const file = /** @type {HTMLInputElement} */ (document.getElementById('__pan-input')).files?.[0];
      if (!file) throw new Error('no image was handed to the page');
      const bmp = await createImageBitmap(file);
      const mbs = Math.ceil(width / 16) * Math.ceil(height / 16);
      codec ??= mbs <= 8192 ? 'avc1.640028' : mbs <= 36864 ? 'avc1.640033' : 'avc1.64003e';
      // Source window: `zoom` of the photo's width at the clip's aspect ratio (clamped to the photo).
      let cw = bmp.width * zoom,
        ch = (cw * height) / width;
      if (ch > bmp.height * 0.95) {
        ch = bmp.height * 0.95;
        cw = (ch * width) / height;
      }
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no 2D context');
      g.imageSmoothingQuality = 'high';
      /** @type {import('mediabunny').EncodedPacket[]} */
      const packets = [];
      /** @type {EncodedVideoChunkMetadata | undefined} */
      let meta;
      /** @type {Error | undefined} */
      let err;
      /** @type {VideoColorSpaceInit | undefined} */
      let colorSpace;
      const enc = new VideoEncoder({
        output: (c, m) => {
          packets.push(mb.EncodedPacket.fromEncodedChunk(c));
          if (m?.decoderConfig && !meta) {
            meta = m;
            colorSpace = m.decoderConfig.colorSpace;
          }
        },
        error: (e) => (err = e),
      });
      /** @type {VideoEncoderConfig} */
      const cfg = {
        codec,
        width,
        height,
        bitrate: bitrate ?? Math.round(width * height * fps * 0.12),
        framerate: fps,
        latencyMode: 'quality',
      };
      if (codec.startsWith('avc1')) cfg.avc = { format: 'avc' };
      enc.configure(cfg);
      const us = 1e6 / fps;
      for (let i = 0; i < frames; i++) {
        if (err) throw new Error(`pan encoder (${codec} ${width}×${height}) failed: ${err.message}`);
        const t = frames > 1 ? i / (frames - 1) : 0;
        const sx = (bmp.width - cw) * t;
        const sy = ((bmp.height - ch) / 2) * (1 + 0.6 * Math.sin(2 * Math.PI * t));
        g.drawImage(bmp, sx, sy, cw, ch, 0, 0, width, height);
        const f = new VideoFrame(canvas, { timestamp: Math.round(i * us), duration: Math.round((i + 1) * us) - Math.round(i * us) });
        enc.encode(f, { keyFrame: i % Math.max(1, Math.round(fps * keyEvery)) === 0 });
        f.close();
        while (enc.encodeQueueSize > 2) await new Promise((r) => enc.addEventListener('dequeue', r, { once: true }));
      }
      await enc.flush();
      enc.close();
      if (err) throw err;

      /** @type {import('mediabunny').EncodedPacket[]} */
      const audioPackets = [];
      /** @type {EncodedAudioChunkMetadata | undefined} */
      let audioMeta;
      /** @type {'aac' | 'opus' | undefined} */
      let audioCodec;
      if (audio) {
        const sampleRate = 48000,
          channels = 2;
        const aac = { codec: 'mp4a.40.2', sampleRate, numberOfChannels: channels, bitrate: 128000 };
        const opus = { codec: 'opus', sampleRate, numberOfChannels: channels, bitrate: 96000 };
        const acfg = (await AudioEncoder.isConfigSupported(aac).then(
          (r) => r.supported,
          () => false,
        ))
          ? aac
          : opus;
        audioCodec = acfg.codec === 'opus' ? 'opus' : 'aac';
        // Its own error: the video encoder is closed by now.
        /** @type {Error | undefined} */
        let audioError;
        const aenc = new AudioEncoder({
          output: (chunk, m) => {
            audioPackets.push(mb.EncodedPacket.fromEncodedChunk(chunk));
            if (m?.decoderConfig && !audioMeta) audioMeta = m;
          },
          error: (e) => (audioError = e),
        });
        aenc.configure(acfg);
        const total = Math.round((frames / fps) * sampleRate);
        const n = 960;
        for (let s = 0; s < total; s += n) {
          const data = new Float32Array(n * channels); // planar: left then right
          for (let k = 0; k < n; k++) {
            const tt = (s + k) / sampleRate;
            data[k] = 0.15 * Math.sin(2 * Math.PI * 440 * tt);
            data[n + k] = 0.15 * Math.sin(2 * Math.PI * 443 * tt);
          }
          const ad = new AudioData({
            format: 'f32-planar',
            sampleRate,
            numberOfFrames: n,
            numberOfChannels: channels,
            timestamp: Math.round((s * 1e6) / sampleRate),
            data,
          });
          aenc.encode(ad);
          ad.close();
        }
        await aenc.flush();
        aenc.close();
        if (audioError) throw audioError;
      }
      const target = new mb.BufferTarget();
      const out = new mb.Output({ format: new mb.Mp4OutputFormat({ fastStart: 'in-memory' }), target });
      const vsrc = new mb.EncodedVideoPacketSource('avc');
      out.addVideoTrack(vsrc, { frameRate: fps });
      const asrc = audioCodec ? new mb.EncodedAudioPacketSource(audioCodec) : undefined;
      if (asrc) out.addAudioTrack(asrc);
      await out.start();
      const all = [...packets.map((p) => /** @type {const} */ (['v', p])), ...audioPackets.map((p) => /** @type {const} */ (['a', p]))];
      all.sort((x, y) => x[1].timestamp - y[1].timestamp || (x[0] === 'v' ? -1 : 1));
      let vFirst = true,
        aFirst = true;
      for (const [kind, p] of all) {
        if (kind === 'v') {
          await vsrc.add(p, vFirst ? meta : undefined);
          vFirst = false;
        } else if (asrc) {
          await asrc.add(p, aFirst ? audioMeta : undefined);
          aFirst = false;
        }
      }
      await out.finalize();
      if (!target.buffer) throw new Error('the muxer wrote nothing');
      window.__videos ??= {};
      window.__videos[name] = new Blob([target.buffer], { type: 'video/mp4' });
      return { name, frames: packets.length, audioPackets: audioPackets.length, audioCodec, size: target.buffer.byteLength, colorSpace };
    },
    { name, width, height, frames, fps, codec, bitrate, audio, zoom, keyEvery },
  );
}

/**
 * Hands a file on disk to the page as window.__videos[name] (through a file input: no base64).
 * @param {Page} page @param {string} name @param {string} path
 */
export async function loadVideoFile(page, name, path) {
  await handFiles(page, '__video-file', path);
  return page.evaluate((name) => {
    window.__videos ??= {};
    const f = /** @type {HTMLInputElement} */ (document.getElementById('__video-file')).files?.[0];
    if (!f) throw new Error('no video file was handed to the page');
    window.__videos[name] = f;
    return f.size;
  }, name);
}
