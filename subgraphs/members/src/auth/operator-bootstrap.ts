import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { absoluteClientLink, clientRoutes, type DatabaseConnection } from '@tunet/kit';
import { z } from 'zod';
import { AuthRepository } from './auth.repository';
import { hashToken, newSecretToken } from './auth.service';
import { hashPassword } from './passwords';

/** How long the link `create-operator` prints works. */
export const PASSWORD_LINK_LIFETIME_MS = 24 * 3600 * 1000;

const bootstrapInput = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  /** The web app's origin the link leads to, e.g. https://tunet.example.no. */
  origin: z
    .string()
    .url()
    .max(300)
    .regex(/^https?:\/\/[^/]/i, 'must be an http(s) URL'),
  newLink: z.boolean(),
});

export interface OperatorLink {
  accountId: string | null;
  link: string;
  expiresAt: Date;
}

/** The bootstrap refused: bad input, an e-mail taken (without `newLink`), unknown or not an operator's (with it). */
export class OperatorBootstrapRefused extends Error {}

/**
 * The first platform operator of an empty production database, or a fresh link for an existing one (decision 0030):
 * migrates the members schema as the subgraph's start does, creates the account flagged platform admin with a
 * password nobody knows, and returns a one-time link to set it, valid for 24 hours. Only the token's hash is stored.
 */
export async function bootstrapOperator(database: DatabaseConnection, rawInput: unknown, now = new Date()): Promise<OperatorLink> {
  const parsed = bootstrapInput.safeParse(rawInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OperatorBootstrapRefused(`--${String(issue?.path[0] ?? 'input')}: ${issue?.message ?? 'invalid'}`);
  }
  const input = parsed.data;
  const db = database.forSubgraph('members', path.resolve(__dirname, '..', '..', 'migrations'));
  await db.migrate();
  const repository = new AuthRepository(db);
  const token = newSecretToken();
  const setup = { id: randomUUID(), tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + PASSWORD_LINK_LIFETIME_MS) };
  const link = absoluteClientLink(new URL(input.origin).origin, clientRoutes.setPassword(token));
  if (!link) throw new OperatorBootstrapRefused(`${input.origin} is not a web address a link can lead to`);
  if (input.newLink) {
    const outcome = await repository.renewOperatorLink(input.email, setup);
    if (outcome === 'unknown') throw new OperatorBootstrapRefused(`No account uses ${input.email}; leave out --new-link to create it.`);
    if (outcome === 'not-operator') throw new OperatorBootstrapRefused(`${input.email} is not a platform operator's account.`);
    return { accountId: null, link, expiresAt: setup.expiresAt };
  }
  const accountId = randomUUID();
  // A password nobody knows: the account cannot log in until the link sets one.
  const passwordHash = await hashPassword(newSecretToken());
  const outcome = await repository.createOperator({ id: accountId, email: input.email, passwordHash, platformAdmin: true }, setup);
  if (outcome === 'exists') {
    throw new OperatorBootstrapRefused(`An account already uses ${input.email}. Pass --new-link for a fresh link to set its password.`);
  }
  return { accountId, link, expiresAt: setup.expiresAt };
}
