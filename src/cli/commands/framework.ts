import type { Command } from 'commander';

export function registerFrameworkCommands(_program: Command): void {}
