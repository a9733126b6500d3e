import { bootstrapOperator, OperatorBootstrapRefused } from '@tunet/members';
import { UsageError, withDatabase, type Command } from './cli';

/**
 * Creates the first platform operator of an empty database (migrating the members schema if needed) and prints a
 * one-time link, valid for 24 hours, to set the password; everything else is then done through the API (decision
 * 0030). The link leads to WEB_APP_ORIGIN (the web app, where the set-password page is), or to --origin. An e-mail
 * already in use is refused unless --new-link, which gives an existing operator a fresh link (earlier unused ones
 * stop working).
 */
export const createOperatorCommand: Command = {
  name: 'create-operator',
  usage: 'create-operator --email <e-mail> [--origin <https://web app>] [--new-link]',
  async run(rest) {
    const options = parse(rest);
    if (!options.origin) {
      console.error('Set WEB_APP_ORIGIN (the web app, e.g. https://tunet.example.no) or pass --origin, so the link leads somewhere.');
      return 2;
    }
    const origin = options.origin;
    return withDatabase(async (database) => {
      try {
        const result = await bootstrapOperator(database, { email: options.email, origin, newLink: options.newLink });
        console.log(
          `${options.newLink ? 'New link for' : 'Created platform operator'} ${options.email}. Open this link to set the password ` +
            `(once, until ${result.expiresAt.toISOString()}):\n${result.link}`,
        );
        return 0;
      } catch (error) {
        if (!(error instanceof OperatorBootstrapRefused)) throw error;
        console.error(error.message);
        return 1;
      }
    });
  },
};

function parse(rest: string[]): { email: string; origin: string | undefined; newLink: boolean } {
  const options = { email: '', origin: process.env.WEB_APP_ORIGIN, newLink: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--new-link') options.newLink = true;
    else if ((flag === '--email' || flag === '--origin') && rest[i + 1] !== undefined) options[flag === '--email' ? 'email' : 'origin'] = rest[++i]!;
    else throw new UsageError();
  }
  if (!options.email) throw new UsageError();
  return options;
}
