/**
 * Every page of the web app the server links to, in one place (decision 0025): notifications' inbox items, e-mails,
 * push and SMS, and the unsubscribe page all build their links here, so two messages about the same page cannot
 * lead to two different paths. Links are paths; the sender joins them to the web app's origin.
 *
 * One-time tokens (an invitation, an e-mail change) go in the fragment, which browsers keep to themselves: a path or
 * query would reach the web server's and proxies' logs and the Referer of everything the page loads. The web app
 * reads the token from `location.hash` and posts it in a GraphQL mutation's body.
 *
 * Not here, because no person opens them in the web app: calendar feed URLs (a calendar app polls them, kit
 * calendar-feeds.ts) and the unsubscribe URL (a mail provider may call it, RFC 8058), both served by the gateway.
 */
export const clientRoutes = {
  post: (postId: string) => `/posts/${segment(postId)}`,
  comment: (postId: string, commentId: string) => `/posts/${segment(postId)}#comment-${segment(commentId)}`,
  event: (eventId: string) => `/events/${segment(eventId)}`,
  group: (groupId: string) => `/groups/${segment(groupId)}`,
  moderationCase: (caseId: string) => `/moderation/${segment(caseId)}`,
  conduct: () => '/conduct',
  booking: (bookingId: string) => `/bookings/${segment(bookingId)}`,
  /** A service request (feilmelding) with its status, comments and rating (operations, decision 0042). */
  serviceRequest: (requestId: string) => `/operations/requests/${segment(requestId)}`,
  /** A task of the association's maintenance plan, with its open round and history (operations, decision 0043). */
  maintenanceTask: (taskId: string) => `/operations/maintenance/${segment(taskId)}`,
  account: () => '/account',
  notificationSettings: () => '/settings/notifications',
  /** The board's page of the association's plan and add-ons. */
  subscription: () => '/settings/subscription',
  invoice: (invoiceId: string) => `/settings/subscription/invoices/${segment(invoiceId)}`,
  /** The terms of service, with the version the board has still to accept. */
  terms: () => '/settings/terms',
  /** The agreement with the provider: a termination filed, a breach noticed, a block. */
  agreement: () => '/settings/agreement',
  /** A person's data-subject request: its status, deadline and, for an export, the download. */
  privacyRequest: (requestId: string) => `/settings/privacy/requests/${segment(requestId)}`,
  /** The association's privacy notice in force. */
  privacyNotice: () => '/privacy',
  /** The board's view of the provider's sub-processors, announced changes and objections. */
  subprocessors: () => '/settings/privacy/sub-processors',
  /** The board's view of one personal-data breach and its clocks. */
  breach: (breachId: string) => `/settings/privacy/breaches/${segment(breachId)}`,
  acceptInvitation: (token: string) => `/invitations${tokenFragment(token)}`,
  confirmEmail: (token: string) => `/account/email${tokenFragment(token)}`,
  /** A one-time link to set an account's password: a new platform operator's first (decision 0030). */
  setPassword: (token: string) => `/set-password${tokenFragment(token)}`,
  /** A one-time link to choose a new password after asking for a reset by e-mail (decision 0046). */
  resetPassword: (token: string) => `/reset-password${tokenFragment(token)}`,
} as const;

/**
 * A link as a message may carry it, made absolute: a path (from `clientRoutes`) on the web app's origin, an http(s)
 * URL as it is; anything else — `//host` (another site), `javascript:`, garbage — is no link at all (null).
 */
export function absoluteClientLink(webAppOrigin: string, link: string | null): string | null {
  if (!link) return null;
  if (link.startsWith('/') && !link.startsWith('//')) return `${webAppOrigin}${link}`;
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function segment(id: string): string {
  return encodeURIComponent(id);
}

function tokenFragment(token: string): string {
  return `#${new URLSearchParams({ token }).toString()}`;
}
