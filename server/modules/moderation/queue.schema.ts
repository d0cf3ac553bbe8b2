import { z } from 'zod';
import { postStatuses, queueItemKinds } from '../../../db/schema/values.ts';

/** A ready-made reason code (moderation_reasons) and the free text `autre` requires. */
export const reasonInput = z.strictObject({
	reason: z.string().trim().min(1, 'error_reason_unknown').max(60),
	note: z.string().trim().max(1000, 'error_reason_note_length').optional()
});
export type ReasonInput = z.infer<typeof reasonInput>;

export const noteInput = z.strictObject({ note: z.string().trim().max(1000, 'error_reason_note_length').optional() });

export const reportInput = z
	.strictObject({
		postId: z.uuid('error_not_found').optional(),
		threadId: z.uuid('error_not_found').optional(),
		reason: z.string().trim().min(1, 'error_reason_unknown').max(60),
		note: z.string().trim().max(1000, 'error_reason_note_length').optional()
	})
	.refine((r) => (r.postId ? !r.threadId : !!r.threadId), { message: 'error_report_target', path: ['postId'] });
export type ReportInput = z.infer<typeof reportInput>;

export const claimInput = z.strictObject({ kind: z.enum(queueItemKinds), targetId: z.uuid('error_not_found') });
export const threadReportsDecision = z.strictObject({
	decision: z.enum(['keep', 'restore']),
	note: z.string().trim().max(1000, 'error_reason_note_length').optional()
});
export const queueQuery = z.strictObject({ space: z.string().max(60).optional() });

export const queueItem = z.object({
	kind: z.enum(queueItemKinds),
	targetId: z.uuid(),
	createdAt: z.iso.datetime(),
	space: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), url: z.string() }),
	thread: z.object({ id: z.uuid(), title: z.string(), url: z.string(), hidden: z.boolean() }),
	post: z
		.object({
			id: z.uuid(),
			number: z.number().int(),
			url: z.string(),
			bodyHtml: z.string().nullable(),
			status: z.enum(postStatuses),
			hidden: z.boolean()
		})
		.nullable(),
	author: z.object({
		id: z.uuid(),
		displayName: z.string(),
		url: z.string(),
		/** For the moderator's judgement: published posts, past rejections, suspensions. */
		history: z.object({ posts: z.number().int(), rejections: z.number().int(), suspensions: z.number().int() })
	}),
	reports: z.array(z.object({ reason: z.string(), note: z.string(), reporter: z.string(), createdAt: z.iso.datetime() })),
	claim: z.object({ moderatorId: z.uuid(), moderatorName: z.string(), claimedAt: z.iso.datetime(), mine: z.boolean() }).nullable()
});
export type QueueItem = z.infer<typeof queueItem>;
