import { Command } from 'commander';
import { registerAccessCommands } from './commands/access.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerClientCommands } from './commands/client.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDetermineCommand } from './commands/determine.js';
import { registerEvidenceCommands } from './commands/evidence.js';
import { registerFrameworkCommands } from './commands/framework.js';
import { registerLogCommands } from './commands/log.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerServeCommand } from './commands/serve.js';
import { registerVerifyCommand } from './commands/verify.js';
import { runCli } from './run.js';

const program = new Command('greenlight')
  .description('Transparent, reproducible release review of frontier AI models')
  .version('0.1.0');

registerFrameworkCommands(program);
registerDetermineCommand(program);
registerEvidenceCommands(program);
registerServeCommand(program);
registerAccessCommands(program);
registerDemoCommand(program);
registerAdminCommands(program);
registerLogCommands(program);
registerVerifyCommand(program);
registerClientCommands(program);
registerMcpCommand(program);

await runCli(program, process.argv);
