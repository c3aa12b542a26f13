// PNG image data (the zlib stream of an IDAT) for 8-bit rows, fast: a per-row filter chosen from
// None, Sub and Up by libpng's minimum-sum-of-absolute-differences heuristic, then deflate with
// zlib's Z_RLE strategy (matches only at distance 1, i.e. runs) and one dynamic Huffman code per
// block of at most 65,535 symbols, or a stored block where that is smaller. No LZ77 search: on
// photographs and their edge maps the runs and the entropy coder give nearly all of deflate's
// gain (smaller than zlib level 6 on unfiltered rows), at a fraction of the time.
//
// Huffman code lengths: Moffat–Katajainen in-place minimum redundancy, limited to 15 (7 for the
// code-length code) the way miniz does it. Scratch tables live at the start of this module's
// heap; callers lay their buffers out after heapBase().

import { heapBaseAfter, reserveAfter } from './lib/memory';

// ---- scratch layout (bytes from __heap_base)
const LIT_FREQ: usize = 0; //    288 × u32
const DIST_FREQ: usize = 1152; // 32 × u32
const CL_FREQ: usize = 1280; //   19 × u32 (80)
const LIT_LEN: usize = 1360; //  288 × u8
const DIST_LEN: usize = 1648; //  32 × u8
const CL_LEN: usize = 1680; //    19 × u8 (32)
const LIT_CODE: usize = 1712; // 288 × u16
const DIST_CODE: usize = 2288; // 32 × u16
const CL_CODE: usize = 2352; //   19 × u16 (64)
const SORT_KEY: usize = 2416; // 288 × u32 (keys)
const SORT_SYM: usize = 3568; // 288 × u16
const NUM_CODES: usize = 4144; // 64 × i32
const NEXT_CODE: usize = 4400; // 16 × u32
const CL_SEQ: usize = 4464; //   320 × u16 (symbol | extra << 5)
const LEN_SYM: usize = 5104; //  259 × u16
const LEN_EXTRA: usize = 5624; // 259 × u8 bits
const LEN_VAL: usize = 5888; //  259 × u16 extra value
const TOKENS: usize = 6416; //   65536 × u16
const SCRATCH: usize = TOKENS + 131072;

export function heapBase(): usize {
  return heapBaseAfter(SCRATCH);
}

export function reserve(bytes: usize): void {
  reserveAfter(SCRATCH, bytes);
}

const LEN_BASE: StaticArray<u16> = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_BITS: StaticArray<u8> = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const CL_ORDER: StaticArray<u8> = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let tablesReady = false;
function lengthTables(): void {
  if (tablesReady) return;
  const s = __heap_base;
  for (let c = 0; c < 29; c++) {
    const base = <i32>LEN_BASE[c];
    const next = c == 28 ? 259 : <i32>LEN_BASE[c + 1];
    for (let l = base; l < next && l <= 258; l++) {
      store<u16>(s + LEN_SYM + (<usize>l << 1), <u16>(257 + c));
      store<u8>(s + LEN_EXTRA + <usize>l, LEN_BITS[c]);
      store<u16>(s + LEN_VAL + (<usize>l << 1), <u16>(l - base));
    }
  }
  tablesReady = true;
}

// ---- bit writer (LSB first)
let out: usize = 0;
let bitBuf: u64 = 0;
let bitCount: u32 = 0;

// @ts-ignore: decorator
@inline function put(bits: u32, n: u32): void {
  bitBuf |= (<u64>bits) << bitCount;
  bitCount += n;
  if (bitCount >= 32) {
    store<u32>(out, <u32>bitBuf);
    out += 4;
    bitBuf >>= 32;
    bitCount -= 32;
  }
}

function alignByte(): void {
  while (bitCount > 0) {
    store<u8>(out, <u8>bitBuf);
    out++;
    bitBuf >>= 8;
    bitCount = bitCount >= 8 ? bitCount - 8 : 0;
  }
  bitBuf = 0;
}

// ---- Huffman code lengths and canonical codes

/** Code lengths (≤ maxLen) for `n` symbols' frequencies at `freq` (u32) into `lens` (u8). */
function buildLengths(freq: usize, n: i32, lens: usize, maxLen: i32): void {
  const s = __heap_base;
  const key = s + SORT_KEY;
  const sym = s + SORT_SYM;
  let used = 0;
  for (let i = 0; i < n; i++) {
    store<u8>(lens + <usize>i, 0);
    const f = load<u32>(freq + (<usize>i << 2));
    if (f == 0) continue;
    // insertion sort by frequency, ascending (stable by symbol)
    let j = used++;
    while (j > 0 && load<u32>(key + (<usize>(j - 1) << 2)) > f) {
      store<u32>(key + (<usize>j << 2), load<u32>(key + (<usize>(j - 1) << 2)));
      store<u16>(sym + (<usize>j << 1), load<u16>(sym + (<usize>(j - 1) << 1)));
      j--;
    }
    store<u32>(key + (<usize>j << 2), f);
    store<u16>(sym + (<usize>j << 1), <u16>i);
  }
  if (used == 0) return;
  if (used == 1) {
    store<u8>(lens + <usize>load<u16>(sym), 1);
    return;
  }
  // Moffat–Katajainen: in place, keys become code lengths (of the ascending list).
  const A = key;
  store<u32>(A, load<u32>(A) + load<u32>(A + 4));
  let root = 0, leaf = 2;
  for (let next = 1; next < used - 1; next++) {
    if (leaf >= used || load<u32>(A + (<usize>root << 2)) < load<u32>(A + (<usize>leaf << 2))) {
      store<u32>(A + (<usize>next << 2), load<u32>(A + (<usize>root << 2)));
      store<u32>(A + (<usize>root << 2), next);
      root++;
    } else {
      store<u32>(A + (<usize>next << 2), load<u32>(A + (<usize>leaf << 2)));
      leaf++;
    }
    if (leaf >= used || (root < next && load<u32>(A + (<usize>root << 2)) < load<u32>(A + (<usize>leaf << 2)))) {
      store<u32>(A + (<usize>next << 2), load<u32>(A + (<usize>next << 2)) + load<u32>(A + (<usize>root << 2)));
      store<u32>(A + (<usize>root << 2), next);
      root++;
    } else {
      store<u32>(A + (<usize>next << 2), load<u32>(A + (<usize>next << 2)) + load<u32>(A + (<usize>leaf << 2)));
      leaf++;
    }
  }
  store<u32>(A + (<usize>(used - 2) << 2), 0);
  for (let next = used - 3; next >= 0; next--) {
    store<u32>(A + (<usize>next << 2), load<u32>(A + (<usize>load<u32>(A + (<usize>next << 2)) << 2)) + 1);
  }
  let avbl = 1, usedN = 0, depth = 0;
  root = used - 2;
  let next = used - 1;
  while (avbl > 0) {
    while (root >= 0 && <i32>load<u32>(A + (<usize>root << 2)) == depth) {
      usedN++;
      root--;
    }
    while (avbl > usedN) {
      store<u32>(A + (<usize>next << 2), depth);
      next--;
      avbl--;
    }
    avbl = 2 * usedN;
    depth++;
    usedN = 0;
  }
  // Count per length, then limit to maxLen (miniz tdefl_huffman_enforce_max_code_size).
  const num = s + NUM_CODES;
  for (let i = 0; i < 64; i++) store<i32>(num + (<usize>i << 2), 0);
  for (let i = 0; i < used; i++) {
    let l = <i32>load<u32>(A + (<usize>i << 2));
    if (l > 63) l = 63;
    store<i32>(num + (<usize>l << 2), load<i32>(num + (<usize>l << 2)) + 1);
  }
  for (let i = maxLen + 1; i < 64; i++) {
    store<i32>(num + (<usize>maxLen << 2), load<i32>(num + (<usize>maxLen << 2)) + load<i32>(num + (<usize>i << 2)));
  }
  let total: u32 = 0;
  for (let i = maxLen; i > 0; i--) total += (<u32>load<i32>(num + (<usize>i << 2))) << (<u32>(maxLen - i));
  while (total != (<u32>1 << <u32>maxLen)) {
    store<i32>(num + (<usize>maxLen << 2), load<i32>(num + (<usize>maxLen << 2)) - 1);
    for (let i = maxLen - 1; i > 0; i--) {
      const c = load<i32>(num + (<usize>i << 2));
      if (c != 0) {
        store<i32>(num + (<usize>i << 2), c - 1);
        store<i32>(num + (<usize>(i + 1) << 2), load<i32>(num + (<usize>(i + 1) << 2)) + 2);
        break;
      }
    }
    total--;
  }
  // Shortest codes to the most frequent symbols (the end of the ascending list).
  let j = used;
  for (let l = 1; l <= maxLen; l++) {
    for (let c = load<i32>(num + (<usize>l << 2)); c > 0; c--) {
      j--;
      store<u8>(lens + <usize>load<u16>(sym + (<usize>j << 1)), <u8>l);
    }
  }
}

/** Canonical codes for `lens`, bit-reversed for LSB-first output. */
function buildCodes(lens: usize, n: i32, codes: usize): void {
  const s = __heap_base;
  const nc = s + NEXT_CODE;
  const num = s + NUM_CODES;
  for (let i = 0; i < 16; i++) store<i32>(num + (<usize>i << 2), 0);
  for (let i = 0; i < n; i++) {
    const l = <i32>load<u8>(lens + <usize>i);
    store<i32>(num + (<usize>l << 2), load<i32>(num + (<usize>l << 2)) + 1);
  }
  store<i32>(num, 0);
  let code: u32 = 0;
  for (let b = 1; b < 16; b++) {
    code = (code + <u32>load<i32>(num + (<usize>(b - 1) << 2))) << 1;
    store<u32>(nc + (<usize>b << 2), code);
  }
  for (let i = 0; i < n; i++) {
    const l = <u32>load<u8>(lens + <usize>i);
    if (l == 0) {
      store<u16>(codes + (<usize>i << 1), 0);
      continue;
    }
    const c = load<u32>(nc + (<usize>l << 2));
    store<u32>(nc + (<usize>l << 2), c + 1);
    let r: u32 = 0;
    for (let k: u32 = 0; k < l; k++) r |= ((c >> k) & 1) << (l - 1 - k);
    store<u16>(codes + (<usize>i << 1), <u16>r);
  }
}

// ---- one block

/** Emits tokens[0..nTokens) (covering input [inStart, inEnd)) as the cheaper of dynamic or stored. */
function emitBlock(src: usize, inStart: usize, inEnd: usize, nTokens: i32, last: bool): void {
  const s = __heap_base;
  const litFreq = s + LIT_FREQ, distFreq = s + DIST_FREQ, clFreq = s + CL_FREQ;
  const litLen = s + LIT_LEN, distLen = s + DIST_LEN, clLen = s + CL_LEN;
  const litCode = s + LIT_CODE, distCode = s + DIST_CODE, clCode = s + CL_CODE;
  store<u32>(litFreq + (256 << 2), 1);
  buildLengths(litFreq, 286, litLen, 15);
  // Distance 1 is the only distance: one code of length 1 (valid even when unused).
  store<u8>(distLen, 1);
  for (let i = 1; i < 30; i++) store<u8>(distLen + <usize>i, 0);
  buildCodes(litLen, 286, litCode);
  buildCodes(distLen, 30, distCode);
  let hlit = 286;
  while (hlit > 257 && load<u8>(litLen + <usize>(hlit - 1)) == 0) hlit--;
  const hdist = 1;
  // Code-length sequence over lit lengths then dist lengths, with repeat codes 16/17/18.
  for (let i = 0; i < 19; i++) store<u32>(clFreq + (<usize>i << 2), 0);
  const seq = s + CL_SEQ;
  let nSeq = 0;
  const total = hlit + hdist;
  let i = 0;
  while (i < total) {
    const l = i < hlit ? load<u8>(litLen + <usize>i) : load<u8>(distLen + <usize>(i - hlit));
    let run = 1;
    while (i + run < total && run < 138) {
      const m = i + run < hlit ? load<u8>(litLen + <usize>(i + run)) : load<u8>(distLen + <usize>(i + run - hlit));
      if (m != l) break;
      run++;
    }
    if (l == 0 && run >= 3) {
      if (run >= 11) {
        store<u16>(seq + (<usize>(nSeq++) << 1), <u16>(18 | ((run - 11) << 5)));
        store<u32>(clFreq + (18 << 2), load<u32>(clFreq + (18 << 2)) + 1);
      } else {
        store<u16>(seq + (<usize>(nSeq++) << 1), <u16>(17 | ((run - 3) << 5)));
        store<u32>(clFreq + (17 << 2), load<u32>(clFreq + (17 << 2)) + 1);
      }
      i += run;
      continue;
    }
    // The value once, then repeats of it in chunks of 3–6 (code 16), the rest literally.
    store<u16>(seq + (<usize>(nSeq++) << 1), <u16>l);
    store<u32>(clFreq + (<usize>l << 2), load<u32>(clFreq + (<usize>l << 2)) + 1);
    let r = run - 1;
    while (l != 0 && r >= 3) {
      const c = r < 6 ? r : 6;
      store<u16>(seq + (<usize>(nSeq++) << 1), <u16>(16 | ((c - 3) << 5)));
      store<u32>(clFreq + (16 << 2), load<u32>(clFreq + (16 << 2)) + 1);
      r -= c;
    }
    while (r > 0) {
      store<u16>(seq + (<usize>(nSeq++) << 1), <u16>l);
      store<u32>(clFreq + (<usize>l << 2), load<u32>(clFreq + (<usize>l << 2)) + 1);
      r--;
    }
    i += run;
  }
  buildLengths(clFreq, 19, clLen, 7);
  buildCodes(clLen, 19, clCode);
  let hclen = 19;
  while (hclen > 4 && load<u8>(clLen + <usize>CL_ORDER[hclen - 1]) == 0) hclen--;

  // Cost in bits of the dynamic block vs stored.
  let bits: u64 = 3 + 5 + 5 + 4 + 3 * <u64>hclen;
  for (let k = 0; k < 19; k++) {
    const extra: u64 = k == 16 ? 2 : k == 17 ? 3 : k == 18 ? 7 : 0;
    bits += <u64>load<u32>(clFreq + (<usize>k << 2)) * (<u64>load<u8>(clLen + <usize>k) + extra);
  }
  for (let k = 0; k < 286; k++) {
    const f = <u64>load<u32>(litFreq + (<usize>k << 2));
    if (f == 0) continue;
    const extra: u64 = k >= 265 && k < 285 ? <u64>LEN_BITS[k - 257] : 0;
    bits += f * (<u64>load<u8>(litLen + <usize>k) + extra);
    if (k > 256) bits += f; // the distance code (1 bit)
  }
  const rawBytes = inEnd - inStart;
  const storedBits: u64 = (<u64>rawBytes + 5 * ((<u64>rawBytes + 65534) / 65535 + 1)) * 8 + 7;
  if (storedBits < bits) {
    let p = inStart;
    do {
      const len = inEnd - p < 65535 ? inEnd - p : 65535;
      const fin: u32 = last && p + len == inEnd ? 1 : 0;
      put(fin, 3); // BTYPE 00
      alignByte();
      store<u16>(out, <u16>len);
      store<u16>(out + 2, <u16>~len);
      out += 4;
      memory.copy(out, src + p, len);
      out += len;
      p += len;
    } while (p < inEnd);
  } else {
    put(last ? 1 : 0, 1);
    put(2, 2);
    put(<u32>(hlit - 257), 5);
    put(<u32>(hdist - 1), 5);
    put(<u32>(hclen - 4), 4);
    for (let k = 0; k < hclen; k++) put(<u32>load<u8>(clLen + <usize>CL_ORDER[k]), 3);
    for (let k = 0; k < nSeq; k++) {
      const v = <u32>load<u16>(seq + (<usize>k << 1));
      const sym = v & 31;
      put(<u32>load<u16>(clCode + (<usize>sym << 1)), <u32>load<u8>(clLen + <usize>sym));
      if (sym == 16) put(v >> 5, 2);
      else if (sym == 17) put(v >> 5, 3);
      else if (sym == 18) put(v >> 5, 7);
    }
    const tok = s + TOKENS;
    const d0code = <u32>load<u16>(distCode);
    for (let k = 0; k < nTokens; k++) {
      const t = <u32>load<u16>(tok + (<usize>k << 1));
      if (t < 256) {
        put(<u32>load<u16>(litCode + (<usize>t << 1)), <u32>load<u8>(litLen + <usize>t));
      } else {
        const len = t - 256;
        const sym = <u32>load<u16>(s + LEN_SYM + (<usize>len << 1));
        put(<u32>load<u16>(litCode + (<usize>sym << 1)), <u32>load<u8>(litLen + <usize>sym));
        const eb = <u32>load<u8>(s + LEN_EXTRA + <usize>len);
        if (eb) put(<u32>load<u16>(s + LEN_VAL + (<usize>len << 1)), eb);
        put(d0code, 1);
      }
    }
    put(<u32>load<u16>(litCode + (256 << 1)), <u32>load<u8>(litLen + 256));
  }
}

/** zlib stream (RLE deflate) of src[0..n) into dst; returns its length. */
function zlibRle(src: usize, n: usize, dst: usize): usize {
  lengthTables();
  const s = __heap_base;
  out = dst;
  bitBuf = 0;
  bitCount = 0;
  store<u8>(out, 0x78);
  store<u8>(out + 1, 0x01);
  out += 2;
  const litFreq = s + LIT_FREQ;
  const tok = s + TOKENS;
  let i: usize = 0;
  do {
    for (let k = 0; k < 288; k++) store<u32>(litFreq + (<usize>k << 2), 0);
    const start = i;
    let nt = 0;
    while (i < n && nt < 65535) {
      const b = load<u8>(src + i);
      if (i > 0 && b == load<u8>(src + i - 1)) {
        let run: usize = 1;
        const limit: usize = n - i < 258 ? n - i : 258;
        while (run < limit && load<u8>(src + i + run) == b) run++;
        if (run >= 3) {
          store<u16>(tok + (<usize>(nt++) << 1), <u16>(256 + run));
          const sym = <usize>load<u16>(s + LEN_SYM + (run << 1));
          store<u32>(litFreq + (sym << 2), load<u32>(litFreq + (sym << 2)) + 1);
          i += run;
          continue;
        }
      }
      store<u16>(tok + (<usize>(nt++) << 1), <u16>b);
      store<u32>(litFreq + (<usize>b << 2), load<u32>(litFreq + (<usize>b << 2)) + 1);
      i++;
    }
    emitBlock(src, start, i, nt, i >= n);
  } while (i < n);
  alignByte();
  // Adler-32 of the uncompressed data, big-endian.
  let a: u32 = 1, b2: u32 = 0;
  let p: usize = 0;
  while (p < n) {
    const end = n - p < 5552 ? n : p + 5552;
    for (; p < end; p++) {
      a += <u32>load<u8>(src + p);
      b2 += a;
    }
    a %= 65521;
    b2 %= 65521;
  }
  const adler = (b2 << 16) | a;
  store<u8>(out, <u8>(adler >> 24));
  store<u8>(out + 1, <u8>(adler >> 16));
  store<u8>(out + 2, <u8>(adler >> 8));
  store<u8>(out + 3, <u8>adler);
  out += 4;
  return out - dst;
}

// @ts-ignore: decorator
@inline function sabs(v: u32): u32 {
  return v < 128 ? v : 256 - v;
}

/**
 * Filters h rows of `row` bytes (bpp bytes per pixel) at `src` into `filt` — each row prefixed by
 * its filter type, None/Sub/Up by the smallest sum of |signed byte| — then writes the zlib stream
 * to `dst`. Returns the stream's length. `filt` needs h × (row + 1) bytes; `dst` as much + 5 per
 * 65,535 + 16.
 */
export function encodeIdat(src: usize, row: i32, h: i32, bpp: i32, filt: usize, dst: usize): usize {
  const rb = <usize>row + 1;
  for (let y = 0; y < h; y++) {
    const cur = src + <usize>y * <usize>row;
    const prev = cur - <usize>row;
    let sNone: u32 = 0, sSub: u32 = 0, sUp: u32 = 0;
    // |signed byte| is i8x16.abs read as unsigned (abs(−128) wraps to 128, as it should); the
    // first 16 bytes (where Sub's left neighbour may not exist) and the tail are done one by one.
    const head = row < 16 ? row : 16;
    let x = 0;
    for (; x < head; x++) {
      const v = <u32>load<u8>(cur + <usize>x);
      sNone += sabs(v);
      const left = x >= bpp ? <u32>load<u8>(cur + <usize>(x - bpp)) : 0;
      sSub += sabs((v - left) & 255);
      const up = y > 0 ? <u32>load<u8>(prev + <usize>x) : 0;
      sUp += sabs((v - up) & 255);
    }
    let aN = i32x4.splat(0), aS = i32x4.splat(0), aU = i32x4.splat(0);
    for (; x + 16 <= row; x += 16) {
      const v = v128.load(cur + <usize>x);
      const l = v128.load(cur + <usize>(x - bpp));
      aN = i32x4.add(aN, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(i8x16.abs(v))));
      aS = i32x4.add(aS, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(i8x16.abs(i8x16.sub(v, l)))));
      if (y > 0) aU = i32x4.add(aU, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(i8x16.abs(i8x16.sub(v, v128.load(prev + <usize>x))))));
    }
    sNone += i32x4.extract_lane(aN, 0) + i32x4.extract_lane(aN, 1) + i32x4.extract_lane(aN, 2) + i32x4.extract_lane(aN, 3);
    sSub += i32x4.extract_lane(aS, 0) + i32x4.extract_lane(aS, 1) + i32x4.extract_lane(aS, 2) + i32x4.extract_lane(aS, 3);
    if (y > 0) sUp += i32x4.extract_lane(aU, 0) + i32x4.extract_lane(aU, 1) + i32x4.extract_lane(aU, 2) + i32x4.extract_lane(aU, 3);
    for (; x < row; x++) {
      const v = <u32>load<u8>(cur + <usize>x);
      sNone += sabs(v);
      sSub += sabs((v - <u32>load<u8>(cur + <usize>(x - bpp))) & 255);
      const up = y > 0 ? <u32>load<u8>(prev + <usize>x) : 0;
      sUp += sabs((v - up) & 255);
    }
    if (y == 0) sUp = sNone;
    const o = filt + <usize>y * rb;
    let kind: u8 = 0;
    if (sSub < sNone && sSub <= sUp) kind = 1;
    else if (sUp < sNone && sUp < sSub) kind = 2;
    store<u8>(o, kind);
    if (kind == 0) memory.copy(o + 1, cur, <usize>row);
    else if (kind == 1) {
      let x = 0;
      for (; x < bpp && x < row; x++) store<u8>(o + 1 + <usize>x, load<u8>(cur + <usize>x));
      for (; x + 16 <= row; x += 16) v128.store(o + 1 + <usize>x, i8x16.sub(v128.load(cur + <usize>x), v128.load(cur + <usize>(x - bpp))));
      for (; x < row; x++) store<u8>(o + 1 + <usize>x, <u8>(<u32>load<u8>(cur + <usize>x) - <u32>load<u8>(cur + <usize>(x - bpp))));
    } else {
      let x = 0;
      for (; x + 16 <= row; x += 16) v128.store(o + 1 + <usize>x, i8x16.sub(v128.load(cur + <usize>x), v128.load(prev + <usize>x)));
      for (; x < row; x++) store<u8>(o + 1 + <usize>x, <u8>(<u32>load<u8>(cur + <usize>x) - <u32>load<u8>(prev + <usize>x)));
    }
  }
  return zlibRle(filt, rb * <usize>h, dst);
}
