import type { PersonalDataCatalogue } from '@tunet/kit';

/**
 * Notifications' personal data (docs/decisions/0036): every table that names, reaches or identifies a person, read
 * by the coverage test and by the subgraph's own export and erase, which answer one receipt entry per table here.
 * A person's rows are the notifications to them (as a member, or to an address their own e-mails went to) and what
 * hangs off those: deliveries with the addresses used, every attempt, and their settings, choices and devices;
 * erasure also takes other residents' notices of their content (content_author_id) unless the association keeps it.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  notifications: {
    columns: ['recipient', 'member_id', 'title', 'body', 'link', 'content_author_id'],
    subject: ['member_id', 'recipient', 'content_author_id'],
    erasure: 'delete',
    lawfulBasis: 'contract',
  },
  deliveries: { columns: ['address', 'last_error', 'provider_message_id'], subject: ['notification_id'], erasure: 'delete', lawfulBasis: 'contract' },
  delivery_attempts: { columns: ['detail'], subject: ['delivery_id'], erasure: 'delete', lawfulBasis: 'contract' },
  person_settings: {
    columns: ['member_id', 'locale', 'time_zone', 'quiet_hours_start', 'quiet_hours_end', 'email_digest', 'digest_hour'],
    subject: ['member_id'],
    erasure: 'delete',
    lawfulBasis: 'contract',
  },
  preferences: { columns: ['member_id', 'category', 'channel', 'enabled'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  preference_log: { columns: ['member_id', 'via', 'change'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  push_devices: { columns: ['member_id', 'address', 'p256dh', 'auth', 'device_name'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
};
