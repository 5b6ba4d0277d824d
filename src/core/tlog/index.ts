/** Transparency log core: RFC 6962/9162 Merkle trees, C2SP tlog-tiles, signed-note and tlog-checkpoint. */
export * from './bytes.js';
export * from './checkpoint.js';
export * from './compact.js';
export * from './merkle.js';
export * from './note.js';
export * from './tiles.js';
