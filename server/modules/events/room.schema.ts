import { z } from 'zod';

/*
 * Payloads of the live room (socket events, REST routes and the no-JavaScript forms share
 * them). Strict: an unknown key is refused rather than ignored. Messages are catalogue keys.
 */

export const MESSAGE_MAX = 2000;
export const QUESTION_MAX = 500;
export const ANSWER_MAX = 2000;
export const SLOW_MODE_MAX_SECONDS = 600;

/** The sender's idempotency key: a UUID from the device, or any short token of its own. */
export const clientKey = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9_-]+$/, 'room_error_client_key');

const text = (max: number, tooLong: string) =>
	z.string('room_error_body_required').trim().min(1, 'room_error_body_required').max(max, tooLong);

export const messageBody = text(MESSAGE_MAX, 'room_error_message_too_long');
export const questionBody = text(QUESTION_MAX, 'room_error_question_too_long');

export const roomWatchPayload = z.strictObject({ eventId: z.uuid(), since: z.number().int().min(0).optional() });
export const roomUnwatchPayload = z.strictObject({ eventId: z.uuid() });

export const roomSendPayload = z.strictObject({
	eventId: z.uuid(),
	clientKey,
	body: messageBody,
	kind: z.enum(['message', 'announcement']).optional()
});
export type RoomSendInput = z.input<typeof roomSendPayload>;

export const roomAskPayload = z.strictObject({ eventId: z.uuid(), clientKey, body: questionBody });
export type RoomAskInput = z.input<typeof roomAskPayload>;

export const roomVotePayload = z.strictObject({ eventId: z.uuid(), questionId: z.uuid() });
export type RoomVoteInput = z.input<typeof roomVotePayload>;

const eventId = z.uuid();
const messageId = z.uuid();
const questionId = z.uuid();

/** One moderation action (RoomModerationAction in server/realtime/events.ts) with its event. */
export const roomModeratePayload = z.discriminatedUnion('action', [
	z.strictObject({ eventId, action: z.literal('remove_message'), messageId }),
	z.strictObject({ eventId, action: z.enum(['pin_message', 'unpin_message']), messageId }),
	z.strictObject({
		eventId,
		action: z.literal('answer_question'),
		questionId,
		answer: z.string().trim().max(ANSWER_MAX, 'room_error_answer_too_long').optional()
	}),
	z.strictObject({
		eventId,
		action: z.enum(['pin_question', 'unpin_question', 'hide_question', 'unhide_question']),
		questionId
	}),
	z.strictObject({ eventId, action: z.enum(['mute', 'unmute']), userId: z.uuid() }),
	z.strictObject({ eventId, action: z.enum(['lock', 'unlock']) }),
	z.strictObject({
		eventId,
		action: z.literal('slow_mode'),
		// 0 and null both turn it off.
		seconds: z.number().int().min(0).max(SLOW_MODE_MAX_SECONDS, 'room_error_slow_mode_range').nullable()
	})
]);
export type RoomModerateInput = z.input<typeof roomModeratePayload>;

/* REST */

export const eventIdParams = z.strictObject({ id: z.uuid() });
export const transcriptQuery = z.strictObject({ format: z.enum(['md', 'txt']).default('md') });

export const roomStateOutput = z.object({
	open: z.boolean(),
	closed: z.boolean(),
	chatLocked: z.boolean(),
	slowModeSeconds: z.number().int().nullable()
});
