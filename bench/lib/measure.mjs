import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RSS_HOOK = fileURLToPath(new URL('./report-rss.mjs', import.meta.url));

/** Runs `node ARGS` with the RSS hook; resolves wall time (ms), peak RSS (bytes) and exit code. */
export function measureNode(args, { stdout = 'ignore' } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', RSS_HOOK, ...args], {
      stdio: ['ignore', stdout, 'pipe', 'pipe'],
    });
    let rss = '';
    let err = '';
    child.stdio[3].on('data', (d) => {
      rss += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0)
        return reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.slice(0, 2000)}`));
      resolve({ ms, maxRSS: JSON.parse(rss.trim().split('\n').pop()).maxRSS, code });
    });
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
