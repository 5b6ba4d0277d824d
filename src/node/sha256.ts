/** node:crypto behind the core's Hasher interface for the Node.js rings (CLI, server, workflow, MCP). */
import { createHash } from 'node:crypto';
import type { HasherFactory } from '../core/digest.js';

/** Several times faster than the pure-JS hasher on large evidence (bench/determine). */
export const nodeSha256: HasherFactory = () => createHash('sha256');
