import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, Kind, type OperationDefinitionNode } from 'graphql';

/**
 * `npm run trusted-documents`: the first-party operations (clients/operations/*.graphql) as an Apollo persisted query
 * manifest, the allow-list a gateway started with TRUSTED_DOCUMENTS_PATH serves alone (decision 0053). Each id is the
 * SHA-256 of the document's exact text, which is what a client sends as `extensions.persistedQuery.sha256Hash`.
 */
const ROOT = path.resolve(__dirname, '..');
const OPERATIONS_DIR = path.join(ROOT, 'clients/operations');
export const TRUSTED_DOCUMENTS_PATH = path.join(ROOT, 'clients/__generated__/persisted-query-manifest.json');

export function renderTrustedDocuments(): string {
  const operations = readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const body = readFileSync(path.join(OPERATIONS_DIR, file), 'utf8');
      const operation = parse(body).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      if (!operation?.name) throw new Error(`${file}: no named operation`);
      return { id: createHash('sha256').update(body).digest('hex'), name: operation.name.value, type: operation.operation, body };
    });
  return `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(TRUSTED_DOCUMENTS_PATH, renderTrustedDocuments());
  console.log(`wrote ${path.relative(ROOT, TRUSTED_DOCUMENTS_PATH)}`);
}
