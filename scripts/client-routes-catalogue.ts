import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { publishedClientRoutes } from '@tunet/kit';

/** `npm run client-routes:catalogue`: writes docs/client-routes.md from kit's route table; a test fails when it is stale. */
export const CLIENT_ROUTES_CATALOGUE_PATH = path.resolve(__dirname, '..', 'docs', 'client-routes.md');

export function renderClientRoutesCatalogue(): string {
  const lines = [
    '# Client routes',
    '',
    '<!-- Generated from packages/kit/src/client-routes.ts by `npm run client-routes:catalogue`; do not edit by hand. -->',
    '',
    'Every page of the web app (and the mobile apps, which open the same paths) that a link built by the server leads',
    'to: inbox items (`Notification.link`), e-mails, push and SMS, and the unsubscribe page (decision 0025). A link is a',
    'path on the web app’s origin (`WEB_APP_ORIGIN`); each `:name` is one URL-encoded value. One-time tokens are in',
    'the fragment (`#token=`), which browsers send to no server: the page reads it from `location.hash`, takes it out of',
    'the address bar and posts it in the mutation that uses it. Calendar feeds and the unsubscribe URL are served by',
    'the gateway and are not pages of the app.',
    '',
    '| route | path | parameters | shows |',
    '|---|---|---|---|',
    ...publishedClientRoutes.map((route) => {
      const params = Object.entries(route.params).map(([param, description]) => `\`${param}\`: ${description}`);
      return `| \`${route.name}\` | \`${route.path}\` | ${params.join('<br>') || '—'} | ${route.description} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  writeFileSync(CLIENT_ROUTES_CATALOGUE_PATH, renderClientRoutesCatalogue());
  console.log(`wrote ${path.relative(process.cwd(), CLIENT_ROUTES_CATALOGUE_PATH)}`);
}
