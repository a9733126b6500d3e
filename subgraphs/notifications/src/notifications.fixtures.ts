import { randomUUID } from 'node:crypto';
import type { Entitlements, PrivacyStatesLoader, Viewer } from '@tunet/kit';
import { openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import type { NotificationsConfig } from './config';
import type { NotificationsContext } from './context';
import type { AssociationInfo, Directory, Reach, Recipient, RecipientSpec } from './model';
import { createNotificationsSubgraph, type NotificationsSubgraph } from './subgraph';

export { viewerIn } from '@tunet/kit/src/kit.fixtures';

/** The association's integration calling with an API key that holds every scope there is. */
export function integratorOf(associationId: string): Viewer {
  return {
    accountId: randomUUID(),
    associationId,
    memberId: null,
    role: null,
    platformAdmin: false,
    sessionId: null,
    integration: { apiKeyId: randomUUID(), scopes: ['members:read', 'members:import', 'charges:read'] },
  };
}

/** A platform admin signed in without a membership of any association. */
export const PLATFORM_ADMIN: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000002',
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};

/** One person in a `StaticDirectory`: a recipient plus where they belong. */
export interface DirectoryEntry extends Recipient {
  associationId: string;
  buildingIds?: string[];
  committeeIds?: string[];
  groupIds?: string[];
  board?: boolean;
}

/**
 * The members subgraph's answers held in memory, for tests of notifications alone (end-to-end tests use the real
 * members and posts subgraphs). Resolves specs the way members and posts do, within one association.
 */
export class StaticDirectory implements Directory {
  readonly associations = new Map<string, AssociationInfo>();
  readonly entries: DirectoryEntry[] = [];
  /** Contact e-mail addresses by association; none unless set. */
  readonly contacts = new Map<string, string>();
  /** How many times `recipients` was asked, for tests that count calls. */
  calls = 0;

  addAssociation(info: Partial<AssociationInfo> & { id: string }): AssociationInfo {
    const full: AssociationInfo = { name: 'Solbakken borettslag', locale: 'nb', timeZone: 'Europe/Oslo', ...info };
    this.associations.set(full.id, full);
    return full;
  }

  add(entry: Partial<DirectoryEntry> & { associationId: string }): DirectoryEntry {
    const memberId = entry.memberId ?? randomUUID();
    const full: DirectoryEntry = {
      memberId,
      displayName: `Beboer ${memberId.slice(0, 4)}`,
      email: `${memberId.slice(0, 8)}@beboer.test`,
      phone: null,
      ...entry,
    };
    this.entries.push(full);
    return full;
  }

  async association(associationId: string): Promise<AssociationInfo | null> {
    return this.associations.get(associationId) ?? null;
  }

  async contactEmail(associationId: string): Promise<string | null> {
    return this.associations.has(associationId) ? (this.contacts.get(associationId) ?? null) : null;
  }

  async recipients(associationId: string, spec: Exclude<RecipientSpec, { kind: 'address' | 'contact' }>): Promise<Reach> {
    this.calls += 1;
    const association = this.associations.get(associationId) ?? null;
    if (!association) return { association, recipients: [] };
    const here = this.entries.filter((entry) => entry.associationId === associationId);
    const reached = here.filter((entry) => {
      if (spec.kind === 'members') return spec.memberIds.includes(entry.memberId);
      if (spec.kind === 'board') return entry.board === true;
      const { kind, id } = spec.audience;
      if (entry.board || kind === 'association') return true;
      if (kind === 'building') return entry.buildingIds?.includes(id ?? '') ?? false;
      if (kind === 'committee') return entry.committeeIds?.includes(id ?? '') ?? false;
      if (kind === 'group') return entry.groupIds?.includes(id ?? '') ?? false;
      return false;
    });
    return { association, recipients: reached.map(({ memberId, displayName, email, phone }) => ({ memberId, displayName, email, phone })) };
  }
}

/**
 * Billing's answers held in memory: the base plan for every association, and the add-ons and limits a test gives
 * one. Counts the reads, so tests see that the dispatcher asked.
 */
export class StaticEntitlements {
  private readonly granted = new Map<string, { features: string[]; limits: Record<string, number> }>();
  reads = 0;

  /** The association subscribes to the SMS add-on with this monthly quota. */
  grantSms(associationId: string, perMonth: number): void {
    this.granted.set(associationId, { features: ['sms'], limits: { smsPerMonth: perMonth } });
  }

  revoke(associationId: string): void {
    this.granted.delete(associationId);
  }

  async read(associationId: string): Promise<Entitlements> {
    this.reads += 1;
    const extra = this.granted.get(associationId);
    return { associationId, features: ['base', ...(extra?.features ?? [])], limits: { smsPerMonth: 0, ...extra?.limits } };
  }
}

export interface NotificationsTestBed {
  subgraph: NotificationsSubgraph;
  database: TestDatabase;
  directory: StaticDirectory;
  entitlements: StaticEntitlements;
  /**
   * A request context as the kit builds it, so loaders and services are wired exactly as in production; with the
   * entitlements the gateway would sign for the viewer's association when given.
   */
  contextFor(viewer: Viewer | null, entitlements?: Entitlements | null): NotificationsContext;
  close(): Promise<void>;
}

/**
 * A migrated notifications subgraph on a fresh test database (PostgreSQL or PGlite, see kit/testing), with an
 * in-memory directory and e-mails to the log unless `config` names an SMTP server.
 */
export async function openNotificationsTestBed(
  config: Partial<NotificationsConfig> = {},
  options: { now?: () => Date; privacyStates?: PrivacyStatesLoader } = {},
): Promise<NotificationsTestBed> {
  const database = await openTestDatabase();
  const directory = new StaticDirectory();
  const entitlements = new StaticEntitlements();
  const subgraph = await createNotificationsSubgraph({
    database: database.connection,
    store: { kind: 'memory', namespace: `notifications-test-${randomUUID()}` },
    internalSecret: 'notifications-test-secret-notifications-test-secret',
    directory,
    entitlements,
    now: options.now,
    privacyStates: options.privacyStates,
    config: { publicOrigin: 'https://tunet.test', webAppOrigin: 'https://app.tunet.test', webPush: null, fcm: null, apns: null, sms: null, ...config },
  });
  await subgraph.migrate();
  return {
    subgraph,
    database,
    directory,
    entitlements,
    contextFor: (viewer, signed = null) =>
      subgraph.definition.createContext({ viewer, requestId: 'test', clientIp: '127.0.0.1', publicOrigin: 'https://tunet.test', entitlements: signed }),
    close: async () => {
      await subgraph.closeChannels();
      await database.drop();
    },
  };
}
