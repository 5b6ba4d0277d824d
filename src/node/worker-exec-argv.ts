/**
 * The Node flags a worker thread starts with: the process's own, less those that only make sense for its main
 * script (`--input-type` makes an eval'd or CommonJS worker fail to start).
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => !a.startsWith('--input-type'));
}
