import { UsageError, type Command } from './cli/cli';
import { createOperatorCommand } from './cli/create-operator';
import { deadLettersCommand } from './cli/dead-letters';
import { migrateCommand } from './cli/migrate';
import { replayEventsCommand } from './cli/replay-events';
import { residueScanCommand } from './cli/residue-scan';
import { verifyAccessLogCommand } from './cli/verify-access-log';

/**
 * The operators' one command, run from the production build against DATABASE_URL (and REDIS_URL where events are
 * involved): `npm run tunet -- <command> …`. Each command lives in scripts/cli/ with what it does; the README's
 * operations table and docs/deployment.md say when to use which. Exit codes: 0 done, 1 the command found a problem
 * or was refused, 2 a usage error.
 */
const COMMANDS: Command[] = [migrateCommand, createOperatorCommand, deadLettersCommand, verifyAccessLogCommand, residueScanCommand, replayEventsCommand];

function usage(): number {
  console.error(COMMANDS.map((command, i) => `${i === 0 ? 'usage:' : '      '} npm run tunet -- ${command.usage}`).join('\n'));
  return 2;
}

async function main([name, ...rest]: string[]): Promise<number> {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) return usage();
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) return usage();
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
