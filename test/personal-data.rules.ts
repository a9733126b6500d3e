import type { PersonalDataCatalogue } from '@tunet/kit';

/**
 * Which database columns hold personal data, by name (docs/decisions/0039): ids of people (members, accounts,
 * authors, actors, whoever did something: `*_by`), names of people, contact data, network traces and free text a
 * person wrote. Names of things (a building's, a feature's) are not; the coverage test reads the catalogue with this.
 */
const PERSON_ID = /(^|_)(member|members|account|author|actor|creator|recipient|subject|viewer|user|person|invitee|signatory|requester|owner)(_id|_ids)?$|_by$/;
const PERSON_NAME = /(^|_)(display|full|first|last|contact|signatory|operator|member|person|author|recipient|sender)_name$/;
const CONTACT = /(^|_)(email|e_mail|phone|mobile|address|ip|ip_address|client_ip|user_agent|endpoint)$|email|phone/;
const FREE_TEXT = /(^|_)(body|text|note|notes|reason|comment|message|description)$/;

export interface CatalogueColumn {
  schema: string;
  table: string;
  column: string;
  type: string;
}

/**
 * Tables whose columns look personal by name but are not erased through the privacy routes, each with why. Tables of
 * the kit in every schema are here: the residue scan searches them, and the kit prunes them by age.
 */
export const NOT_COVERED_BY_ROUTES: Readonly<Record<string, string>> = {
  outbox:
    "the kit's outbox: an erasure deletes the person's relayed events and the rest once relayed (kit personalDataRoutes, decision 0052); the residue scan searches it",
  dead_letters: "the kit's dead letters: events an operator replays or discards, deleted after 30 days; the residue scan searches them",
  schema_migrations: "the migration runner's bookkeeping",
};

/**
 * Columns that look personal by name and are not, each with why (`schema.table.column`): what belongs to the
 * association or the provider, texts with a fixed set of values, and platform staff acting for the provider.
 */
export const NOT_PERSONAL: Readonly<Record<string, string>> = {
  'members.associations.street_address': "the association's own address",
  'members.associations.contact_email': "the association's contact address, given by its board at onboarding",
  'members.associations.blocked_reason': "the provider's reason for blocking the association",
  'members.buildings.street_address': "the building's address; who lives there is in tenures",
  'members.units.street_address': "the unit's address; who lives there is in tenures",
  'members.terminations.reason': "why the association's agreement ended",
  'members.breach_notices.description': "the provider's notice to the association of a breach of the terms",
  'members.support_sessions.reason': "why an operator entered the association: the association's support record (decision 0030)",
  'members.terms_versions.published_by_account_id': "the operator who published the provider's terms: the provider's staff",
  'posts.conduct_versions.body': "the association's code of conduct",
  'operations.service_requests.urgent_reason': 'one of WATER_LEAK, NO_HEAT, NO_POWER, LOCKED_OUT',
  'posts.groups.description': "a group's description, the association's",
  'posts.moderation_reports.reason': 'one of OFFENSIVE, SPAM, ILLEGAL, OTHER',
  'reservations.charges.reason': 'what kind of charge it is, kept for the bookkeeping with the charge',
  'reservations.charges.description': 'what the charge is for (the resource and period), kept for the bookkeeping',
  'reservations.closed_periods.reason': "why the board closed a resource, the association's",
  'reservations.locations.address': "where a resource is, the association's",
  'reservations.resources.description': "the resource's description, the association's",
  'reservations.resources.rules_text': "the resource's rules, the association's",
  'notifications.deliveries.withheld_reason': 'one of sms_not_subscribed, sms_quota_exceeded, association_terminated',
  'notifications.notifications.subject_id': 'the post, booking or invoice a notification is about, not a person',
  'billing.subscriptions.end_reason': 'why an add-on ended, from a fixed set',
  'billing.withdrawals.announced_by': "the operator who withdrew an add-on: the provider's staff",
  'privacy.breaches.description': 'the incident, as the provider records it for the associations it affects',
  'privacy.breaches.recorded_by': "the operator who recorded it: the provider's staff",
  'privacy.closure_export_links.issued_by': "the operator who issued a terminated association's export link: the provider's staff",
  'privacy.breach_notices.description': 'the incident, as told to one association',
  'privacy.breach_notices.not_reportable_reason': "the board's reason not to report the incident to Datatilsynet",
  'privacy.requests.reason': 'one of request, retention',
  'privacy.requests.tombstone_member_id': 'the association\'s "Former resident" member, nobody',
  'privacy.subprocessor_changes.reason': "the provider's reason for an emergency change of a sub-processor",
  'privacy.subprocessor_changes.announced_by': "the operator who announced it: the provider's staff",
};

const ID_TYPES = new Set(['uuid', 'ARRAY']);

/** `table.column` of every column that holds personal data by its name (people's ids only in id columns). */
export function personalColumns(columns: readonly CatalogueColumn[]): string[] {
  return columns
    .filter(({ schema, table, column, type }) => {
      if (column === 'association_id' || `${schema}.${table}.${column}` in NOT_PERSONAL) return false;
      return (ID_TYPES.has(type) && PERSON_ID.test(column)) || [PERSON_NAME, CONTACT, FREE_TEXT].some((rule) => rule.test(column));
    })
    .map(({ table, column }) => `${table}.${column}`);
}

/**
 * Tables of one schema with personal columns that the catalogue does not list, or lists without naming those
 * columns (as `table: column, column`); empty when the catalogue covers the schema.
 */
export function uncovered(columns: readonly CatalogueColumn[], catalogue: PersonalDataCatalogue): string[] {
  const missing = new Map<string, string[]>();
  for (const found of personalColumns(columns)) {
    const [table, column] = found.split('.') as [string, string];
    if (table in NOT_COVERED_BY_ROUTES) continue;
    const entry = catalogue[table];
    if (entry && (entry.columns.includes(column) || entry.subject.includes(column))) continue;
    missing.set(table, [...(missing.get(table) ?? []), column]);
  }
  return [...missing].map(([table, names]) => `${table}: ${names.join(', ')}`);
}
