import path from 'node:path';
import { closeFastStore, openFastStore } from '@tunet/kit';
import { residue, residueScan, tooShort, type Needles } from '@tunet/privacy';
import { SUBGRAPHS } from '../subgraph-registry';
import { flagValues, UsageError, withDatabase, type Command } from './cli';

/**
 * Searches every column of every subgraph schema, the event stream (REDIS_URL) and the file storage (FILE_STORAGE=fs
 * under TUNET_DATA_DIR) for what identifies an erased person; prints what the allow-list explains and exits 1 when
 * anything else is found (docs/decisions/0039).
 */
export const residueScanCommand: Command = {
  name: 'residue-scan',
  usage: 'residue-scan [--name <name>] [--email <e-mail>] [--phone <phone>] [--id <uuid>] [--text <text>] (each repeatable)',
  async run(rest) {
    const flags = flagValues(rest, ['--name', '--email', '--phone', '--id', '--text']);
    if (flags.size === 0) throw new UsageError();
    const of = (flag: string) => flags.get(flag) ?? [];
    const needles: Needles = { names: of('--name'), emails: of('--email'), phones: of('--phone'), ids: of('--id'), texts: of('--text') };
    const short = tooShort(needles);
    if (short.length > 0) {
      console.error(`Too short to search for (they would match anything): ${short.join(', ')}`);
      return 2;
    }
    return withDatabase(async (database) => {
      const store = await openFastStore(process.env.REDIS_URL);
      try {
        const filesRoot = (process.env.FILE_STORAGE ?? 'fs') === 'fs' ? path.resolve(process.env.TUNET_DATA_DIR ?? '.data', 'files') : undefined;
        if (!filesRoot) console.warn('FILE_STORAGE is not fs: stored files are not scanned.');
        const hits = await residueScan({ database, schemas: SUBGRAPHS.map((s) => s.name), store, filesRoot }, needles);
        for (const hit of hits) {
          const why = hit.allowed ? `allowed: ${hit.allowed.why} (${hit.allowed.lawfulBasis}, until ${hit.allowed.until})` : 'RESIDUE';
          console.log(`${hit.location}: ${hit.count} × "${hit.needle}" — ${why}`);
        }
        const left = residue(hits);
        console.log(left.length === 0 ? 'No residue.' : `${left.length} residue finding(s).`);
        return left.length === 0 ? 0 : 1;
      } finally {
        await closeFastStore(store);
      }
    });
  },
};
