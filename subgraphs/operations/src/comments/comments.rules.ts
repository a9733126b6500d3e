import { badUserInput } from '@tunet/kit';

/** What a comment on a service request may hold (docs/decisions/0042). Pure. */

export const COMMENT_BODY_MAX = 4000;

/** A comment's text, trimmed: 1 to COMMENT_BODY_MAX characters. */
export function checkCommentBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.length === 0) throw badUserInput('body', 'body: write something.');
  if (trimmed.length > COMMENT_BODY_MAX) throw badUserInput('body', `body: at most ${COMMENT_BODY_MAX} characters.`);
  return trimmed;
}
