import { randomUUID } from 'node:crypto';
import { createLogger, isUuid, type ContentKind, type Event, type Logger } from '@tunet/kit';
import type { DevicesRepository } from '../devices/devices.repository';
import {
  addressRecipient,
  memberRecipient,
  type AssociationInfo,
  type ChannelSender,
  type DeliveryChannel,
  type Directory,
  type InboxFeed,
  type Locale,
  type NotificationIntent,
  type RecipientKey,
  type RenderedMessage,
} from '../model';
import { deliveryChannelsFor, inboxEnabled, isOptional, smsFallbackFor } from '../preferences/preferences.rules';
import type { PreferencesRepository, SettingsRow } from '../preferences/preferences.repository';
import { nextDigestAt, quietHoursEndAfter, quietHoursOf } from './holds';
import type { IngestRepository, NewDelivery, NewNotification } from './ingest.repository';

/** What handling one event stored, for logs and the benchmark. All zero when the event had been handled before. */
export interface IngestResult {
  /** People the event's intents reached, each once. */
  recipients: number;
  /** New notifications (inbox rows, and rows that only carry an e-mail or push). */
  notifications: number;
  /** New deliveries due at once. */
  queued: number;
  /** New deliveries held for quiet hours or the digest. */
  held: number;
  /** New deliveries failed before any attempt: no address or phone number to send to. */
  failed: number;
}

export interface IngestDependencies {
  directory: Directory;
  /** The rules: what an event means for whom (rules/notification.rules.ts `intentsFor`). */
  intentsFor: (event: Event) => NotificationIntent[];
  repository: IngestRepository;
  preferences: PreferencesRepository;
  devices: DevicesRepository;
  /** The channel senders; only their `channel` and `available` are read here. */
  senders: readonly ChannelSender[];
  feed: InboxFeed;
  /**
   * Whose processing privacy has restricted in an association (kit PrivacyStatesReader); rejects when privacy cannot
   * be asked. Without it nobody is restricted (a process without the privacy subgraph).
   */
  restrictions?: (associationId: string) => Promise<ReadonlySet<string>>;
  /**
   * Who consented to newsletters in an association (purpose `newsletters`): optional news goes by e-mail, push or SMS
   * only to them, and to everyone's inbox (decision 0015). Without it (no privacy subgraph) nobody is asked.
   */
  newsletterConsents?: (associationId: string) => Promise<ReadonlySet<string>>;
  /** Called after an event queued deliveries due now: the dispatcher's `nudge`. */
  onQueued?: () => void;
  now?: () => Date;
  logger?: Logger;
}

export const NO_EMAIL_ADDRESS = 'No e-mail address on file';
export const NO_PHONE_NUMBER = 'No phone number on file';

const TITLE_MAX = 300;
const BODY_MAX = 5_000;
const LINK_MAX = 2_000;

/** One person an intent reaches: a member, or an e-mail address that is no member. */
type Reached =
  | { key: RecipientKey; kind: 'member'; memberId: string; email: string | null; phone: string | null }
  /** `languageOf`: the member whose chosen language an e-mail to this address is in. */
  | { key: RecipientKey; kind: 'address'; email: string; languageOf: string | null };

/**
 * Turns an event into stored notifications and queued deliveries, in the recipient's language and by their
 * preferences. Everything one event produces is stored in one transaction, keyed by (event, recipient) and
 * (notification, channel), so an event handled twice stores it once; the consumer acknowledges the event only
 * after this resolves.
 */
export class IngestService {
  private readonly now: () => Date;
  private readonly logger: Logger;

  constructor(private readonly deps: IngestDependencies) {
    this.now = deps.now ?? (() => new Date());
    this.logger = deps.logger ?? createLogger('notifications-ingest');
  }

  /** Stores what the event means for its recipients. Rejects (so the event is redelivered) when the directory or database fails. */
  async handle(event: Event): Promise<IngestResult> {
    const result: IngestResult = { recipients: 0, notifications: 0, queued: 0, held: 0, failed: 0 };
    const intents = this.intentsOf(event);
    if (intents.length === 0) return result;
    const tenant = event.associationId;
    const { association, reached } = await this.reach(tenant, intents);
    if (!association) {
      // Members does not know the association (deleted, or an event that names none): redelivery cannot help.
      this.logger.warn({ eventId: event.eventId, topic: event.topic, associationId: tenant }, 'event of an unknown association; nobody notified');
      return result;
    }
    const allowed = await this.withoutRestricted(tenant, reached);
    result.recipients = allowed.length;
    const staged = await this.stage(event, association, allowed);
    const stored = await this.deps.repository.store(tenant, staged);
    result.notifications = stored.notifications;
    for (const delivery of stored.deliveries) {
      if (delivery.status === 'failed') result.failed += 1;
      else if (delivery.heldFor) result.held += 1;
      else result.queued += 1;
    }
    await this.publish(tenant, stored.shown);
    if (result.queued > 0) this.deps.onQueued?.();
    this.logger.debug({ eventId: event.eventId, topic: event.topic, ...result }, 'event handled');
    return result;
  }

  /** The notifications and deliveries the event means for the people it reaches, by their settings and preferences. */
  private async stage(
    event: Event,
    association: AssociationInfo,
    reached: readonly { intent: NotificationIntent; person: Reached }[],
  ): Promise<NewNotification[]> {
    const tenant = event.associationId;
    const memberIds = reached.flatMap(({ person }) => (person.kind === 'member' ? [person.memberId] : []));
    const speakers = reached.flatMap(({ person }) => (person.kind === 'address' && person.languageOf ? [person.languageOf] : []));
    const asksNewsletterConsent = this.deps.newsletterConsents && reached.some(({ intent }) => isNewsletter(intent));
    const [settings, overrides, devices, newsletters] = await Promise.all([
      this.deps.preferences.settingsOf(tenant, [...new Set([...memberIds, ...speakers])]),
      this.deps.preferences.overridesOf(tenant, memberIds),
      this.deps.devices.devicesOf(tenant, memberIds),
      asksNewsletterConsent ? this.deps.newsletterConsents!(tenant) : null,
    ]);
    const withDevice = new Set(devices.map((device) => device.memberId));
    const available = new Set(this.deps.senders.filter((sender) => sender.available).map((sender) => sender.channel));
    const now = this.now();
    const rendered = new Map<NotificationIntent, Map<Locale, Content>>();
    const render = (intent: NotificationIntent, locale: Locale): Content => {
      const byLocale = rendered.get(intent) ?? new Map<Locale, Content>();
      rendered.set(intent, byLocale);
      const content = byLocale.get(locale) ?? fitted(intent.render(locale, association));
      byLocale.set(locale, content);
      return content;
    };

    const staged: NewNotification[] = [];
    for (const { intent, person } of reached) {
      const about = {
        eventId: event.eventId,
        topic: event.topic,
        category: intent.category,
        important: intent.important,
        ...subjectOf(intent),
        ...contentOf(intent),
      };
      if (person.kind === 'address') {
        // Someone who is no member: no inbox, no preferences, and nothing to send without e-mail.
        if (!available.has('email')) continue;
        const locale = (person.languageOf && settings.get(person.languageOf)?.locale) || association.locale;
        const delivery: NewDelivery = { id: randomUUID(), channel: 'email', address: person.email, status: 'queued', heldFor: null };
        staged.push({
          ...about,
          ...render(intent, locale),
          id: randomUUID(),
          recipient: person.key,
          memberId: null,
          locale,
          shown: false,
          deliveries: [delivery],
        });
        continue;
      }
      const personal = settings.get(person.memberId)!;
      const choices = overrides.get(person.memberId)!;
      const reachable = new Set(available);
      if (!withDevice.has(person.memberId)) reachable.delete('push');
      // Optional news is sent (beyond the inbox) only to who consented to newsletters.
      if (newsletters && isNewsletter(intent) && !newsletters.has(person.memberId)) reachable.clear();
      const channels = deliveryChannelsFor(choices, intent.category, reachable);
      const deliveries = channels.flatMap((channel) => {
        const delivery = this.deliveryOn(channel, intent, person, personal, now);
        return delivery ? [delivery] : [];
      });
      const fallback = this.smsFallback(intent, channels, reachable, person, deliveries);
      if (fallback) deliveries.push(fallback);
      const shown = inboxEnabled(choices, intent.category);
      // A row nobody sees and nothing is sent from would only take space.
      if (!shown && deliveries.length === 0) continue;
      const locale = personal.locale ?? association.locale;
      staged.push({ ...about, ...render(intent, locale), id: randomUUID(), recipient: person.key, memberId: person.memberId, locale, shown, deliveries });
    }
    return staged;
  }

  /**
   * A person whose processing is restricted (GDPR art. 18) gets only what must reach them: the categories that
   * cannot be turned off (important notices, account and security, billing, privacy). Privacy is asked only when an
   * optional message would reach a member; when it cannot answer this rejects, so the event is redelivered later and
   * optional messages are held back rather than sent to someone who may be restricted (decision 0038).
   */
  private async withoutRestricted<T extends { intent: NotificationIntent; person: Reached }>(tenant: string, reached: T[]): Promise<T[]> {
    const optional = (entry: T) => entry.person.kind === 'member' && isOptional(entry.intent.category);
    if (!this.deps.restrictions || !reached.some(optional)) return reached;
    const restricted = await this.deps.restrictions(tenant);
    return reached.filter((entry) => !(optional(entry) && entry.person.kind === 'member' && restricted.has(entry.person.memberId)));
  }

  /** The event's intents; none for an event the rules cannot read, which no redelivery would make readable. */
  private intentsOf(event: Event): NotificationIntent[] {
    try {
      return this.deps.intentsFor(event);
    } catch (error) {
      this.logger.error({ err: error, eventId: event.eventId, topic: event.topic }, 'event not understood; nobody notified');
      return [];
    }
  }

  /**
   * Everyone the intents reach, each once (the first intent that reaches a person is the one they get), and the
   * association, from the directory's answers; asked of the directory on its own only when no intent names members.
   */
  private async reach(
    tenant: string,
    intents: readonly NotificationIntent[],
  ): Promise<{ association: AssociationInfo | null; reached: { intent: NotificationIntent; person: Reached }[] }> {
    const answers = await Promise.all(
      intents.map(async (intent): Promise<{ association?: AssociationInfo | null; people: Reached[] }> => {
        const spec = intent.recipients;
        if (spec.kind === 'address' || spec.kind === 'contact') {
          const email = (spec.kind === 'address' ? spec.email : ((await this.deps.directory.contactEmail(tenant)) ?? '')).trim();
          const languageOf = spec.kind === 'address' ? (spec.languageOf ?? null) : null;
          return { people: email ? [{ key: addressRecipient(email), kind: 'address', email, languageOf }] : [] };
        }
        const except = new Set(intent.exceptMemberIds ?? []);
        const { association, recipients } = await this.deps.directory.recipients(tenant, spec);
        return {
          association,
          people: recipients
            .filter((recipient) => !except.has(recipient.memberId))
            .map((recipient) => ({
              key: memberRecipient(recipient.memberId),
              kind: 'member',
              memberId: recipient.memberId,
              email: recipient.email,
              phone: recipient.phone,
            })),
        };
      }),
    );
    const asked = answers.find((answer) => answer.association !== undefined);
    const association = asked ? (asked.association ?? null) : await this.deps.directory.association(tenant);
    const byKey = new Map<RecipientKey, { intent: NotificationIntent; person: Reached }>();
    intents.forEach((intent, i) => {
      for (const person of answers[i]!.people) if (!byKey.has(person.key)) byKey.set(person.key, { intent, person });
    });
    return { association, reached: [...byKey.values()] };
  }

  /**
   * The member's delivery on the channel: queued, held for quiet hours or the digest, or — for a category that
   * cannot be turned off — failed at once when there is no address to send to, so the board sees who cannot be
   * reached. Null when an optional message has nowhere to go.
   */
  private deliveryOn(
    channel: DeliveryChannel,
    intent: NotificationIntent,
    person: Extract<Reached, { kind: 'member' }>,
    settings: SettingsRow,
    now: Date,
  ): NewDelivery | null {
    const id = randomUUID();
    if (channel === 'push') {
      const quiet = intent.important ? null : quietHoursOf(settings.quietHoursStart, settings.quietHoursEnd);
      const until = quiet && quietHoursEndAfter(now, settings.timeZone, quiet);
      return until
        ? { id, channel, address: null, status: 'queued', heldFor: 'quiet_hours', nextAttemptAt: until }
        : { id, channel, address: null, status: 'queued', heldFor: null };
    }
    const address = channel === 'email' ? person.email?.trim() : person.phone?.trim();
    if (!address) {
      if (isOptional(intent.category)) return null;
      return { id, channel, address: null, status: 'failed', heldFor: null, lastError: channel === 'email' ? NO_EMAIL_ADDRESS : NO_PHONE_NUMBER };
    }
    if (channel === 'email' && settings.emailDigest && !intent.important && isOptional(intent.category)) {
      return { id, channel, address, status: 'queued', heldFor: 'digest', nextAttemptAt: nextDigestAt(now, settings.timeZone, settings.digestHour) };
    }
    return { id, channel, address, status: 'queued', heldFor: null };
  }

  /** The e-mail that waits for the person's only outward channel, SMS, when the message must reach them. */
  private smsFallback(
    intent: NotificationIntent,
    channels: readonly DeliveryChannel[],
    reachable: ReadonlySet<DeliveryChannel>,
    person: Extract<Reached, { kind: 'member' }>,
    deliveries: readonly NewDelivery[],
  ): NewDelivery | null {
    const address = person.email?.trim();
    const smsQueued = deliveries.some((delivery) => delivery.channel === 'sms' && delivery.status === 'queued');
    if (!address || !smsQueued || smsFallbackFor(intent.category, channels, reachable) !== 'email') return null;
    return { id: randomUUID(), channel: 'email', address, status: 'queued', heldFor: 'sms_fallback' };
  }

  /** Tells the members' open clients of their new inbox items; a lost update only delays them to the next refresh. */
  private async publish(tenant: string, shown: readonly { id: string; memberId: string }[]): Promise<void> {
    const outcomes = await Promise.allSettled(shown.map((row) => this.deps.feed.publish(tenant, row.memberId, { notificationId: row.id })));
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    if (failures.length > 0) this.logger.warn({ err: failures[0]!.reason, failed: failures.length }, 'live inbox updates not published');
  }
}

type Content = Pick<NewNotification, 'title' | 'body' | 'link'>;

/** The message cut to what the table holds, so an over-long post title cannot make the event undeliverable. */
function fitted(message: RenderedMessage): Content {
  return {
    title: cut(message.title, TITLE_MAX),
    body: cut(message.body, BODY_MAX),
    link: message.link && message.link.length <= LINK_MAX ? message.link : null,
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The board's news posts (not important notices): what the `newsletters` consent covers. Residents' bulletins and
 * articles are not newsletters; they follow the person's channel choices alone.
 */
function isNewsletter(intent: NotificationIntent): boolean {
  return intent.newsletter === true;
}

function contentOf(intent: NotificationIntent): { contentKind: ContentKind | null; contentAuthorId: string | null } {
  const content = intent.content;
  return content && isUuid(content.authorMemberId)
    ? { contentKind: content.kind, contentAuthorId: content.authorMemberId }
    : { contentKind: null, contentAuthorId: null };
}

function subjectOf(intent: NotificationIntent): { subjectType: string | null; subjectId: string | null } {
  const subject = intent.subject;
  return subject && isUuid(subject.id) ? { subjectType: subject.type, subjectId: subject.id } : { subjectType: null, subjectId: null };
}
