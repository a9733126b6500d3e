/**
 * Every page of the web app (and the mobile apps, which open the same paths) the server links to, in one table
 * (decision 0025): notifications' inbox items, e-mails, push and SMS, the unsubscribe page and the operator command
 * all build their links here, so two messages about the same page cannot lead to two different paths. Each route is
 * a path pattern (`/posts/:postId`), its parameters and what the page shows; `docs/client-routes.md` publishes the
 * table for client developers (`npm run client-routes:catalogue`). Links are paths; the sender joins them to the web
 * app's origin (`WEB_APP_ORIGIN`, required in production).
 *
 * One-time tokens (an invitation, an e-mail change, a password) go in the fragment, which browsers keep to
 * themselves: a path or query would reach the web server's and proxies' logs and the Referer of everything the page
 * loads. The web app reads the token from `location.hash` and posts it in a GraphQL mutation's body.
 *
 * Not here, because no person opens them in the web app: calendar feed URLs (a calendar app polls them, kit
 * calendar-feeds.ts) and the unsubscribe URL (a mail provider may call it, RFC 8058), both served by the gateway.
 */

/** The `:name` parameters of a path pattern, in order; a name ends at `/`, `#`, `-` or `=` or the pattern's end. */
type ParamsOf<Pattern extends string> = Pattern extends `${string}:${infer After}`
  ? After extends `${infer Name}/${infer Rest}`
    ? [Name, ...ParamsOf<Rest>]
    : After extends `${infer Name}#${infer Rest}`
      ? [Name, ...ParamsOf<Rest>]
      : [After]
  : [];

/** One string per name of a tuple (mapped over a type parameter, so the tuple stays a tuple). */
type Strings<Names extends readonly string[]> = { [K in keyof Names]: string };

type Values<Pattern extends string> = Strings<ParamsOf<Pattern>>;

/** One page of the client apps: where it is, what it takes and what it shows. */
export interface ClientRoute<Pattern extends string = string> {
  /** The path, with `:name` for each parameter, e.g. `/posts/:postId` or `/invitations#token=:token`. */
  readonly path: Pattern;
  /** What the page shows (English), for client developers. */
  readonly description: string;
  /** Each parameter's meaning, in the order the builder takes them. */
  readonly params: Readonly<Record<ParamsOf<Pattern>[number], string>>;
  /** The link to the page: each value URL-encoded into its place, so a value cannot reach another part. */
  readonly build: (...values: Values<Pattern>) => string;
}

function route<const Pattern extends string>(
  path: Pattern,
  description: string,
  params: Readonly<Record<ParamsOf<Pattern>[number], string>>,
): ClientRoute<Pattern> {
  const names = Object.keys(params);
  const build = (...values: Values<Pattern>): string =>
    names.reduce<string>((link, name, index) => link.replace(`:${name}`, encodeURIComponent((values as readonly string[])[index]!)), path);
  return { path, description, params, build };
}

const TOKEN = 'The one-time token, in the fragment; the page posts it in the mutation that uses it and takes it out of the address bar.';

/** The client apps' pages the server links to. Add a page here, never a path in a message (decision 0025). */
export const clientRouteTable = {
  home: route('/', "The web app's start page: the person's feed, badges and what is coming up; where a push notification without a page of its own opens.", {}),
  post: route('/posts/:postId', 'A post (news, article, notice) with its comments.', { postId: 'The `Post` id.' }),
  comment: route('/posts/:postId#comment-:commentId', 'A post, scrolled to one of its comments.', {
    postId: 'The `Post` id.',
    commentId: 'The `Comment` id, as the element id `comment-<id>` on the post page.',
  }),
  event: route('/events/:eventId', 'An event with its time, place, sign-ups and waiting list.', { eventId: 'The `Event` id.' }),
  group: route('/groups/:groupId', 'A group: its members, join requests and posts.', { groupId: 'The `Group` id.' }),
  moderationCase: route('/moderation/:caseId', "The board's view of one moderation case: the reports and the content.", {
    caseId: 'The `ModerationCase` id.',
  }),
  conduct: route('/conduct', "The association's code of conduct in force.", {}),
  booking: route('/bookings/:bookingId', 'A booking of a shared room: its time, price, status and cancellation.', { bookingId: 'The `Booking` id.' }),
  serviceRequest: route('/operations/requests/:requestId', 'A service request (feilmelding) with its status, comments and rating.', {
    requestId: 'The `ServiceRequest` id.',
  }),
  maintenanceTask: route('/operations/maintenance/:taskId', "A task of the association's maintenance plan, with its open round and history.", {
    taskId: 'The `MaintenanceTask` id.',
  }),
  account: route('/account', "The person's account: e-mail, password, sessions.", {}),
  notificationSettings: route('/settings/notifications', "The person's notification preferences per category and channel.", {}),
  subscription: route('/settings/subscription', "The board's page of the association's plan and add-ons.", {}),
  invoice: route('/settings/subscription/invoices/:invoiceId', 'One invoice of the association, for the board.', { invoiceId: 'The `Invoice` id.' }),
  terms: route('/settings/terms', 'The terms of service, with the version the board has still to accept.', {}),
  agreement: route('/settings/agreement', 'The agreement with the provider: a termination filed, a breach noticed, a block.', {}),
  privacyRequest: route('/settings/privacy/requests/:requestId', "A person's data-subject request: its status, deadline and, for an export, the download.", {
    requestId: 'The `PrivacyRequest` id.',
  }),
  privacyNotice: route('/privacy', "The association's privacy notice in force.", {}),
  subprocessors: route('/settings/privacy/sub-processors', "The board's view of the provider's sub-processors, announced changes and objections.", {}),
  breach: route('/settings/privacy/breaches/:breachId', "The board's view of one personal-data breach and its clocks.", { breachId: 'The breach id.' }),
  acceptInvitation: route('/invitations#token=:token', 'An invitation to join an association: who invites, and accepting it (setting a password if needed).', {
    token: TOKEN,
  }),
  confirmEmail: route('/account/email#token=:token', 'Confirms a new e-mail address of the account.', { token: TOKEN }),
  setPassword: route('/set-password#token=:token', "Sets an account's first password: a new platform operator's (decision 0030).", { token: TOKEN }),
  resetPassword: route('/reset-password#token=:token', 'Chooses a new password after a reset asked for by e-mail (decision 0046).', { token: TOKEN }),
} as const;

type Table = typeof clientRouteTable;

/** The link builders of the table: `clientRoutes.post(postId)` is `/posts/<postId>`. */
export const clientRoutes = Object.fromEntries(Object.entries(clientRouteTable).map(([name, entry]) => [name, entry.build])) as {
  readonly [Name in keyof Table]: Table[Name]['build'];
};

export type ClientRouteName = keyof Table;

/** The table as client developers read it (docs/client-routes.md): name, path pattern, parameters, what it shows. */
export const publishedClientRoutes: readonly { name: ClientRouteName; path: string; description: string; params: Readonly<Record<string, string>> }[] =
  Object.entries(clientRouteTable).map(([name, entry]) => ({
    name: name as ClientRouteName,
    path: entry.path,
    description: entry.description,
    params: entry.params,
  }));

/**
 * Which route of the table a link (a path, or an absolute URL on `webAppOrigin`) leads to, with its parameters
 * decoded; null for a link to no page of the table. Clients can do the same with the published patterns.
 */
export function matchClientRoute(link: string, webAppOrigin?: string): { name: ClientRouteName; params: Record<string, string> } | null {
  const path = webAppOrigin && link.startsWith(`${webAppOrigin}/`) ? link.slice(webAppOrigin.length) : link;
  for (const { name, path: pattern, params } of publishedClientRoutes) {
    const names = Object.keys(params);
    const found = patternOf(pattern).exec(path);
    if (!found) continue;
    const values = names.map((_, index) => decoded(found[index + 1]!));
    return values.every((value) => value !== null) ? { name, params: Object.fromEntries(names.map((param, index) => [param, values[index]!])) } : null;
  }
  return null;
}

/** A URL-encoded value decoded; null for a malformed encoding (`%E0%A4`), which no link the server builds carries. */
function decoded(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function patternOf(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z]+)/)
    .map((part) => (part.startsWith(':') ? '([^/#?&=]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

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
