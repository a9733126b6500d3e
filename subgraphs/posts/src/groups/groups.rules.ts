// The pure rules of groups: what valid input is, how list cursors read, and when a group may change.
import { conflict, decodeCursor, lowerCaseEnum } from '@tunet/kit';
import { z } from 'zod';
import type { GroupListPosition, GroupRow } from './groups.repository';

const kind = lowerCaseEnum(['interest', 'committee']);
const role = lowerCaseEnum(['member', 'admin']);
const name = z.string().trim().min(1).max(100);
const description = z.string().trim().max(2_000);

export const createGroupInput = z
  .object({
    kind,
    name,
    description: description.nullish().transform((value) => value ?? ''),
    open: z.boolean().nullish(),
    committeeId: z.guid().nullish(),
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'committee' && !input.committeeId) {
      ctx.addIssue({ code: 'custom', path: ['committeeId'], message: 'is required for a COMMITTEE group' });
    }
    if (input.kind === 'interest' && input.committeeId) {
      ctx.addIssue({ code: 'custom', path: ['committeeId'], message: 'only a COMMITTEE group mirrors a committee' });
    }
    if (input.kind === 'committee' && input.open) {
      ctx.addIssue({ code: 'custom', path: ['open'], message: 'a COMMITTEE group follows its committee and cannot be open' });
    }
  });

// Malformed ids need no check here: they cannot name a group, which becomes NOT_FOUND.
export const updateGroupInput = z.object({
  groupId: z.string(),
  name: name.nullish().transform(orUndefined),
  description: description.nullish().transform(orUndefined),
  open: z.boolean().nullish().transform(orUndefined),
});
export const groupIdInput = z.object({ groupId: z.string() });
export const memberInput = z.object({ groupId: z.string(), memberId: z.guid() });
export const addMemberInput = memberInput.extend({ role: role.nullish().transform((value) => value ?? 'member') });
export const setRoleInput = memberInput.extend({ role });
export const decideInput = z.object({ requestId: z.string(), decision: z.enum(['APPROVE', 'DECLINE']) });

const nameCursor = z.tuple([z.string(), z.guid()]);
const timeCursor = z.tuple([z.iso.datetime(), z.guid()]);

export function assertActive(group: GroupRow): void {
  if (group.archivedAt) throw conflict('The group is archived and can no longer change.');
}

/** A committee group's members follow its committee, and an archived group no longer changes. */
export function assertMembersCanChange(group: GroupRow): void {
  if (group.kind === 'committee') {
    throw conflict("A committee group's members are the committee's members; change them in the committee's terms.");
  }
  assertActive(group);
}

function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

export function namePositionAfter(cursor: string): GroupListPosition {
  const [name, id] = decodeCursor(cursor, nameCursor);
  return { name, id };
}

export function timePositionAfter<P>(cursor: string, position: (at: Date, id: string) => P): P {
  const [at, id] = decodeCursor(cursor, timeCursor);
  return position(new Date(at), id);
}
