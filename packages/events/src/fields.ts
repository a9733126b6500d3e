import { z } from 'zod';

// Shared field types. Payloads travel as JSON, so instants and dates are ISO strings.
export const id = z.guid();
export const memberIds = z.array(id);
export const instant = z.iso.datetime({ offset: true });
export const date = z.iso.date();
