import { badUserInput } from '@tunet/kit';
import { z } from 'zod';

/** What a supplier engaged on a service request may hold (docs/decisions/0042). Pure. */

export interface SupplierInput {
  name: string;
  contactName?: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface Supplier {
  name: string;
  contactName: string | null;
  email: string | null;
  phone: string | null;
}

const NAME_MAX = 120;
const EMAIL_MAX = 254;
/** Digits, spaces and a leading +, as Norwegian numbers are written (`+47 22 33 44 55`, `22334455`). */
const PHONE = /^\+?[0-9 ]{5,20}$/;
const email = z.email();

function optional(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

/**
 * The supplier's firm name (1–120 characters), a contact person (at most 120), and a way to reach them: an e-mail
 * address or a phone number, at least one, else the caretaker has no one to call. Blank fields count as absent.
 */
export function checkSupplier(input: SupplierInput): Supplier {
  const name = input.name.trim();
  if (name.length === 0 || name.length > NAME_MAX) throw badUserInput('supplier.name', `supplier.name: 1 to ${NAME_MAX} characters.`);
  const contactName = optional(input.contactName);
  if (contactName !== null && contactName.length > NAME_MAX) {
    throw badUserInput('supplier.contactName', `supplier.contactName: at most ${NAME_MAX} characters.`);
  }
  const address = optional(input.email);
  if (address !== null && (address.length > EMAIL_MAX || !email.safeParse(address).success)) {
    throw badUserInput('supplier.email', 'supplier.email: not an e-mail address.');
  }
  const phone = optional(input.phone);
  if (phone !== null && !PHONE.test(phone)) throw badUserInput('supplier.phone', 'supplier.phone: digits and spaces, optionally after a +.');
  if (address === null && phone === null) throw badUserInput('supplier', 'supplier: give an e-mail address or a phone number to reach them.');
  return { name, contactName, email: address, phone };
}
