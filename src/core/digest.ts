import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { writeCanonical } from './canonical-json.js';

/** An incremental hash; `@noble/hashes` in the core, `node:crypto` may be injected by outer rings. */
export interface Hasher {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}
export type HasherFactory = () => Hasher;

export const nobleSha256: HasherFactory = () => sha256.create();

export function sha256Hex(data: Uint8Array | string, factory: HasherFactory = nobleSha256): string {
  const h = factory();
  h.update(typeof data === 'string' ? utf8ToBytes(data) : data);
  return bytesToHex(h.digest());
}

/** `sha256:<hex>` of the RFC 8785 canonical JSON of `value`, streamed into the hasher. */
export function digestOf(value: unknown, factory: HasherFactory = nobleSha256): string {
  const h = factory();
  const encoder = new TextEncoder();
  writeCanonical(value, (piece) => h.update(encoder.encode(piece)));
  return `sha256:${bytesToHex(h.digest())}`;
}
