/**
 * Test-only ZIP writing and raw reading, independent of the reader under test: a hand-written record layout
 * (including Zip64), fflate's one-shot deflate/inflate, and a bit-by-bit CRC-32 (the reader's is table-driven).
 */
import { deflateSync, inflateSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';

export interface ZipMember {
  name: string;
  /** Uncompressed content (compressed here with `method`), unless `raw` is given. */
  data?: Uint8Array | string;
  /** 0 stored, 8 deflate (default); any other number with `raw`. */
  method?: number;
  /** Already-compressed bytes, written as they are (with `usize` and `crc`). */
  raw?: Uint8Array;
  usize?: number;
  crc?: number;
  flags?: number;
}

export interface ZipOptions {
  /** Write Zip64 extra fields, Zip64 end record and locator, with the 32-bit fields saturated. */
  zip64?: boolean;
  /** Override the entry count written in the (32-bit) end record. */
  eocdCount?: number;
  comment?: string;
}

const enc = new TextEncoder();

export function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? enc.encode(data) : data;
}

/** CRC-32, one bit at a time: slow, obviously right, and unlike the reader's. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function buildZip(members: ZipMember[], opts: ZipOptions = {}): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const z64 = opts.zip64 === true;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const method = m.method ?? 8;
    let raw: Uint8Array;
    let usize: number;
    let crc: number;
    if (m.raw !== undefined) {
      raw = m.raw;
      usize = m.usize ?? 0;
      crc = m.crc ?? 0;
    } else {
      const data = bytesOf(m.data ?? '');
      raw = method === 0 ? data : deflateSync(data);
      usize = m.usize ?? data.length;
      crc = m.crc ?? crc32(data);
    }
    const flags = (m.flags ?? 0) | 0x0800;
    const extraLocal = z64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (z64) {
      extraLocal.writeUInt16LE(1, 0);
      extraLocal.writeUInt16LE(16, 2);
      extraLocal.writeBigUInt64LE(BigInt(usize), 4);
      extraLocal.writeBigUInt64LE(BigInt(raw.length), 12);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(z64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(z64 ? 0xffffffff : raw.length, 18);
    local.writeUInt32LE(z64 ? 0xffffffff : usize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extraLocal.length, 28);
    parts.push(local, name, extraLocal, Buffer.from(raw));

    const extra = z64 ? Buffer.alloc(28) : Buffer.alloc(0);
    if (z64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(usize), 4);
      extra.writeBigUInt64LE(BigInt(raw.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(z64 ? 45 : 20, 4);
    cd.writeUInt16LE(z64 ? 45 : 20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(z64 ? 0xffffffff : raw.length, 20);
    cd.writeUInt32LE(z64 ? 0xffffffff : usize, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt32LE(z64 ? 0xffffffff : offset, 42);
    central.push(cd, name, extra);
    offset += 30 + name.length + extraLocal.length + raw.length;
  }
  const cdStart = offset;
  const cdBuf = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (z64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(members.length), 24);
    rec.writeBigUInt64LE(BigInt(members.length), 32);
    rec.writeBigUInt64LE(BigInt(cdBuf.length), 40);
    rec.writeBigUInt64LE(BigInt(cdStart), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdStart + cdBuf.length), 8);
    loc.writeUInt32LE(1, 16);
    tail.push(rec, loc);
  }
  const comment = Buffer.from(opts.comment ?? '', 'utf8');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  const count = opts.eocdCount ?? (z64 ? 0xffff : members.length);
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(z64 ? 0xffffffff : cdBuf.length, 12);
  eocd.writeUInt32LE(z64 ? 0xffffffff : cdStart, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return new Uint8Array(Buffer.concat([...parts, cdBuf, ...tail, eocd, comment]));
}

export interface RawMember {
  name: string;
  method: number;
  crc: number;
  usize: number;
  raw: Uint8Array;
}

/** The members of a (non-Zip64) archive as stored, in central-directory order. */
export function readRawMembers(bytes: Uint8Array): RawMember[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let e = b.length - 22;
  while (b.readUInt32LE(e) !== 0x06054b50) e--;
  const n = b.readUInt16LE(e + 10);
  let p = b.readUInt32LE(e + 16);
  const out: RawMember[] = [];
  for (let i = 0; i < n; i++) {
    const method = b.readUInt16LE(p + 10);
    const crc = b.readUInt32LE(p + 16);
    const csize = b.readUInt32LE(p + 20);
    const usize = b.readUInt32LE(p + 24);
    const nl = b.readUInt16LE(p + 28);
    const xl = b.readUInt16LE(p + 30);
    const cl = b.readUInt16LE(p + 32);
    const off = b.readUInt32LE(p + 42);
    const name = b.subarray(p + 46, p + 46 + nl).toString('utf8');
    const lnl = b.readUInt16LE(off + 26);
    const lxl = b.readUInt16LE(off + 28);
    const start = off + 30 + lnl + lxl;
    out.push({ name, method, crc, usize, raw: new Uint8Array(b.subarray(start, start + csize)) });
    p += 46 + nl + xl + cl;
  }
  return out;
}

/** A member's content, decompressed independently of the code under test. */
export function memberText(bytes: Uint8Array, name: string): string {
  const m = readRawMembers(bytes)
    .filter((x) => x.name === name)
    .pop();
  if (m === undefined) throw new Error(`no member ${name}`);
  const data = m.method === 0 ? m.raw : m.method === 8 ? inflateSync(m.raw) : zstdDecompress(m.raw);
  return Buffer.from(data).toString('utf8');
}

/** Rebuilds an archive from its raw members (compressed data copied as is), after `edit`. */
export function rebuildZip(
  bytes: Uint8Array,
  edit: (members: RawMember[]) => RawMember[],
  opts?: ZipOptions,
): Uint8Array {
  return buildZip(
    edit(readRawMembers(bytes)).map((m) => ({
      name: m.name,
      method: m.method,
      raw: m.raw,
      usize: m.usize,
      crc: m.crc,
    })),
    opts,
  );
}
