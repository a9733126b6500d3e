/**
 * The words every part of the notifications subgraph shares: categories, channels, delivery states, and the
 * interfaces between the parts (the directory of recipients, the channel senders, the live inbox feed).
 * Database values are the lower-case names; GraphQL enums are their upper-case forms.
 */
import type { ContentKind } from '@tunet/kit';

/**
 * The GraphQL enums whose values resolvers see in lower case, as the database keeps them, each with its type here:
 * codegen types the resolvers with that type, and kit's lowerCaseEnumValues maps the values at run time.
 */
export const LOWER_CASE_ENUMS = {
  NotificationCategory: 'Category',
  NotificationChannel: 'Channel',
  DeliveryStatus: 'DeliveryStatus',
  DeliveryHold: 'DeliveryHold',
  WithheldReason: 'WithheldReason',
  PushDeviceKind: 'PushDeviceKind',
  Locale: 'Locale',
} as const;

export const CATEGORIES = ['news', 'important', 'comments', 'events', 'reservations', 'service_requests', 'account', 'billing', 'privacy'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Preference channels. `in_app` is the inbox row itself; the others each get a delivery. */
export const CHANNELS = ['in_app', 'email', 'push', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
export type DeliveryChannel = Exclude<Channel, 'in_app'>;
export const DELIVERY_CHANNELS: readonly DeliveryChannel[] = ['email', 'push', 'sms'];

export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'failed', 'bounced', 'withheld'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** `sms_fallback`: an e-mail that goes only if the notification's text message is not sent. */
export type DeliveryHold = 'quiet_hours' | 'digest' | 'sms_fallback';
/** Why a delivery was not sent on purpose (status `withheld`). */
export type WithheldReason = 'sms_not_subscribed' | 'sms_quota_exceeded' | 'association_terminated';

export type PushDeviceKind = 'web' | 'fcm' | 'apns';

export type Locale = 'nb' | 'en';

/** `member:<uuid>` or `email:<lower-cased address>`: the recipient part of the (event, recipient, channel) key. */
export type RecipientKey = `member:${string}` | `email:${string}`;

export function memberRecipient(memberId: string): RecipientKey {
  return `member:${memberId}`;
}

export function addressRecipient(email: string): RecipientKey {
  return `email:${email.trim().toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Directory: who receives, with the contact data members holds. Notifications never reads members' tables.

/** Who an event is for, as a producer describes it; resolved by the directory within the event's association. */
export type RecipientSpec =
  /** Those members; `includeSuspended` only for the message telling someone they are suspended. */
  | { kind: 'members'; memberIds: readonly string[]; includeSuspended?: boolean }
  /** Everyone the audience reaches, as posts defines audiences; the board is in every audience. */
  | { kind: 'audience'; audience: { kind: 'association' | 'building' | 'committee' | 'group' | 'board'; id: string | null } }
  /** The association's current board. */
  | { kind: 'board' }
  /** The association's contact e-mail address (its legal details); nobody when it has none. */
  | { kind: 'contact' }
  /**
   * An e-mail address only: someone who is no member (yet), or a person's login address (a password reset). With
   * `languageOf`, the message is in that member's chosen language rather than the association's.
   */
  | { kind: 'address'; email: string; name?: string | null; languageOf?: string | null };

/** A member as notifications needs them: how to address them and in which language by default. */
export interface Recipient {
  memberId: string;
  displayName: string;
  /** Null when members has no address for them: such a recipient gets the inbox and push only. */
  email: string | null;
  phone: string | null;
}

export interface AssociationInfo {
  id: string;
  name: string;
  /** The association's language, the default for people who chose none. */
  locale: Locale;
  timeZone: string;
}

export interface Directory {
  /** The association's name and language; null when members does not know it. */
  association(associationId: string): Promise<AssociationInfo | null>;
  /**
   * The current, active (not moved out, not suspended) members the spec reaches in this association, each once,
   * with the association as `association()` gives it (members answers both at once, so an event costs one ask).
   * Ids of another association's members, buildings, committees or groups reach nobody. Never called with
   * `address` or `contact`.
   */
  recipients(associationId: string, spec: Exclude<RecipientSpec, { kind: 'address' | 'contact' }>): Promise<Reach>;
  /** The association's contact e-mail address; null when it has none or members does not know the association. */
  contactEmail(associationId: string): Promise<string | null>;
}

/** A spec's recipients and the association they are in; no recipients when the association is unknown. */
export interface Reach {
  association: AssociationInfo | null;
  recipients: Recipient[];
}

// ---------------------------------------------------------------------------------------------------------------
// What an event becomes: one intent, rendered per recipient language by its template.

/** A message in one language: what the inbox, e-mail, push and SMS all show. */
export interface RenderedMessage {
  title: string;
  /** Plain text, paragraphs separated by a blank line. */
  body: string;
  /** A path in the web app (`/posts/<id>`) or an absolute https URL. */
  link: string | null;
  /** The e-mail's button text, when there is a link. */
  action?: string;
}

export interface NotificationIntent {
  category: Category;
  /** Important notices skip quiet hours and digests and go out whatever the preferences (on the channels chosen). */
  important: boolean;
  /** The board's news post to its members: beyond the inbox only with the `newsletters` consent (decision 0015). */
  newsletter?: boolean;
  recipients: RecipientSpec;
  /** Members left out, e.g. the author of the post announced. */
  exceptMemberIds?: readonly string[];
  subject?: { type: string; id: string } | null;
  /** Whose content the message is about: erasing the author deletes it unless the association keeps that kind. */
  content?: { kind: ContentKind; authorMemberId: string };
  /** The message in a language; `association` gives the association's name, for texts that mention it. */
  render(locale: Locale, association: AssociationInfo): RenderedMessage;
}

// ---------------------------------------------------------------------------------------------------------------
// Channels: one sender per delivery channel. The dispatcher claims due deliveries and hands them over.

/** Everything a sender needs about one delivery; read by the dispatcher from the delivery and its notification. */
export interface OutgoingDelivery {
  deliveryId: string;
  associationId: string;
  notificationId: string;
  /** Null for an address-only recipient. */
  memberId: string | null;
  channel: DeliveryChannel;
  /** E-mail address or phone number; null for push. */
  address: string | null;
  /** 1 on the first try. */
  attempt: number;
  category: Category;
  important: boolean;
  locale: Locale;
  title: string;
  body: string;
  link: string | null;
  subjectType: string | null;
  subjectId: string | null;
  createdAt: Date;
}

export type SendOutcome =
  /** The provider accepted it (`delivered` when it confirmed delivery to the device or mailbox). */
  | { status: 'sent' | 'delivered'; providerMessageId?: string | null; detail?: string | null }
  /** Worth trying again later: a timeout, a 4xx SMTP answer, a 5xx from a push service. */
  | { status: 'retry'; reason: string }
  /** Will never work: no device, no address, a provider refusing the request. */
  | { status: 'failed'; reason: string }
  /** The address does not exist or refuses mail. */
  | { status: 'bounced'; reason: string };

export interface ChannelSender {
  readonly channel: DeliveryChannel;
  /** Whether the channel can send at all (an SMS provider configured, push keys present). */
  readonly available: boolean;
  /**
   * Sends it carries at once (an SMTP pool's connections); more would wait inside it while their time to answer
   * runs. Unlimited when absent.
   */
  readonly capacity?: number;
  send(delivery: OutgoingDelivery): Promise<SendOutcome>;
}

// ---------------------------------------------------------------------------------------------------------------
// Live inbox: new items and counts pushed to the person's open web clients.

export interface InboxUpdate {
  /** The new notification's id; null when only the unread count changed (read or archived on another device). */
  notificationId: string | null;
}

export interface InboxFeed {
  publish(associationId: string, memberId: string, update: InboxUpdate): Promise<void>;
  /** Updates for one member until the returned iterator is closed (`return()`). */
  subscribe(associationId: string, memberId: string): AsyncIterableIterator<InboxUpdate>;
  close(): Promise<void>;
}
