import path from 'node:path';
import { closeFastStore, DatabaseConnection, openFastStore, requireEnv } from '@tunet/kit';
import { bootstrapOperator, OperatorBootstrapRefused } from '@tunet/members';
import { residue, residueScan, tooShort, verifyAccessLog, type Needles } from '@tunet/privacy';
import { SUBGRAPHS } from './subgraph-registry';

/**
 * Operator commands against DATABASE_URL, from the production build (decision 0030):
 *
 *   npm run tunet -- create-operator --email <e-mail> [--origin <web app origin>] [--new-link]
 *
 * creates the first platform operator of an empty database (migrating the members schema if needed) and prints a
 * one-time link, valid for 24 hours, to set the password; everything else is then done through the API. The link
 * leads to WEB_APP_ORIGIN (the web app, where the set-password page is), or to --origin. An e-mail already in use is refused unless --new-link, which gives an
 * existing operator a fresh link (earlier unused ones stop working).
 *
 *   npm run tunet -- verify-access-log [--association <id>]
 *
 * walks the privacy access log's hash chain of every association (or one) and names the first broken entry; exit 1
 * when one is broken (docs/decisions/0039).
 *
 *   npm run tunet -- residue-scan [--name <name>]… [--email <e-mail>]… [--phone <phone>]… [--id <uuid>]… [--text <text>]…
 *
 * searches every column of every subgraph schema, the event stream (REDIS_URL) and the file storage
 * (FILE_STORAGE=fs under TUNET_DATA_DIR) for what identifies an erased person; prints what the allow-list explains
 * and exits 1 when anything else is found.
 */
const USAGE = [
  'usage: npm run tunet -- create-operator --email <e-mail> [--origin <https://web app>] [--new-link]',
  '       npm run tunet -- verify-access-log [--association <id>]',
  '       npm run tunet -- residue-scan [--name <name>] [--email <e-mail>] [--phone <phone>] [--id <uuid>] [--text <text>] (each repeatable)',
].join('\n');

interface CreateOperator {
  email: string;
  origin: string | undefined;
  newLink: boolean;
}

function parseArguments(argv: string[]): CreateOperator | null {
  const [command, ...rest] = argv;
  if (command !== 'create-operator') return null;
  const options: CreateOperator = { email: '', origin: process.env.WEB_APP_ORIGIN, newLink: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--new-link') options.newLink = true;
    else if ((flag === '--email' || flag === '--origin') && rest[i + 1] !== undefined) options[flag === '--email' ? 'email' : 'origin'] = rest[++i]!;
    else return null;
  }
  return options.email ? options : null;
}

/** `--flag value` pairs, each flag repeatable; null when anything else is given. */
function flagValues(rest: string[], allowed: readonly string[]): Map<string, string[]> | null {
  const values = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i]!, rest[i + 1]];
    if (!allowed.includes(flag) || value === undefined) return null;
    values.set(flag, [...(values.get(flag) ?? []), value]);
  }
  return values;
}

async function verifyAccessLogCommand(rest: string[]): Promise<number> {
  const flags = flagValues(rest, ['--association']);
  if (!flags || (flags.get('--association')?.length ?? 0) > 1) {
    console.error(USAGE);
    return 2;
  }
  const database = await DatabaseConnection.open({ url: requireEnv('DATABASE_URL') });
  try {
    const reports = await verifyAccessLog(database, flags.get('--association')?.[0]);
    for (const report of reports) {
      const verdict = report.broken ? `BROKEN at entry ${report.broken.entryId ?? '(none left)'} (${report.broken.problem})` : 'ok';
      console.log(`${report.associationId}: ${report.entries} entries, ${verdict}`);
    }
    if (reports.length === 0) console.log('No access log entries.');
    return reports.some((report) => report.broken) ? 1 : 0;
  } finally {
    await database.close();
  }
}

async function residueScanCommand(rest: string[]): Promise<number> {
  const flags = flagValues(rest, ['--name', '--email', '--phone', '--id', '--text']);
  if (!flags || flags.size === 0) {
    console.error(USAGE);
    return 2;
  }
  const of = (flag: string) => flags.get(flag) ?? [];
  const needles: Needles = { names: of('--name'), emails: of('--email'), phones: of('--phone'), ids: of('--id'), texts: of('--text') };
  const short = tooShort(needles);
  if (short.length > 0) {
    console.error(`Too short to search for (they would match anything): ${short.join(', ')}`);
    return 2;
  }
  const database = await DatabaseConnection.open({ url: requireEnv('DATABASE_URL') });
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
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'verify-access-log') return verifyAccessLogCommand(rest);
  if (command === 'residue-scan') return residueScanCommand(rest);
  const options = parseArguments(argv);
  if (!options) {
    console.error(USAGE);
    return 2;
  }
  if (!options.origin) {
    console.error('Set WEB_APP_ORIGIN (the web app, e.g. https://tunet.example.no) or pass --origin, so the link leads somewhere.');
    return 2;
  }
  const database = await DatabaseConnection.open({ url: requireEnv('DATABASE_URL') });
  try {
    const result = await bootstrapOperator(database, { email: options.email, origin: options.origin, newLink: options.newLink });
    console.log(
      `${options.newLink ? 'New link for' : 'Created platform operator'} ${options.email}. Open this link to set the password ` +
        `(once, until ${result.expiresAt.toISOString()}):\n${result.link}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof OperatorBootstrapRefused)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
