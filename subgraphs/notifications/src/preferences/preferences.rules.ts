import type { Category, Channel, DeliveryChannel } from '../model';

/**
 * What goes out where by default, and what a person may not turn off. Pure: the ingest decides channels with it,
 * the preferences service validates changes with it, and GraphQL shows it.
 *
 * Important notices, account/security messages and billing (the board's subscription, invoices and terms of
 * service) cannot be turned off (the seeds' terms and data-processing agreement promise that people are told about
 * these; the terms' notices of price changes, blocking and withdrawal reach the board): their inbox stays on and at
 * least one of e-mail, push or SMS stays on. The person chooses which. So does privacy (a person's data-subject
 * requests, the association's privacy notice, and for the board sub-processor changes, personal-data breaches and
 * the terminated association's export): the law or the data-processing agreement says the person must be told.
 */
export const MANDATORY_CATEGORIES: ReadonlySet<Category> = new Set<Category>(['important', 'account', 'billing', 'privacy']);

const DEFAULTS: Record<Category, Record<Channel, boolean>> = {
  news: { in_app: true, email: false, push: true, sms: false },
  important: { in_app: true, email: true, push: true, sms: false },
  comments: { in_app: true, email: false, push: true, sms: false },
  events: { in_app: true, email: true, push: true, sms: false },
  reservations: { in_app: true, email: true, push: true, sms: false },
  service_requests: { in_app: true, email: true, push: true, sms: false },
  account: { in_app: true, email: true, push: false, sms: false },
  billing: { in_app: true, email: true, push: false, sms: false },
  privacy: { in_app: true, email: true, push: false, sms: false },
};

/** A person's stored choices: only those that differ from the default are rows. */
export type PreferenceOverrides = ReadonlyMap<`${Category}:${Channel}`, boolean>;

export function isOptional(category: Category): boolean {
  return !MANDATORY_CATEGORIES.has(category);
}

/** Whether the channel is on for the category, the person's choice over the default. */
export function channelEnabled(overrides: PreferenceOverrides, category: Category, channel: Channel): boolean {
  if (channel === 'in_app' && !isOptional(category)) return true;
  return overrides.get(`${category}:${channel}`) ?? DEFAULTS[category][channel];
}

/**
 * The delivery channels a message of the category goes out on. For a mandatory category whose every outward
 * channel is off (possible only through data written before a rule changed), e-mail is used: it must reach them.
 */
export function deliveryChannelsFor(overrides: PreferenceOverrides, category: Category, available: ReadonlySet<DeliveryChannel>): DeliveryChannel[] {
  const chosen = (['email', 'push', 'sms'] as const).filter((channel) => available.has(channel) && channelEnabled(overrides, category, channel));
  if (chosen.length === 0 && !isOptional(category) && available.has('email')) return ['email'];
  return chosen;
}

/**
 * The channel that waits for a text message and goes only if it is not sent (no SMS add-on, the month's quota used
 * up, the SMS failed): e-mail, for a category that cannot be turned off whose only outward channel is SMS. Null
 * otherwise: another chosen channel carries the message anyway, or for an optional category the inbox does.
 */
export function smsFallbackFor(category: Category, channels: readonly DeliveryChannel[], available: ReadonlySet<DeliveryChannel>): DeliveryChannel | null {
  const smsOnly = channels.length === 1 && channels[0] === 'sms';
  return smsOnly && !isOptional(category) && available.has('email') ? 'email' : null;
}

/** Whether the inbox gets the message. */
export function inboxEnabled(overrides: PreferenceOverrides, category: Category): boolean {
  return channelEnabled(overrides, category, 'in_app');
}

export interface ChannelChange {
  category: Category;
  channel: Channel;
  enabled: boolean;
}

/** The overrides once the changes are applied in order. */
export function applyChanges(overrides: PreferenceOverrides, changes: readonly ChannelChange[]): PreferenceOverrides {
  const after = new Map(overrides);
  for (const change of changes) after.set(`${change.category}:${change.channel}`, change.enabled);
  return after;
}

/**
 * Why the changes cannot be made together, or null when they can: the inbox of a mandatory category stays on, and
 * such a category keeps at least one of e-mail, push or SMS once all the changes are made.
 */
export function refusalOf(overrides: PreferenceOverrides, changes: readonly ChannelChange[]): string | null {
  const inbox = changes.find((change) => change.channel === 'in_app' && !change.enabled && !isOptional(change.category));
  if (inbox) return `The inbox cannot be turned off for ${inbox.category} notifications.`;
  const after = applyChanges(overrides, changes);
  for (const category of MANDATORY_CATEGORIES) {
    const left = (['email', 'push', 'sms'] as const).some((channel) => channelEnabled(after, category, channel));
    if (!left) return `${category} notifications cannot be turned off: keep e-mail, push or SMS on.`;
  }
  return null;
}
