/**
 * A ZIP reader over bytes in memory, for Inspect `.eval` logs: central directory (with Zip64), local headers,
 * stored, deflate (via fflate) and zstd (method 93, via fzstd) members, CRC-32 checks, and caps on the entry
 * count and the decompressed bytes. Nothing is extracted: names are only map keys, never paths.
 *
 * Members are decompressed as a stream into a sink, a bounded piece at a time, and decompression stops at the
 * first byte beyond the member's declared size or the archive's budget, so a ZIP bomb costs a few megabytes of
 * memory, not gigabytes. When a name occurs twice, the later central-directory entry wins (Inspect appends a
 * requeued sample under the same name).
 */
import { Inflate, inflateSync } from 'fflate';
import { Decompress as ZstdDecompress, decompress as zstdDecompress } from 'fzstd';
import { GreenlightError } from '../../errors.js';
import { CRC32_INIT, crc32Update } from './crc32.js';
import { printable } from './text.js';

export interface ZipLimits {
  maxEntries: number;
  maxDecompressedBytes: number;
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly csize: number;
  readonly usize: number;
  readonly localOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_ZSTD = 93;

const METHOD_NAMES: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  95: 'xz',
  98: 'ppmd',
  99: 'AES encryption',
};

/**
 * Compressed bytes handed to the inflater at a time. Deflate expands at most ~1032×, so a step is sized from
 * the output the member may still produce plus a slack: one step overshoots the declared size by at most the
 * slack (4 MiB), however the data lies. Smaller steps than 4 KiB cost fflate dearly.
 */
const INFLATE_SLACK = 4 * 1024 * 1024;
const INFLATE_MAX_STEP = 64 * 1024;
/** Compressed bytes handed to the zstd decoder at a time (it emits one block, ≤ 128 KiB, at a time). */
const ZSTD_STEP = 256 * 1024;
/** Stored members are passed on in pieces of this size. */
const STORED_STEP = 1024 * 1024;
/** The largest zstd window accepted (zstd's own default limit for decoders, 2^27). */
const ZSTD_MAX_WINDOW = 128 * 1024 * 1024;
/**
 * Small members are decoded in one call into a buffer of their declared size: the streaming decoders allocate
 * per member (fflate grows its buffer by 128 KiB steps, fzstd allocates the frame's whole window, 2 MiB and
 * more), which costs more than the decoding itself for the tens of thousands of small members of a large log.
 * The output cannot exceed the buffer; the compressed-size cap bounds the work a lying member can cause (deflate
 * expands at most ~1032×), and an overflow is detected (deflate) or ruled out from the block headers (zstd).
 */
const ONE_SHOT_MAX_OUT = 8 * 1024 * 1024;
const ONE_SHOT_MAX_IN = 16 * 1024;
const ZSTD_BLOCK_MAX = 128 * 1024;

const names = new TextDecoder('utf-8');

function mib(n: number): string {
  return n >= 1024 * 1024
    ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`
    : `${n} bytes`;
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  /** Entries in the central directory, duplicates included. */
  readonly entryCount: number;
  /** Compressed bytes of the members read so far (for progress). */
  compressedRead = 0;
  private decompressed = 0;
  private readonly view: DataView;
  private readonly cdOffset: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
    private readonly limits: ZipLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { count, cdOffset, cdSize, cdLimit } = this.readEnd();
    if (count > limits.maxEntries)
      throw new GreenlightError(
        'too_large',
        `${file}: the archive declares ${count} entries, more than the limit of ${limits.maxEntries}`,
      );
    if (cdOffset + cdSize > cdLimit)
      throw this.bad('the central directory lies outside the archive (truncated or corrupt)');
    if (count * 46 > cdSize)
      throw this.bad(`the archive declares ${count} entries but its central directory holds ${cdSize} bytes`);
    this.cdOffset = cdOffset;
    this.entryCount = count;
    this.readCentralDirectory(count, cdOffset, cdOffset + cdSize);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Decompressed bytes read so far, across members. */
  get decompressedBytes(): number {
    return this.decompressed;
  }

  private bad(message: string): GreenlightError {
    return new GreenlightError('invalid_input', `${this.file}: ${message}`);
  }

  private u16(p: number): number {
    return this.view.getUint16(p, true);
  }

  private u32(p: number): number {
    return this.view.getUint32(p, true);
  }

  private u64(p: number, what: string): number {
    const v = this.view.getBigUint64(p, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.bad(`${what} ${v} is out of range`);
    return Number(v);
  }

  /** The end-of-central-directory record, and the Zip64 one when present. */
  private readEnd(): { count: number; cdOffset: number; cdSize: number; cdLimit: number } {
    const len = this.bytes.length;
    if (len < 22) throw this.bad(`${len} bytes is too short to be a ZIP archive (truncated?)`);
    let eocd = -1;
    const lowest = Math.max(0, len - 22 - 0xffff);
    for (let p = len - 22; p >= lowest; p--) {
      if (this.bytes[p] === 0x50 && this.u32(p) === SIG_EOCD && p + 22 + this.u16(p + 20) === len) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) throw this.bad('no end-of-central-directory record: not a ZIP archive, or truncated');
    const disk = this.u16(eocd + 4);
    const cdDisk = this.u16(eocd + 6);
    let count = this.u16(eocd + 10);
    let cdSize = this.u32(eocd + 12);
    let cdOffset = this.u32(eocd + 16);
    let cdLimit = eocd;
    const hasLocator = eocd >= 20 && this.u32(eocd - 20) === SIG_ZIP64_LOCATOR;
    if (hasLocator) {
      const z = this.u64(eocd - 20 + 8, 'the Zip64 end-of-central-directory offset');
      if (z + 56 > eocd - 20 || this.u32(z) !== SIG_ZIP64_EOCD)
        throw this.bad('the Zip64 end-of-central-directory record is missing or corrupt (truncated?)');
      if (this.u32(z + 16) !== 0 || this.u32(z + 20) !== 0) throw this.unsupported('multi-disk archives');
      count = this.u64(z + 32, 'the Zip64 entry count');
      cdSize = this.u64(z + 40, 'the Zip64 central directory size');
      cdOffset = this.u64(z + 48, 'the Zip64 central directory offset');
      cdLimit = z;
    } else {
      if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
        throw this.bad('the archive needs Zip64 records but has none (truncated or corrupt)');
      if (disk !== 0 || cdDisk !== 0) throw this.unsupported('multi-disk archives');
    }
    return { count, cdOffset, cdSize, cdLimit };
  }

  private unsupported(what: string): GreenlightError {
    return new GreenlightError('unsupported', `${this.file}: ${what} are not supported`);
  }

  private readCentralDirectory(count: number, start: number, end: number): void {
    let p = start;
    for (let k = 0; k < count; k++) {
      if (p + 46 > end || this.u32(p) !== SIG_CENTRAL)
        throw this.bad(`central directory entry ${k + 1} of ${count} is missing or corrupt`);
      const flags = this.u16(p + 8);
      const method = this.u16(p + 10);
      const crc = this.u32(p + 16);
      let csize = this.u32(p + 20);
      let usize = this.u32(p + 24);
      const nameLen = this.u16(p + 28);
      const extraLen = this.u16(p + 30);
      const commentLen = this.u16(p + 32);
      let localOffset = this.u32(p + 42);
      const next = p + 46 + nameLen + extraLen + commentLen;
      if (next > end) throw this.bad(`central directory entry ${k + 1} of ${count} runs past its end`);
      const name = names.decode(this.bytes.subarray(p + 46, p + 46 + nameLen));
      if (usize === 0xffffffff || csize === 0xffffffff || localOffset === 0xffffffff) {
        // Zip64 extended information: the 64-bit values of the saturated fields, in this order.
        let e = p + 46 + nameLen;
        const extraEnd = e + extraLen;
        let found = false;
        while (e + 4 <= extraEnd) {
          const id = this.u16(e);
          const size = this.u16(e + 2);
          const dataEnd = e + 4 + size;
          if (dataEnd > extraEnd) break;
          if (id === 0x0001) {
            let q = e + 4;
            const take = (what: string) => {
              if (q + 8 > dataEnd)
                throw this.bad(`member ${printable(name)}: the Zip64 extra field is too short for ${what}`);
              const v = this.u64(q, `member ${printable(name)}: ${what}`);
              q += 8;
              return v;
            };
            if (usize === 0xffffffff) usize = take('the uncompressed size');
            if (csize === 0xffffffff) csize = take('the compressed size');
            if (localOffset === 0xffffffff) localOffset = take('the local header offset');
            found = true;
            break;
          }
          e = dataEnd;
        }
        if (!found)
          throw this.bad(
            `member ${printable(name)}: 32-bit sizes are saturated but there is no Zip64 extra field`,
          );
      }
      this.entries.set(name, { name, method, flags, crc, csize, usize, localOffset });
      p = next;
    }
  }

  /**
   * Streams the decompressed bytes of member `name` into `sink`, checking its declared size and CRC-32 and the
   * archive's decompression budget. Pieces handed to `sink` are fresh and may be kept.
   */
  read(name: string, sink: (chunk: Uint8Array) => void): void {
    const e = this.entries.get(name);
    const where = `member ${printable(name)}`;
    if (e === undefined) throw this.bad(`no ${where}`);
    if ((e.flags & 0x41) !== 0)
      throw new GreenlightError('unsupported', `${this.file}: ${where} is encrypted`);
    if (e.method !== METHOD_STORED && e.method !== METHOD_DEFLATE && e.method !== METHOD_ZSTD) {
      const label = METHOD_NAMES[e.method];
      throw new GreenlightError(
        'unsupported',
        `${this.file}: ${where} uses compression method ${e.method}${label ? ` (${label})` : ''}; only stored, deflate and zstd are supported`,
      );
    }
    const remaining = this.limits.maxDecompressedBytes - this.decompressed;
    if (e.usize > remaining)
      throw new GreenlightError(
        'too_large',
        `${this.file}: ${where} declares ${mib(e.usize)} uncompressed, beyond the limit of ${mib(this.limits.maxDecompressedBytes)} decompressed per archive`,
      );
    const data = this.memberData(e, where);
    let out = 0;
    let crc = CRC32_INIT;
    let sinkError: unknown;
    const onData = (chunk: Uint8Array) => {
      if (chunk.length === 0) return;
      out += chunk.length;
      if (out > e.usize)
        throw this.bad(
          `${where} decompresses to more than its declared ${e.usize} bytes (corrupt, or a ZIP bomb)`,
        );
      this.decompressed += chunk.length;
      crc = crc32Update(crc, chunk);
      try {
        sink(chunk);
      } catch (err) {
        sinkError = err;
        throw err;
      }
    };
    try {
      if (e.method === METHOD_STORED) {
        if (e.csize !== e.usize) throw this.bad(`${where} is stored but its two sizes differ`);
        for (let p = 0; p < data.length; p += STORED_STEP) onData(data.slice(p, p + STORED_STEP));
      } else if (e.method === METHOD_DEFLATE) {
        if (e.usize <= ONE_SHOT_MAX_OUT && data.length <= ONE_SHOT_MAX_IN) {
          // One byte more than declared: a longer output shows as a full buffer.
          onData(inflateSync(data, { out: new Uint8Array(e.usize + 1) }));
        } else inflateInSteps(data, onData, () => e.usize - out);
      } else {
        const { frames, maxOut } = this.checkZstdFrames(data, e, where);
        // One shot: the output cannot exceed the buffer, and a short output fails the CRC-32 check.
        if (frames === 1 && e.usize <= ONE_SHOT_MAX_OUT && maxOut <= 2 * e.usize + ZSTD_BLOCK_MAX)
          onData(zstdDecompress(data, new Uint8Array(e.usize)));
        else zstdInSteps(data, onData);
      }
    } catch (err) {
      // The sink's own errors pass through; anything else came from a decoder fed bad data.
      if (err instanceof GreenlightError || err === sinkError) throw err;
      const detail = err instanceof Error ? err.message : String(err);
      throw this.bad(
        `${where}: corrupt ${e.method === METHOD_ZSTD ? 'zstd' : 'deflate'} data (${detail || 'decoder error'})`,
      );
    } finally {
      this.compressedRead += data.length;
    }
    if (out !== e.usize)
      throw this.bad(
        `${where} decompresses to ${out} bytes, not the declared ${e.usize} (truncated or corrupt)`,
      );
    if (crc !== e.crc) throw this.bad(`${where} fails its CRC-32 check (corrupt)`);
  }

  /** The compressed bytes of a member, located through its local header. */
  private memberData(e: ZipEntry, where: string): Uint8Array {
    const p = e.localOffset;
    if (p + 30 > this.cdOffset || p + 30 > this.bytes.length)
      throw this.bad(`${where}: its local header lies outside the archive (truncated or corrupt)`);
    if (this.u32(p) !== SIG_LOCAL) throw this.bad(`${where}: bad local header signature (corrupt)`);
    const nameLen = this.u16(p + 26);
    const extraLen = this.u16(p + 28);
    const start = p + 30 + nameLen + extraLen;
    const end = start + e.csize;
    if (end > this.cdOffset || end > this.bytes.length)
      throw this.bad(`${where}: its data runs past the end of the archive data (truncated or corrupt)`);
    const localName = names.decode(this.bytes.subarray(p + 30, p + 30 + nameLen));
    if (localName !== e.name) throw this.bad(`${where}: the local header names a different member (corrupt)`);
    return this.bytes.subarray(start, end);
  }

  /**
   * Walks the zstd frames of a member before decoding: refuses windows beyond 128 MiB and content sizes beyond
   * the member's declared size (the decoder allocates the window up front), dictionaries, and broken framing.
   * Returns the number of frames (skippable ones included) and an upper bound of the output from the block
   * headers (a compressed block yields at most 128 KiB).
   */
  private checkZstdFrames(data: Uint8Array, e: ZipEntry, where: string): { frames: number; maxOut: number } {
    const len = data.length;
    const bad = (m: string) => this.bad(`${where}: ${m}`);
    const u32 = (p: number) =>
      (data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24)) >>> 0;
    let p = 0;
    let frames = 0;
    let maxOut = 0;
    if (len === 0) throw bad('empty zstd data');
    while (p < len) {
      frames++;
      if (p + 4 > len) throw bad('truncated zstd frame');
      const magic = u32(p);
      if ((magic & 0xfffffff0) === 0x184d2a50) {
        if (p + 8 > len) throw bad('truncated zstd skippable frame');
        p += 8 + u32(p + 4);
        if (p > len) throw bad('truncated zstd skippable frame');
        continue;
      }
      if (magic !== 0xfd2fb528) throw bad('not zstd data (bad frame magic)');
      if (p + 5 > len) throw bad('truncated zstd frame header');
      const fhd = data[p + 4]!;
      if (fhd & 0x08) throw bad('corrupt zstd frame header (reserved bit set)');
      const single = (fhd >> 5) & 1;
      const fcsFlag = fhd >> 6;
      const dictFlag = fhd & 3;
      const checksum = (fhd >> 2) & 1;
      let q = p + 5;
      let window = 0;
      if (!single) {
        if (q >= len) throw bad('truncated zstd frame header');
        const wd = data[q++]!;
        const base = 2 ** (10 + (wd >> 3));
        window = base + (base / 8) * (wd & 7);
      }
      if (dictFlag !== 0)
        throw new GreenlightError('unsupported', `${this.file}: ${where} uses a zstd dictionary`);
      const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
      if (q + fcsBytes > len) throw bad('truncated zstd frame header');
      let fcs = -1;
      if (fcsBytes === 1) fcs = data[q]!;
      else if (fcsBytes === 2) fcs = (data[q]! | (data[q + 1]! << 8)) + 256;
      else if (fcsBytes === 4) fcs = u32(q);
      else if (fcsBytes === 8) fcs = u32(q) + u32(q + 4) * 2 ** 32;
      q += fcsBytes;
      if (single) window = fcs;
      if (fcs > e.usize) throw bad(`a zstd frame declares ${fcs} bytes, more than the member's ${e.usize}`);
      if (window > ZSTD_MAX_WINDOW)
        throw new GreenlightError(
          'unsupported',
          `${this.file}: ${where} needs a zstd window of ${mib(window)}, more than the ${mib(ZSTD_MAX_WINDOW)} supported`,
        );
      for (;;) {
        if (q + 3 > len) throw bad('truncated zstd block');
        const h = data[q]! | (data[q + 1]! << 8) | (data[q + 2]! << 16);
        const last = h & 1;
        const type = (h >> 1) & 3;
        const size = h >>> 3;
        q += 3;
        if (type === 3) throw bad('corrupt zstd block (reserved block type)');
        if (size > ZSTD_BLOCK_MAX) throw bad('corrupt zstd block (larger than 128 KiB)');
        q += type === 1 ? 1 : size;
        maxOut += type === 2 ? ZSTD_BLOCK_MAX : size;
        if (q > len) throw bad('truncated zstd block');
        if (last) break;
      }
      if (checksum) q += 4;
      if (q > len) throw bad('truncated zstd frame checksum');
      p = q;
    }
    return { frames, maxOut };
  }
}

function inflateInSteps(
  data: Uint8Array,
  onData: (chunk: Uint8Array) => void,
  remaining: () => number,
): void {
  const inflater = new Inflate((chunk) => onData(chunk));
  if (data.length === 0) {
    inflater.push(new Uint8Array(0), true);
    return;
  }
  for (let p = 0; p < data.length; ) {
    const step = Math.min(INFLATE_MAX_STEP, Math.ceil((Math.max(0, remaining()) + INFLATE_SLACK) / 1032));
    const end = Math.min(data.length, p + step);
    inflater.push(data.subarray(p, end), end === data.length);
    p = end;
  }
}

function zstdInSteps(data: Uint8Array, onData: (chunk: Uint8Array) => void): void {
  const decoder = new ZstdDecompress((chunk) => onData(chunk));
  for (let p = 0; p < data.length; p += ZSTD_STEP) {
    const end = Math.min(data.length, p + ZSTD_STEP);
    decoder.push(data.subarray(p, end), end === data.length);
  }
}
