import { absoluteClientLink, matchClientRoute, type Event } from '@tunet/kit';
import { EmailChannel } from '../email/email.channel';
import type { EmailTransport, OutgoingEmail } from '../email/email-transport';
import { renderDigestEmail } from '../email/email-layout';
import { settingsUrl, unsubscribeUrl } from '../email/unsubscribe';
import { unsubscribePage, type UnsubscribePage } from '../email/unsubscribe-pages';
import type { AssociationInfo, Locale, NotificationIntent, OutgoingDelivery, RenderedMessage } from '../model';
import { pushMessageFor } from '../push/push.message';
import { SmsChannel } from '../sms/sms.channel';
import { MOVED_OUT_REASON } from './messages/reservations.messages';
import { intentsFor, MalformedEvent, NOTIFICATION_TOPICS } from './notification.rules';

const SOLBAKKEN: AssociationInfo = { id: 'a0000000-0000-4000-8000-000000000001', name: 'Solbakken borettslag', locale: 'nb', timeZone: 'Europe/Oslo' };
const KARI = 'b0000000-0000-4000-8000-000000000001';
const OLA = 'b0000000-0000-4000-8000-000000000002';
const PER = 'b0000000-0000-4000-8000-000000000004';
const POST = 'c0000000-0000-4000-8000-000000000001';
const COMMENT = 'c0000000-0000-4000-8000-000000000002';
const EVENT = 'c0000000-0000-4000-8000-000000000003';
const GROUP = 'c0000000-0000-4000-8000-000000000004';
const BOOKING = 'c0000000-0000-4000-8000-000000000005';
const RESOURCE = 'c0000000-0000-4000-8000-000000000006';
const CASE = 'c0000000-0000-4000-8000-000000000007';
const BUILDING = 'd0000000-0000-4000-8000-000000000001';
const OTHER = 'e0000000-0000-4000-8000-000000000001';

let sequence = 0;
/** An event as the stream delivers it: happened on Friday 20 November 2026 unless said otherwise. */
function eventOf(topic: string, payload: Record<string, unknown>, occurredAt = new Date('2026-11-20T10:00:00.000Z')): Event {
  sequence += 1;
  return { eventId: `f0000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`, topic, associationId: SOLBAKKEN.id, occurredAt, payload };
}

function only(event: Event): NotificationIntent {
  const intents = intentsFor(event);
  expect(intents).toHaveLength(1);
  return intents[0]!;
}

const render = (intent: NotificationIntent, locale: Locale, association = SOLBAKKEN): RenderedMessage => intent.render(locale, association);

// Payloads as their producers write them (posts.service postPublished, comments.service addComment, ...).
const PAYLOADS: Record<string, Record<string, unknown>> = {
  'post.published': {
    postId: POST,
    kind: 'news',
    title: 'Vannet stenges tirsdag',
    excerpt: 'Rørleggeren bytter stoppekraner i Blokk A mellom 09 og 14.',
    audience: { kind: 'building', id: BUILDING },
    important: false,
    authorMemberId: KARI,
    publishedAt: '2026-11-20T10:00:00.000Z',
  },
  'comment.created': { postId: POST, commentId: COMMENT, authorMemberId: OLA, recipients: [KARI, PER] },
  'event.signup_promoted': { eventId: EVENT, memberId: OLA, signupId: OTHER },
  'event.reminder_due': { eventId: EVENT, title: 'Dugnad', startsAt: '2026-11-24T17:00:00.000Z', place: 'Gården', recipients: [OLA, PER] },
  'content.reported': { caseId: CASE, targetType: 'COMMENT', targetId: COMMENT, reason: 'OFFENSIVE', householdCount: 2, hidden: true },
  'content.moderated': {
    recipients: [OLA],
    action: 'REMOVE',
    reason: 'Personangrep er ikke i tråd med god skikk.',
    targetType: 'COMMENT',
    targetId: COMMENT,
    postId: POST,
    caseId: CASE,
  },
  'group.join_requested': { groupId: GROUP, requestId: OTHER, memberId: OLA, recipients: [PER] },
  'group.member_added': { groupId: GROUP, memberId: OLA, role: 'member', addedByMemberId: PER },
  'conduct.published': { version: 2, publishedByMemberId: KARI },
  'reservation.confirmed': {
    bookingId: BOOKING,
    resourceId: RESOURCE,
    resourceName: 'Selskapslokalet',
    bookerMemberId: OLA,
    start: '2026-11-24T17:00:00.000Z',
    end: '2026-11-24T21:00:00.000Z',
    recipients: [OLA],
  },
  'reservation.cancelled': {
    bookingId: BOOKING,
    resourceId: RESOURCE,
    resourceName: 'Selskapslokalet',
    bookerMemberId: OLA,
    start: '2026-11-24T17:00:00.000Z',
    end: '2026-11-24T21:00:00.000Z',
    recipients: [OLA],
    reason: 'Lokalet skal males.',
    byBoard: true,
    rejected: false,
  },
  'reservation.approval_requested': {
    bookingId: BOOKING,
    resourceId: RESOURCE,
    resourceName: 'Gjesteleiligheten',
    bookerMemberId: OLA,
    start: '2026-11-20T14:00:00.000Z',
    end: '2026-11-22T11:00:00.000Z',
    recipientRole: 'board',
  },
  'reservation.reminder_due': {
    bookingId: BOOKING,
    resourceId: RESOURCE,
    resourceName: 'Selskapslokalet',
    start: '2026-11-24T17:00:00.000Z',
    end: '2026-11-24T21:00:00.000Z',
    recipients: [OLA],
  },
  'member.invited': {
    invitationId: OTHER,
    memberId: PER,
    email: 'per@solbakken.example',
    displayName: 'Per Ødegård',
    token: 'inv_3q2-9xYz',
    expiresAt: '2026-11-27T10:00:00.000Z',
  },
  'account.email_change_requested': {
    changeId: OTHER,
    accountId: OTHER,
    oldEmail: 'ola@solbakken.example',
    newEmail: 'ola.hansen@example.com',
    token: 'chg_7Hq-Zt0a',
    expiresAt: '2026-11-21T10:00:00.000Z',
  },
  'account.password_reset_requested': {
    resetId: OTHER,
    accountId: OTHER,
    memberId: OLA,
    email: 'ola@solbakken.example',
    token: 'rst_9Kq-Wx2b',
    expiresAt: '2026-11-20T10:30:00.000Z',
  },
  'member.suspended': { memberId: OLA, reason: 'Gjentatte brudd på husordensreglene', until: '2099-01-01' },
  'member.joined': { memberId: PER, invitationId: OTHER },
  'feature.enabled': { feature: 'sms', subscriptionId: 'a1000000-0000-4000-8000-000000000001', status: 'trial', trialEndsOn: '2027-01-01' },
  'feature.disabled': { feature: 'sms', subscriptionId: 'a1000000-0000-4000-8000-000000000001', reason: 'trial_ended' },
  'feature.past_due': {
    feature: 'operationsCenter',
    subscriptionId: 'a1000000-0000-4000-8000-000000000001',
    invoiceId: 'a2000000-0000-4000-8000-000000000002',
    dueOn: '2026-12-15',
    blocksOn: '2026-12-29',
  },
  'feature.blocked': { feature: 'operationsCenter', subscriptionId: 'a1000000-0000-4000-8000-000000000001', invoiceId: 'a2000000-0000-4000-8000-000000000002' },
  'invoice.issued': {
    invoiceId: 'a2000000-0000-4000-8000-000000000002',
    feature: 'extraStorage',
    amountOre: 123_450,
    issuedOn: '2026-12-01',
    dueOn: '2026-12-15',
    periodStart: '2026-12-01',
    periodEnd: '2027-01-01',
  },
  'invoice.paid': { invoiceId: 'a2000000-0000-4000-8000-000000000002', feature: 'extraStorage', amountOre: 123_450, paidAt: '2026-12-10T10:00:00.000Z' },
  'feature.withdrawal_announced': {
    feature: 'sms',
    withdrawalId: 'a3000000-0000-4000-8000-000000000003',
    endsOn: '2027-04-01',
    announcedAt: '2026-12-01T09:00:00.000Z',
  },
  'terms.version_announced': { version: '2027-01', effectiveOn: '2027-01-15', summaryUrl: null },
  'association.termination_filed': {
    terminationId: 'a4000000-0000-4000-8000-000000000004',
    initiatedBy: 'provider',
    effectiveOn: '2027-04-01',
    reason: 'Avtalen er ikke fornyet',
    timeZone: 'Europe/Oslo',
  },
  'association.termination_withdrawn': {
    terminationId: 'a4000000-0000-4000-8000-000000000004',
    initiatedBy: 'provider',
    effectiveOn: '2027-04-01',
    timeZone: 'Europe/Oslo',
  },
  'association.breach_noticed': {
    breachNoticeId: 'a5000000-0000-4000-8000-000000000005',
    description: 'Reklame for pyramidespill i nyhetene',
    remedyBy: '2026-12-08',
    timeZone: 'Europe/Oslo',
  },
  'association.blocked': {
    ground: 'illegal_use',
    reason: 'Reklamen ble ikke fjernet',
    blockedAt: '2026-12-09T08:00:00.000Z',
    terminationId: 'a4000000-0000-4000-8000-000000000004',
    effectiveOn: '2026-12-16',
    timeZone: 'Europe/Oslo',
  },
  'association.unblocked': { unblockedAt: '2026-12-10T08:00:00.000Z' },
  'privacy.export_ready': {
    requestId: 'a4000000-0000-4000-8000-000000000001',
    memberId: 'a4000000-0000-4000-8000-000000000002',
    requestedBy: null,
    expiresAt: '2026-12-17T08:00:00.000Z',
  },
  'privacy.request_extended': {
    requestId: 'a4000000-0000-4000-8000-000000000001',
    memberId: 'a4000000-0000-4000-8000-000000000002',
    kind: 'erasure',
    deadline: '2027-03-01',
    reason: 'Saken gjelder mange år med bookinger.',
  },
  'privacy.request_completed': {
    requestId: 'a4000000-0000-4000-8000-000000000001',
    memberId: 'a4000000-0000-4000-8000-000000000002',
    requestedBy: 'a4000000-0000-4000-8000-000000000003',
    kind: 'erasure',
  },
  'privacy.notice_published': { noticeId: 'a4000000-0000-4000-8000-000000000004', version: 2, material: true, lastChangedOn: '2026-12-01' },
  'privacy.restriction_changed': {
    memberId: 'a4000000-0000-4000-8000-000000000002',
    action: 'lifted',
    actor: 'board',
    reason: 'Opplysningene er kontrollert og riktige.',
  },
  'subprocessor.change_announced': {
    changeId: 'a4000000-0000-4000-8000-000000000005',
    subprocessor: 'Google Firebase Cloud Messaging',
    change: 'changed',
    effectiveOn: '2026-12-20',
    objectionDeadline: '2026-12-08',
    emergency: true,
    reason: 'The old endpoint closes.',
  },
  'breach.notified': {
    breachId: 'a4000000-0000-4000-8000-000000000006',
    suspectedAt: '2026-12-01T07:00:00.000Z',
    notifiedAt: '2026-12-01T12:00:00.000Z',
    authorityDeadline: '2026-12-04T12:00:00.000Z',
    dataCategories: ['navn', 'e-post'],
    description: 'En e-post med beboerlisten ble sendt til feil mottaker.',
  },
  'breach.clock_overdue': { breachId: 'a4000000-0000-4000-8000-000000000006', clock: 'notify_authority', dueAt: '2026-12-04T12:00:00.000Z' },
  'association.export_ready': { exportId: 'a4000000-0000-4000-8000-000000000007', expiresAt: '2027-03-01T08:00:00.000Z' },
  'service_request.overdue': {
    requestId: 'a5000000-0000-4000-8000-000000000003',
    title: 'Lekker under vasken',
    category: 'plumbing',
    urgency: 'urgent',
    missed: 'response',
    dueAt: '2026-11-20T12:00:00.000Z',
    assigneeMemberId: OLA,
  },
  'maintenance_task.overdue': {
    taskId: 'a5000000-0000-4000-8000-000000000001',
    occurrenceId: 'a5000000-0000-4000-8000-000000000002',
    title: 'Brannvernrunde',
    responsibleMemberId: PER,
    dueAt: '2026-11-19T23:30:00.000Z',
  },
  'service_request.status_changed': {
    requestId: 'a6000000-0000-4000-8000-000000000001',
    reporterMemberId: OLA,
    actorMemberId: KARI,
    from: 'acknowledged',
    to: 'rejected',
    title: 'Lekker under vasken',
    reason: 'Vasken er andelseiers ansvar.',
    at: '2026-11-20T10:00:00.000Z',
  },
  'service_request.reported': {
    requestId: 'a6000000-0000-4000-8000-000000000001',
    reporterMemberId: OLA,
    title: 'Lekker under vasken',
    category: 'plumbing',
    urgency: 'urgent',
    locationKind: 'unit',
  },
  'service_request.assigned': {
    requestId: 'a6000000-0000-4000-8000-000000000001',
    assigneeMemberId: PER,
    assignedByMemberId: KARI,
    title: 'Lekker under vasken',
    urgency: 'urgent',
  },
};

describe('the notification rules', () => {
  it('handle exactly the topics they have rules for', () => {
    expect([...NOTIFICATION_TOPICS].sort()).toEqual(Object.keys(PAYLOADS).sort());
  });

  it.each(Object.keys(PAYLOADS))('%s renders a title, a body and a link within the stored limits, in both languages', (topic) => {
    for (const intent of intentsFor(eventOf(topic, PAYLOADS[topic]!))) {
      for (const locale of ['nb', 'en'] as const) {
        const message = render(intent, locale);
        expect(message.title.length).toBeGreaterThan(0);
        expect(message.title.length).toBeLessThanOrEqual(300);
        expect(message.body.length).toBeGreaterThan(0);
        expect(message.body.length).toBeLessThanOrEqual(5000);
        if (message.link) expect(message.link).toMatch(/^\/[a-z]/);
        if (message.link) expect(message.action).toBeTruthy();
      }
      expect(render(intent, 'nb')).not.toEqual(render(intent, 'en'));
    }
  });

  it.each(Object.keys(PAYLOADS))('%s with a payload its producer does not write throws MalformedEvent', (topic) => {
    expect(() => intentsFor(eventOf(topic, {}))).toThrow(MalformedEvent);
    const wrongType = { ...PAYLOADS[topic]!, [Object.keys(PAYLOADS[topic]!)[0]!]: { unexpected: true } };
    expect(() => intentsFor(eventOf(topic, wrongType))).toThrow(MalformedEvent);
  });

  it('say what was wrong with a malformed payload, without its values', () => {
    const event = eventOf('member.invited', { ...PAYLOADS['member.invited'], email: 'ikke en adresse' });
    const error = (() => {
      try {
        intentsFor(event);
      } catch (thrown) {
        return thrown as MalformedEvent;
      }
      throw new Error('no error thrown');
    })();
    expect(error).toMatchObject({ eventId: event.eventId, topic: 'member.invited' });
    expect(error.message).toContain('email');
    expect(error.message).not.toContain('ikke en adresse');
    expect(error.message).not.toContain('inv_3q2-9xYz');
  });

  it('notify nobody of a topic they do not handle', () => {
    for (const topic of ['member.moved_out', 'board.term_ended', 'moderation.suspension_requested', 'constructor', 'toString']) {
      expect(intentsFor(eventOf(topic, { memberId: OLA }))).toEqual([]);
    }
  });

  describe('posts', () => {
    it('announce a post as news to its audience, except its author', () => {
      const intent = only(eventOf('post.published', PAYLOADS['post.published']!));
      expect(intent).toMatchObject({
        category: 'news',
        important: false,
        recipients: { kind: 'audience', audience: { kind: 'building', id: BUILDING } },
        exceptMemberIds: [KARI],
        subject: { type: 'Post', id: POST },
      });
      expect(render(intent, 'nb')).toEqual({
        title: 'Vannet stenges tirsdag',
        body: 'Rørleggeren bytter stoppekraner i Blokk A mellom 09 og 14.\n\nNyhet i Solbakken borettslag.',
        link: `/posts/${POST}`,
        action: 'Les innlegget',
      });
      expect(render(intent, 'en')).toEqual({
        title: 'Vannet stenges tirsdag',
        body: 'Rørleggeren bytter stoppekraner i Blokk A mellom 09 og 14.\n\nNews in Solbakken borettslag.',
        link: `/posts/${POST}`,
        action: 'Read the post',
      });
    });

    it('announce an important post to the whole association as an important notice', () => {
      const intent = only(
        eventOf('post.published', {
          ...PAYLOADS['post.published'],
          kind: 'bulletin',
          important: true,
          audience: { kind: 'association', id: null },
          excerpt: '',
        }),
      );
      expect(intent).toMatchObject({ category: 'important', important: true, recipients: { kind: 'audience', audience: { kind: 'association', id: null } } });
      expect(render(intent, 'nb').body).toBe('Viktig melding fra styret i Solbakken borettslag.');
      expect(render(intent, 'en').body).toBe('An important notice from the board of Solbakken borettslag.');
    });

    it('pass group audiences on for the directory to ask posts', () => {
      const intent = only(eventOf('post.published', { ...PAYLOADS['post.published'], kind: 'article', audience: { kind: 'group', id: GROUP } }));
      expect(intent.recipients).toEqual({ kind: 'audience', audience: { kind: 'group', id: GROUP } });
      expect(render(intent, 'en').body).toContain('A new article in Solbakken borettslag.');
    });

    it('refuse an audience without the id its kind needs', () => {
      expect(() => intentsFor(eventOf('post.published', { ...PAYLOADS['post.published'], audience: { kind: 'building', id: null } }))).toThrow(MalformedEvent);
    });

    it("tell a thread's participants of a new comment, and nobody when there are none", () => {
      const intent = only(eventOf('comment.created', PAYLOADS['comment.created']!));
      expect(intent).toMatchObject({
        category: 'comments',
        important: false,
        recipients: { kind: 'members', memberIds: [KARI, PER] },
        subject: { type: 'Comment', id: COMMENT },
      });
      expect(render(intent, 'nb')).toMatchObject({ title: 'Ny kommentar', link: `/posts/${POST}#comment-${COMMENT}` });
      expect(render(intent, 'en').title).toBe('New comment');
      expect(intentsFor(eventOf('comment.created', { ...PAYLOADS['comment.created'], recipients: [] }))).toEqual([]);
    });

    it('tell a waitlisted member they got a place', () => {
      const intent = only(eventOf('event.signup_promoted', PAYLOADS['event.signup_promoted']!));
      expect(intent).toMatchObject({ category: 'events', recipients: { kind: 'members', memberIds: [OLA] }, subject: { type: 'Event', id: EVENT } });
      expect(render(intent, 'nb')).toMatchObject({ title: 'Du har fått plass', link: `/events/${EVENT}`, action: 'Se arrangementet' });
      expect(render(intent, 'en')).toMatchObject({ title: 'You have a place', link: `/events/${EVENT}` });
    });

    it("remind those signed up of an event, at the association's local time", () => {
      const intent = only(eventOf('event.reminder_due', PAYLOADS['event.reminder_due']!));
      expect(intent).toMatchObject({ category: 'events', recipients: { kind: 'members', memberIds: [OLA, PER] }, subject: { type: 'Event', id: EVENT } });
      expect(render(intent, 'nb')).toEqual({
        title: 'Påminnelse: Dugnad',
        body: '«Dugnad» begynner tirsdag 24. november kl. 18:00.\n\nSted: Gården.\n\nDu er påmeldt.',
        link: `/events/${EVENT}`,
        action: 'Se arrangementet',
      });
      expect(render(intent, 'en').body).toBe('“Dugnad” starts Tuesday 24 November at 18:00.\n\nPlace: Gården.\n\nYou are signed up.');
      expect(render(intent, 'en', { ...SOLBAKKEN, timeZone: 'America/New_York' }).body).toContain('Tuesday 24 November at 12:00');
    });

    it('name the year of a date in another year than the event', () => {
      const intent = only(
        eventOf(
          'event.reminder_due',
          { ...PAYLOADS['event.reminder_due'], startsAt: '2027-01-01T17:00:00.000Z', place: '' },
          new Date('2026-12-31T17:00:00.000Z'),
        ),
      );
      expect(render(intent, 'nb').body).toBe('«Dugnad» begynner fredag 1. januar 2027 kl. 18:00.\n\nDu er påmeldt.');
      expect(render(intent, 'en').body).toBe('“Dugnad” starts Friday 1 January 2027 at 18:00.\n\nYou are signed up.');
    });

    it('tell the board of reported content, and whether it is hidden', () => {
      const intent = only(eventOf('content.reported', PAYLOADS['content.reported']!));
      expect(intent).toMatchObject({ category: 'comments', important: false, recipients: { kind: 'board' }, subject: { type: 'Comment', id: COMMENT } });
      expect(render(intent, 'nb')).toEqual({
        title: 'En kommentar er rapportert',
        body: 'Kommentaren er rapportert som støtende, av 2 husstander så langt.\n\nDet er skjult for andre til styret har vurdert saken.',
        link: `/moderation/${CASE}`,
        action: 'Vurder saken',
      });
      const post = only(
        eventOf('content.reported', { ...PAYLOADS['content.reported'], targetType: 'POST', targetId: POST, reason: 'SPAM', householdCount: 1, hidden: false }),
      );
      expect(render(post, 'en').body).toBe('The post was reported as advertising or spam, by 1 household so far.\n\nIt is still visible.');
    });

    it('tell the author what moderation did to their content and why', () => {
      const intent = only(eventOf('content.moderated', PAYLOADS['content.moderated']!));
      expect(intent).toMatchObject({ category: 'account', important: false, recipients: { kind: 'members', memberIds: [OLA] } });
      expect(render(intent, 'nb')).toEqual({
        title: 'Kommentaren din er fjernet',
        body: 'Kommentaren din er fjernet etter styrets vurdering.\n\nBegrunnelse: Personangrep er ikke i tråd med god skikk.\n\nMener du at dette er feil, ta kontakt med styret.',
        link: `/posts/${POST}#comment-${COMMENT}`,
        action: 'Se kommentaren',
      });
      const hidden = only(eventOf('content.moderated', { ...PAYLOADS['content.moderated'], action: 'HIDE', targetType: 'POST', targetId: POST, caseId: null }));
      expect(render(hidden, 'en')).toMatchObject({ title: 'Your post has been hidden', link: `/posts/${POST}` });
      expect(render(hidden, 'en').body).toContain('Your post has been hidden until the board has reviewed it.');
      // A board member acting on their own content is not told.
      expect(intentsFor(eventOf('content.moderated', { ...PAYLOADS['content.moderated'], recipients: [] }))).toEqual([]);
    });

    it("tell a group's admins of a request to join", () => {
      const intent = only(eventOf('group.join_requested', PAYLOADS['group.join_requested']!));
      expect(intent).toMatchObject({ category: 'comments', recipients: { kind: 'members', memberIds: [PER] }, subject: { type: 'Group', id: GROUP } });
      expect(render(intent, 'nb')).toMatchObject({ title: 'Noen vil bli med i gruppen din', link: `/groups/${GROUP}` });
    });

    it('tell a member someone else added to a group, not one who joined by themselves', () => {
      const intent = only(eventOf('group.member_added', PAYLOADS['group.member_added']!));
      expect(intent).toMatchObject({ category: 'comments', recipients: { kind: 'members', memberIds: [OLA] }, subject: { type: 'Group', id: GROUP } });
      expect(render(intent, 'en')).toMatchObject({ title: 'You are in a new group', link: `/groups/${GROUP}`, action: 'Go to the group' });
      const admin = only(eventOf('group.member_added', { ...PAYLOADS['group.member_added'], role: 'admin' }));
      expect(render(admin, 'nb').body).toBe('Du er lagt til som administrator i en gruppe.');
      expect(intentsFor(eventOf('group.member_added', { ...PAYLOADS['group.member_added'], addedByMemberId: null }))).toEqual([]);
      expect(intentsFor(eventOf('group.member_added', { ...PAYLOADS['group.member_added'], addedByMemberId: OLA }))).toEqual([]);
    });

    it('announce a new code of conduct to everyone as an important notice, except its publisher', () => {
      const intent = only(eventOf('conduct.published', PAYLOADS['conduct.published']!));
      expect(intent).toMatchObject({
        category: 'important',
        important: true,
        recipients: { kind: 'audience', audience: { kind: 'association', id: null } },
        exceptMemberIds: [KARI],
      });
      expect(render(intent, 'nb')).toMatchObject({ title: 'Nye retningslinjer for god skikk', link: '/conduct' });
      expect(render(intent, 'nb').body).toContain('Styret i Solbakken borettslag har publisert versjon 2');
      expect(render(intent, 'en').body).toContain('The board of Solbakken borettslag has published version 2');
    });
  });

  describe('reservations', () => {
    it('confirm a booking to the booker, with its local times', () => {
      const intent = only(eventOf('reservation.confirmed', PAYLOADS['reservation.confirmed']!));
      expect(intent).toMatchObject({
        category: 'reservations',
        important: false,
        recipients: { kind: 'members', memberIds: [OLA] },
        subject: { type: 'Booking', id: BOOKING },
      });
      expect(render(intent, 'nb')).toEqual({
        title: 'Booking bekreftet: Selskapslokalet',
        body: 'Bookingen din av Selskapslokalet tirsdag 24. november kl. 18:00–22:00 er bekreftet.',
        link: `/bookings/${BOOKING}`,
        action: 'Se bookingen',
      });
      expect(render(intent, 'en').body).toBe('Your booking of Selskapslokalet Tuesday 24 November, 18:00–22:00 is confirmed.');
    });

    it('tell the booker the board cancelled, and why; nobody when they cancelled themselves', () => {
      const intent = only(eventOf('reservation.cancelled', PAYLOADS['reservation.cancelled']!));
      expect(intent).toMatchObject({ category: 'reservations', recipients: { kind: 'members', memberIds: [OLA] }, subject: { type: 'Booking', id: BOOKING } });
      expect(render(intent, 'nb')).toMatchObject({
        title: 'Booking avlyst: Selskapslokalet',
        body: 'Styret har avlyst bookingen din av Selskapslokalet tirsdag 24. november kl. 18:00–22:00.\n\nBegrunnelse: Lokalet skal males.',
      });
      expect(render(intent, 'en').body).toBe(
        'The board has cancelled your booking of Selskapslokalet Tuesday 24 November, 18:00–22:00.\n\nReason: Lokalet skal males.',
      );
      expect(intentsFor(eventOf('reservation.cancelled', { ...PAYLOADS['reservation.cancelled'], recipients: [], byBoard: false, reason: null }))).toEqual([]);
    });

    it('tell the booker the board declined the booking', () => {
      const intent = only(eventOf('reservation.cancelled', { ...PAYLOADS['reservation.cancelled'], rejected: true, reason: null }));
      expect(render(intent, 'nb')).toMatchObject({
        title: 'Booking avslått: Selskapslokalet',
        body: 'Styret har avslått bookingen din av Selskapslokalet tirsdag 24. november kl. 18:00–22:00.',
      });
      expect(render(intent, 'en').title).toBe('Booking declined: Selskapslokalet');
    });

    it('explain a cancellation by move-out in the reader’s language', () => {
      const intent = only(eventOf('reservation.cancelled', { ...PAYLOADS['reservation.cancelled'], byBoard: false, reason: MOVED_OUT_REASON }));
      expect(render(intent, 'nb').body).toBe(
        'Bookingen din av Selskapslokalet tirsdag 24. november kl. 18:00–22:00 er avlyst fordi du flytter ut før den begynner.',
      );
      expect(render(intent, 'en').body).toBe(
        'Your booking of Selskapslokalet Tuesday 24 November, 18:00–22:00 is cancelled because you move out before it starts.',
      );
    });

    it('ask the board to decide on a booking that needs approval, over several days', () => {
      const intent = only(eventOf('reservation.approval_requested', PAYLOADS['reservation.approval_requested']!));
      expect(intent).toMatchObject({ category: 'reservations', recipients: { kind: 'board' }, subject: { type: 'Booking', id: BOOKING } });
      expect(render(intent, 'nb').body).toBe(
        'En booking av Gjesteleiligheten fra fredag 20. november kl. 15:00 til søndag 22. november kl. 12:00 venter på at styret godkjenner eller avslår den.',
      );
      expect(render(intent, 'en').body).toBe(
        'A booking of Gjesteleiligheten from Friday 20 November at 15:00 to Sunday 22 November at 12:00 waits for the board to approve or decline it.',
      );
    });

    it('remind the booker the day before', () => {
      const intent = only(eventOf('reservation.reminder_due', PAYLOADS['reservation.reminder_due']!));
      expect(intent).toMatchObject({ category: 'reservations', recipients: { kind: 'members', memberIds: [OLA] } });
      expect(render(intent, 'nb')).toMatchObject({ title: 'Påminnelse: Selskapslokalet', link: `/bookings/${BOOKING}` });
      expect(render(intent, 'en').body).toBe('You have booked Selskapslokalet Tuesday 24 November, 18:00–22:00.');
    });
  });

  describe('members', () => {
    it('send an invitation to the address, with the token in its link’s fragment only', () => {
      const intent = only(eventOf('member.invited', PAYLOADS['member.invited']!));
      expect(intent).toMatchObject({
        category: 'account',
        important: false,
        recipients: { kind: 'address', email: 'per@solbakken.example', name: 'Per Ødegård' },
      });
      expect(render(intent, 'nb')).toEqual({
        title: 'Invitasjon til Solbakken borettslag',
        body:
          'Hei, Per Ødegård!\n\nStyret i Solbakken borettslag inviterer deg til Tunet, der naboene får nyheter fra styret, melder seg på arrangementer og booker fellesrom.' +
          '\n\nLenken gjelder til fredag 27. november kl. 11:00.',
        link: '/invitations#token=inv_3q2-9xYz',
        action: 'Godta invitasjonen',
      });
      expect(render(intent, 'en')).toMatchObject({
        title: 'Invitation to Solbakken borettslag',
        link: '/invitations#token=inv_3q2-9xYz',
        action: 'Accept the invitation',
      });
    });

    it('send the confirmation link to the new address and a warning without it to the old one', () => {
      const [confirm, warn] = intentsFor(eventOf('account.email_change_requested', PAYLOADS['account.email_change_requested']!));
      expect(confirm).toMatchObject({ category: 'account', recipients: { kind: 'address', email: 'ola.hansen@example.com' } });
      expect(render(confirm!, 'nb')).toMatchObject({ title: 'Bekreft den nye e-postadressen din', link: '/account/email#token=chg_7Hq-Zt0a' });
      expect(render(confirm!, 'en').body).toContain('The link is valid until Saturday 21 November at 11:00.');
      expect(warn).toMatchObject({ category: 'account', recipients: { kind: 'address', email: 'ola@solbakken.example' } });
      for (const locale of ['nb', 'en'] as const) {
        const message = render(warn!, locale);
        expect(message.link).toBe('/account');
        expect(message.body).toContain('ola.hansen@example.com');
        expect(JSON.stringify(message)).not.toContain('chg_7Hq-Zt0a');
      }
    });

    it('tell a suspended member why and through which day, though the directory leaves suspended members out', () => {
      const intent = only(eventOf('member.suspended', PAYLOADS['member.suspended']!));
      expect(intent).toMatchObject({ category: 'account', important: false, recipients: { kind: 'members', memberIds: [OLA], includeSuspended: true } });
      expect(render(intent, 'nb')).toEqual({
        title: 'Medlemskapet ditt er suspendert',
        body:
          'Styret i Solbakken borettslag har suspendert medlemskapet ditt til og med 1. januar 2099. Så lenge suspensjonen varer, kan du ikke logge inn.' +
          '\n\nBegrunnelse: Gjentatte brudd på husordensreglene',
        link: null,
      });
      const indefinite = only(eventOf('member.suspended', { ...PAYLOADS['member.suspended'], until: null }));
      expect(render(indefinite, 'en').body).toContain('has suspended your membership until further notice.');
    });

    it('welcome a member who accepted their invitation, leading to the notification settings every e-mail’s footer leads to', () => {
      const intent = only(eventOf('member.joined', PAYLOADS['member.joined']!));
      expect(intent).toMatchObject({ category: 'account', recipients: { kind: 'members', memberIds: [PER] } });
      expect(render(intent, 'nb')).toMatchObject({
        title: 'Velkommen til Solbakken borettslag',
        link: new URL(settingsUrl('https://app.tunet.test')).pathname,
      });
      expect(render(intent, 'en', { ...SOLBAKKEN, name: 'Fjordly sameie' }).title).toBe('Welcome to Fjordly sameie');
    });
  });

  describe('operations: service requests', () => {
    const change = PAYLOADS['service_request.status_changed']!;

    it('tell the reporter of a status change made by someone else, with the rejection reason they see', () => {
      const intent = only(eventOf('service_request.status_changed', change));
      expect(intent).toMatchObject({
        category: 'service_requests',
        important: false,
        recipients: { kind: 'members', memberIds: [OLA] },
        subject: { type: 'ServiceRequest', id: 'a6000000-0000-4000-8000-000000000001' },
      });
      expect(render(intent, 'nb')).toMatchObject({
        title: 'Feilmelding avvist: Lekker under vasken',
        link: '/operations/requests/a6000000-0000-4000-8000-000000000001',
      });
      expect(render(intent, 'nb').body).toContain('Begrunnelse: Vasken er andelseiers ansvar.');
      expect(render(intent, 'en').body).toContain('changed from acknowledged to rejected');
    });

    it('tell the reporter a reopening by the board, and nothing of a change the reporter made themselves', () => {
      const reopened = only(eventOf('service_request.status_changed', { ...change, from: 'resolved', to: 'in_progress', reason: null }));
      expect(render(reopened, 'en').title).toBe('Reopened: Lekker under vasken');
      expect(intentsFor(eventOf('service_request.status_changed', { ...change, actorMemberId: OLA, from: 'resolved', to: 'closed' }))).toEqual([]);
      const byJob = only(eventOf('service_request.status_changed', { ...change, actorMemberId: null, from: 'resolved', to: 'closed', reason: null }));
      expect(byJob.recipients).toEqual({ kind: 'members', memberIds: [OLA] });
    });

    it('tell the assignee of an assignment, urgent ones as important, but not a board member who took it themselves', () => {
      const assignment = PAYLOADS['service_request.assigned']!;
      const intent = only(eventOf('service_request.assigned', assignment));
      expect(intent).toMatchObject({ category: 'service_requests', important: true, recipients: { kind: 'members', memberIds: [PER] } });
      expect(render(intent, 'nb')).toMatchObject({
        title: 'Haster: Ny feilmelding til deg: Lekker under vasken',
        link: '/operations/requests/a6000000-0000-4000-8000-000000000001',
      });
      expect(only(eventOf('service_request.assigned', { ...assignment, urgency: 'normal' })).important).toBe(false);
      expect(intentsFor(eventOf('service_request.assigned', { ...assignment, assignedByMemberId: PER }))).toEqual([]);
    });

    it('tell the board of a report, urgent ones as important, without the reporter, nobody else and no description', () => {
      const report = PAYLOADS['service_request.reported']!;
      const intent = only(eventOf('service_request.reported', report));
      expect(intent).toMatchObject({
        category: 'service_requests',
        important: true,
        recipients: { kind: 'board' },
        exceptMemberIds: [OLA],
        subject: { type: 'ServiceRequest', id: 'a6000000-0000-4000-8000-000000000001' },
      });
      expect(render(intent, 'nb')).toMatchObject({
        title: 'Haster: Ny feilmelding: Lekker under vasken',
        body: 'Feilen «Lekker under vasken» er meldt i en bolig i Solbakken borettslag (rørlegger).\n\nDen er meldt som akutt og bør ses på med en gang.',
        link: '/operations/requests/a6000000-0000-4000-8000-000000000001',
      });
      const normal = only(eventOf('service_request.reported', { ...report, urgency: 'normal', locationKind: 'common_area', category: 'outdoor' }));
      expect(normal.important).toBe(false);
      expect(render(normal, 'en')).toMatchObject({
        title: 'New service request: Lekker under vasken',
        body: 'The fault “Lekker under vasken” was reported in a common area in Solbakken borettslag (outdoor areas).',
      });
      expect(() => intentsFor(eventOf('service_request.reported', { ...report, description: 'Det drypper fra avløpet.' }))).toThrow(MalformedEvent);
    });

    it('refuse a payload carrying more than the reporter may see, such as an internal comment', () => {
      expect(() => intentsFor(eventOf('service_request.status_changed', { ...change, internalComment: 'Vanskelig beboer' }))).toThrow(MalformedEvent);
    });
  });

  describe('operations: the maintenance plan', () => {
    it('tell the responsible person of an overdue round, with its due time in the association zone', () => {
      const intent = only(eventOf('maintenance_task.overdue', PAYLOADS['maintenance_task.overdue']!));
      expect(intent).toMatchObject({
        category: 'service_requests',
        important: false,
        recipients: { kind: 'members', memberIds: [PER] },
        subject: { type: 'MaintenanceTask', id: 'a5000000-0000-4000-8000-000000000001' },
      });
      // 23:30 UTC on 19 November is 00:30 on Friday 20 November in Oslo.
      expect(render(intent, 'nb')).toMatchObject({ title: 'Forfalt: Brannvernrunde', link: '/operations/maintenance/a5000000-0000-4000-8000-000000000001' });
      expect(render(intent, 'nb').body).toContain('skulle vært utført fredag 20. november kl. 00:30');
      expect(render(intent, 'en').body).toContain('was due Friday 20 November at 00:30');
    });

    it('tell the board when the board itself is responsible', () => {
      const intent = only(eventOf('maintenance_task.overdue', { ...PAYLOADS['maintenance_task.overdue'], responsibleMemberId: null }));
      expect(intent.recipients).toEqual({ kind: 'board' });
    });

    it('tell the board and the assignee, not the reporter, of a request past its deadline', () => {
      const intents = intentsFor(eventOf('service_request.overdue', PAYLOADS['service_request.overdue']!));
      expect(intents.map((intent) => intent.recipients)).toEqual([{ kind: 'board' }, { kind: 'members', memberIds: [OLA] }]);
      expect(intents[0]).toMatchObject({ category: 'service_requests', subject: { type: 'ServiceRequest', id: 'a5000000-0000-4000-8000-000000000003' } });
      expect(render(intents[0]!, 'nb')).toMatchObject({
        title: 'Over fristen: Lekker under vasken',
        link: '/operations/requests/a5000000-0000-4000-8000-000000000003',
      });
      expect(render(intents[0]!, 'nb').body).toContain('skulle vært besvart fredag 20. november kl. 13:00, og er fortsatt ny');
      const unassigned = intentsFor(
        eventOf('service_request.overdue', { ...PAYLOADS['service_request.overdue'], assigneeMemberId: null, missed: 'resolution' }),
      );
      expect(unassigned.map((intent) => intent.recipients)).toEqual([{ kind: 'board' }]);
      expect(render(unassigned[0]!, 'en').body).toContain('was to be resolved Friday 20 November at 13:00');
    });
  });

  describe('links', () => {
    const WEB_APP = 'https://app.tunet.test';
    const GATEWAY = 'https://tunet.test';

    /** Every URL a text or an HTML e-mail carries: bare URLs and every href value, relative ones included. */
    function urlsIn(text: string): string[] {
      const bare = [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((found) => found[0]);
      const hrefs = [...text.matchAll(/href\s*=\s*["']([^"']*)["']/gi)].map((found) => found[1]!);
      return [...new Set([...bare, ...hrefs].map((url) => url.replace(/&amp;/g, '&')))];
    }

    /** A link a person may follow: the gateway's unsubscribe page or an absolute URL of a page of the client route table. */
    const known = (url: string) => url.startsWith(`${GATEWAY}/unsubscribe/`) || (url.startsWith(`${WEB_APP}/`) && matchClientRoute(url, WEB_APP) !== null);

    /** The message as each channel sends it: the e-mail (text and HTML), the push payload's URL and the SMS text. */
    async function sentOn(intent: NotificationIntent, locale: Locale) {
      const message = render(intent, locale);
      const delivery: OutgoingDelivery = {
        deliveryId: 'f1000000-0000-4000-8000-000000000001',
        associationId: SOLBAKKEN.id,
        notificationId: 'f2000000-0000-4000-8000-000000000001',
        memberId: intent.recipients.kind === 'address' ? null : KARI,
        channel: 'email',
        address: '+4791234567',
        attempt: 1,
        category: intent.category,
        important: intent.important,
        locale,
        title: message.title,
        body: message.body,
        link: message.link,
        subjectType: intent.subject?.type ?? null,
        subjectId: intent.subject?.id ?? null,
        createdAt: new Date('2026-11-20T10:00:00.000Z'),
      };
      const emails: OutgoingEmail[] = [];
      const transport = { send: (email: OutgoingEmail) => (emails.push(email), Promise.resolve({ status: 'sent' as const })) };
      const links = { webAppOrigin: WEB_APP, publicOrigin: GATEWAY, unsubscribeToken: () => 'unsubscribe-token' };
      await new EmailChannel(transport as unknown as EmailTransport, links).send(delivery);
      const texts: string[] = [];
      await new SmsChannel({ send: (_to, text) => (texts.push(text), Promise.resolve({ status: 'sent' as const })) }, WEB_APP).send(delivery);
      return { message, email: emails[0]!, push: pushMessageFor(delivery, WEB_APP), sms: texts[0]! };
    }

    it.each(NOTIFICATION_TOPICS)('%s leads inbox, e-mail, push and SMS to the same page of the client route table', async (topic) => {
      const intents = intentsFor(eventOf(topic, PAYLOADS[topic]!));
      // A payload that notifies nobody would check no link at all.
      expect({ topic, intents: intents.length > 0 }).toEqual({ topic, intents: true });
      for (const intent of intents) {
        for (const locale of ['nb', 'en'] as const) {
          const { message, email, push, sms } = await sentOn(intent, locale);
          expect(message.link).toBe(render(intent, locale === 'nb' ? 'en' : 'nb').link);
          if (message.link)
            expect({ topic, link: message.link, route: matchClientRoute(message.link) !== null }).toEqual({ topic, link: message.link, route: true });
          const page = absoluteClientLink(WEB_APP, message.link);
          // Push opens the start page (the table's `home`) for a message that leads nowhere in particular.
          expect(push.url).toBe(page ?? `${WEB_APP}/`);
          expect({ topic, url: push.url, route: matchClientRoute(push.url, WEB_APP) !== null }).toEqual({ topic, url: push.url, route: true });
          for (const url of [...urlsIn(email.text), ...urlsIn(email.html), ...urlsIn(sms)]) {
            expect({ topic, url, known: known(url) }).toEqual({ topic, url, known: true });
          }
          if (page) {
            expect(urlsIn(email.text)).toContain(page);
            expect(urlsIn(sms)).toEqual([page]);
          }
        }
      }
    });

    it('lead every link of a digest e-mail, one item per topic, to a page of the client route table', () => {
      for (const locale of ['nb', 'en'] as const) {
        const items = NOTIFICATION_TOPICS.flatMap((topic) => intentsFor(eventOf(topic, PAYLOADS[topic]!)).map((intent) => render(intent, locale)));
        const digest = renderDigestEmail({
          locale,
          items: items.map((message) => ({ title: message.title, body: message.body, url: absoluteClientLink(WEB_APP, message.link) })),
          footer: { categories: ['news'], unsubscribeUrl: unsubscribeUrl(GATEWAY, 'unsubscribe-token'), settingsUrl: settingsUrl(WEB_APP) },
        });
        const urls = [...urlsIn(digest.text), ...urlsIn(digest.html)];
        const pages = items.map((message) => absoluteClientLink(WEB_APP, message.link)).filter((page) => page !== null);
        expect(pages.length).toBeGreaterThan(0);
        for (const page of pages) expect(urlsIn(digest.html)).toContain(page);
        for (const url of urls) expect({ locale, url, known: known(url) }).toEqual({ locale, url, known: true });
      }
    });

    it('lead every link of the unsubscribe pages to a page of the client route table', () => {
      const pages: UnsubscribePage[] = [
        ...(['confirm', 'done', 'refused'] as const).flatMap((kind) =>
          (['nb', 'en'] as const).map((locale) => ({ kind, locale, categories: ['news' as const] })),
        ),
        { kind: 'invalid' },
        { kind: 'bad_request' },
      ];
      for (const page of pages) {
        for (const url of urlsIn(unsubscribePage(page, settingsUrl(WEB_APP)))) {
          expect({ page: page.kind, url, known: known(url) }).toEqual({ page: page.kind, url, known: true });
        }
      }
    });

    it("lead every e-mail's settings link and the unsubscribe page's to the notification settings page", () => {
      expect(matchClientRoute(settingsUrl(WEB_APP), WEB_APP)).toEqual({ name: 'notificationSettings', params: {} });
    });
  });
});
