import { z } from 'zod';
import { mailStatuses } from '../../../db/schema/values.ts';

/** Filters of the admins' outbox: a status, and the cursor of the next page. */
export const outboxQuery = z.object({
	status: z.enum(mailStatuses).optional(),
	before: z.string().max(200).optional()
});
export type OutboxQuery = z.infer<typeof outboxQuery>;

export const outboxIdParams = z.object({ id: z.uuid() });

const outboxListItem = z.object({
	id: z.uuid(),
	status: z.enum(mailStatuses),
	to: z.string(),
	subject: z.string(),
	topic: z.string(),
	attempts: z.number().int(),
	lastError: z.string().nullable(),
	createdAt: z.string(),
	sentAt: z.string().nullable()
});

export const outboxPageOutput = z.object({
	items: z.array(outboxListItem),
	/** Cursor of the next (older) page, or null on the last one. */
	next: z.string().nullable(),
	/** Whether SMTP_URL is set: false = e-mails stay here as `local`. */
	delivers: z.boolean()
});

export const outboxItemOutput = outboxListItem.extend({
	/** The plain-text body, exactly as sent (or kept). */
	text: z.string(),
	nextAttemptAt: z.string()
});
