// Preloaded with `node --import` into a measured process: reports its peak RSS on exit (to fd 3 when open).
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const line = `${JSON.stringify({ maxRSS: process.resourceUsage().maxRSS * 1024 })}\n`;
  try {
    writeSync(3, line);
  } catch {
    writeSync(2, line);
  }
});
