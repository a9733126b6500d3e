import { customType, integer, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema } from '../tables';

/** Photos on service requests (migration 0007); the bytes are in the kit's file storage. */
export const serviceRequestPhotos = schema.table('service_request_photos', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  requestId: uuid('request_id').notNull(),
  uploadedByMemberId: uuid('uploaded_by_member_id').notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** The deployment's key for signed photo links (migration 0007); system scope only. */
export const urlSigningKeys = schema.table('url_signing_keys', {
  name: text('name').primaryKey(),
  secret: bytea('secret').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
