import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The first-party operations list: every document the web and mobile apps send, one named operation per file in
 * clients/operations/. End-to-end tests run these files, not inline copies, so what a client ships is what was tested.
 */
export const FIRST_PARTY_DIR = path.resolve(__dirname, '../../clients/operations');

/** The document of one first-party operation, by file name without `.graphql`. */
export function loadOperation(name: string): string {
  return readFileSync(path.join(FIRST_PARTY_DIR, `${name}.graphql`), 'utf8');
}

/** Every first-party operation's file name (without `.graphql`). */
export function firstPartyOperationNames(): string[] {
  return readdirSync(FIRST_PARTY_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => file.slice(0, -'.graphql'.length))
    .sort();
}
