import { SUBGRAPHS } from '../subgraph-registry';
import { subgraphDatabase, UsageError, withDatabase, type Command } from './cli';

/**
 * Applies every subgraph's pending migrations to DATABASE_URL, out of band, for deployments that start their
 * processes with MIGRATE_ON_START=false (docs/deployment.md). Each schema is migrated under its advisory lock
 * (kit database.ts), so a second runner started at the same time waits and then finds nothing left to apply.
 */
export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate',
  async run(rest) {
    if (rest.length > 0) throw new UsageError();
    return withDatabase(async (database) => {
      for (const { name } of SUBGRAPHS) {
        const applied = await subgraphDatabase(database, name).migrate();
        console.log(applied.length === 0 ? `${name}: up to date` : `${name}: applied ${applied.join(', ')}`);
      }
      return 0;
    });
  },
};
