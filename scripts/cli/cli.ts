import path from 'node:path';
import { DatabaseConnection, requireEnv, type SubgraphDatabase } from '@tunet/kit';

/** One operator command of `npm run tunet -- <name> …`: its usage line and what it does with the rest of argv. */
export interface Command {
  name: string;
  usage: string;
  /** The process's exit code: 0 done, 1 the command found a problem or was refused, 2 a usage error. */
  run(rest: string[]): Promise<number>;
}

export class UsageError extends Error {}

/** `--flag value` pairs, each flag repeatable; a UsageError for anything else. */
export function flagValues(rest: string[], allowed: readonly string[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i]!, rest[i + 1]];
    if (!allowed.includes(flag) || value === undefined) throw new UsageError();
    values.set(flag, [...(values.get(flag) ?? []), value]);
  }
  return values;
}

export async function withDatabase(work: (database: DatabaseConnection) => Promise<number>): Promise<number> {
  const database = await DatabaseConnection.open({ url: requireEnv('DATABASE_URL') });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** A subgraph's schema as the subgraph itself opens it: scripts/cli and the build's dist/cli are both two levels down. */
export function subgraphDatabase(database: DatabaseConnection, name: string): SubgraphDatabase {
  return database.forSubgraph(name, path.join(__dirname, '..', '..', 'subgraphs', name, 'migrations'));
}
