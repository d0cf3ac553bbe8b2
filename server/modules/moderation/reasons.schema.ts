import { z } from 'zod';

const label = z.string().trim().min(2, 'reasons_error_label').max(80, 'reasons_error_label');
const position = z.int('reasons_error_position').min(0, 'reasons_error_position').max(1000, 'reasons_error_position');

export const createReasonInput = z.strictObject({
	/** Stable, never changed once created: rows elsewhere keep it. */
	code: z
		.string()
		.trim()
		.toLowerCase()
		.regex(/^[a-z][a-z0-9_]{1,39}$/, 'reasons_error_code'),
	labelFr: label,
	labelEn: label,
	position: position.default(50),
	active: z.boolean().default(true)
});
export type CreateReasonInput = z.infer<typeof createReasonInput>;

export const updateReasonInput = z.strictObject({
	labelFr: label.optional(),
	labelEn: label.optional(),
	position: position.optional(),
	/** false: deactivate (kept for the rows that used it, no longer offered). */
	active: z.boolean().optional()
});
export type UpdateReasonInput = z.infer<typeof updateReasonInput>;

export const reasonParams = z.strictObject({ id: z.uuid('error_not_found') });
export const listReasonsQuery = z.strictObject({
	/** `1`: inactive ones too (admins). */
	all: z.literal('1', 'error_field_invalid').optional()
});

export const reasonOutput = z.object({
	id: z.uuid(),
	code: z.string(),
	/** In the caller's language. */
	label: z.string(),
	labelFr: z.string(),
	labelEn: z.string(),
	position: z.number().int(),
	active: z.boolean(),
	/** `autre`: the free text is required. */
	needsNote: z.boolean()
});
export type ReasonOutput = z.infer<typeof reasonOutput>;

/** The free text that may come with a reason (required for `autre`). */
export const reasonNote = z.string().trim().max(1000, 'reasons_error_note_length');
