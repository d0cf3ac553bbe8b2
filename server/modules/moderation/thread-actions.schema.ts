import { z } from 'zod';

/** A moderator's reason: shown to members (lock, slow mode) and kept in the audit log. */
const reason = z.string().trim().min(3, 'tmod_error_reason_required').max(500, 'tmod_error_reason_length');
const optionalReason = z
	.string()
	.trim()
	.max(500, 'tmod_error_reason_length')
	.optional()
	.transform((v) => (v ? v : undefined));

export const reasonRequiredInput = z.strictObject({ reason });
export type ReasonRequiredInput = z.infer<typeof reasonRequiredInput>;

export const reasonOptionalInput = z.strictObject({ reason: optionalReason });
export type ReasonOptionalInput = z.infer<typeof reasonOptionalInput>;

export const moveThreadInput = z.strictObject({
	spaceId: z.uuid('tmod_error_target_space'),
	reason: optionalReason
});
export type MoveThreadInput = z.infer<typeof moveThreadInput>;

export const closeWithSynthesisInput = z.strictObject({
	/** The synthesis, in Markdown like any post. */
	body: z.string().trim().min(2, 'error_body_length').max(20_000, 'error_body_length'),
	reason: optionalReason
});
export type CloseWithSynthesisInput = z.infer<typeof closeWithSynthesisInput>;

/** Longest slow mode interval: one post a day. */
export const SLOW_MODE_MAX_SECONDS = 86_400;

/**
 * Slow mode on the thread or on its whole space. `seconds` 0 or null turns it off; otherwise
 * an end time in the future and a reason members will read are required.
 */
export const setSlowModeInput = z
	.strictObject({
		scope: z.enum(['thread', 'space'], 'tmod_error_scope'),
		seconds: z.coerce
			.number('tmod_error_seconds')
			.int('tmod_error_seconds')
			.min(0, 'tmod_error_seconds')
			.max(SLOW_MODE_MAX_SECONDS, 'tmod_error_seconds')
			.nullable(),
		until: z.coerce.date('tmod_error_until').nullable().optional(),
		reason: z.string().trim().max(500, 'tmod_error_reason_length').nullable().optional()
	})
	.superRefine((input, ctx) => {
		if (!input.seconds) return;
		if (!input.until || input.until.getTime() <= Date.now())
			ctx.addIssue({ code: 'custom', path: ['until'], message: 'tmod_error_until' });
		if (!input.reason || input.reason.length < 3)
			ctx.addIssue({ code: 'custom', path: ['reason'], message: 'tmod_error_reason_required' });
	});
export type SetSlowModeInput = z.infer<typeof setSlowModeInput>;

export const slowModeOutput = z.object({
	seconds: z.number().int(),
	until: z.iso.datetime(),
	reason: z.string()
});
export type SlowModeOutput = z.infer<typeof slowModeOutput>;

/** The moderation state of a thread, as every reader of it may see it. */
export const threadModerationState = z.object({
	threadId: z.uuid(),
	spaceId: z.uuid(),
	locked: z.boolean(),
	pinned: z.boolean(),
	closed: z.boolean(),
	deleted: z.boolean(),
	synthesisPostId: z.uuid().nullable(),
	/** Slow mode of the thread itself (null when off or over). */
	slowMode: slowModeOutput.nullable(),
	/** Slow mode of its whole space (null when off or over). */
	spaceSlowMode: slowModeOutput.nullable()
});
export type ThreadModerationState = z.infer<typeof threadModerationState>;

/** What the thread page shows about moderation: state, the reasons members may read, the synthesis. */
export const threadModerationNotices = threadModerationState.extend({
	lockReason: z.string().nullable(),
	/** For moderators only: why it was deleted. */
	deleteReason: z.string().nullable(),
	synthesis: z
		.object({
			postId: z.uuid(),
			number: z.number().int(),
			bodyHtml: z.string(),
			author: z.object({ displayName: z.string(), url: z.string() }),
			createdAt: z.iso.datetime()
		})
		.nullable()
});
export type ThreadModerationNotices = z.infer<typeof threadModerationNotices>;

export const moderatableSpace = z.object({ id: z.uuid(), slug: z.string(), name: z.string() });
