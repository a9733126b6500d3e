import { DatabaseConnection, requireEnv } from '@tunet/kit';
import { bootstrapOperator, OperatorBootstrapRefused } from '@tunet/members';

/**
 * Operator commands against DATABASE_URL, from the production build (decision 0030):
 *
 *   npm run tunet -- create-operator --email <e-mail> [--origin <web app origin>] [--new-link]
 *
 * creates the first platform operator of an empty database (migrating the members schema if needed) and prints a
 * one-time link, valid for 24 hours, to set the password; everything else is then done through the API. The link
 * leads to PUBLIC_ORIGIN, or to --origin. An e-mail already in use is refused unless --new-link, which gives an
 * existing operator a fresh link (earlier unused ones stop working).
 */
const USAGE = 'usage: npm run tunet -- create-operator --email <e-mail> [--origin <https://web app>] [--new-link]';

interface CreateOperator {
  email: string;
  origin: string | undefined;
  newLink: boolean;
}

function parseArguments(argv: string[]): CreateOperator | null {
  const [command, ...rest] = argv;
  if (command !== 'create-operator') return null;
  const options: CreateOperator = { email: '', origin: process.env.PUBLIC_ORIGIN, newLink: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--new-link') options.newLink = true;
    else if ((flag === '--email' || flag === '--origin') && rest[i + 1] !== undefined) options[flag === '--email' ? 'email' : 'origin'] = rest[++i]!;
    else return null;
  }
  return options.email ? options : null;
}

async function main(argv: string[]): Promise<number> {
  const options = parseArguments(argv);
  if (!options) {
    console.error(USAGE);
    return 2;
  }
  if (!options.origin) {
    console.error('Set PUBLIC_ORIGIN (the web app, e.g. https://tunet.example.no) or pass --origin, so the link leads somewhere.');
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
