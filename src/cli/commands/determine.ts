import type { Command } from 'commander';

export function registerDetermineCommand(_program: Command): void {}
