import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tunetEvents, type TopicContract } from '@tunet/events';
import { z } from 'zod';

/** `npm run events:catalogue`: writes docs/events.md from packages/events; a test fails when the committed file is stale. */
export const EVENTS_CATALOGUE_PATH = path.resolve(__dirname, '..', 'docs', 'events.md');

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  pattern?: string;
};

export function renderEventsCatalogue(): string {
  const topics = Object.entries(tunetEvents as Record<string, TopicContract>).sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    '# Event topics',
    '',
    '<!-- Generated from packages/events by `npm run events:catalogue`; do not edit by hand. -->',
    '',
    'Every event a subgraph writes to its outbox and the stream carries (decisions 0007 and 0022). Producers can',
    'write only these topics with these payloads; consumers parse them with the same schemas, and set aside what does',
    'not parse as a dead letter (`npm run dead-letters`). Payloads are JSON: instants and dates are ISO strings.',
    'Fields marked secret grant access by themselves (one-time tokens): never log them; the dead-letter listing masks them.',
    '',
    '| topic | version | producer | consumers | secrets |',
    '|---|---|---|---|---|',
    ...topics.map(
      ([name, c]) => `| [\`${name}\`](#${anchor(name)}) | ${c.version} | ${c.producer} | ${c.consumers.join(', ') || '—'} | ${c.secrets.join(', ') || '—'} |`,
    ),
  ];
  for (const [name, contract] of topics) {
    const schema = z.toJSONSchema(contract.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    lines.push('', `## ${name}`, '', `Version ${contract.version}. ${contract.description}`, '', '| field | type | required |', '|---|---|---|');
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      const secret = contract.secrets.includes(field) ? ' **secret**' : '';
      lines.push(`| \`${field}\`${secret} | ${typeOf(property)} | ${schema.required?.includes(field) ? 'yes' : 'no'} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(', ');
  if (schema.type === 'array') return `list of ${typeOf(schema.items ?? {})}`;
  if (schema.type === 'object') {
    const fields = Object.entries(schema.properties ?? {}).map(([field, property]) => `${field}: ${typeOf(property)}`);
    return `{ ${fields.join('; ')} }`;
  }
  if (schema.type === 'string' && schema.format) return FORMATS[schema.format] ?? `string (${schema.format})`;
  if (schema.type === 'string' && schema.pattern) return 'string (uuid)';
  return Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
}

const FORMATS: Record<string, string> = { uuid: 'uuid', 'date-time': 'instant (ISO 8601)', date: 'date (YYYY-MM-DD)', email: 'e-mail address' };

function anchor(name: string): string {
  return name.replace(/[^a-z0-9_]/g, '');
}

if (require.main === module) {
  writeFileSync(EVENTS_CATALOGUE_PATH, renderEventsCatalogue());
  console.log(`wrote ${path.relative(process.cwd(), EVENTS_CATALOGUE_PATH)}`);
}
