import { z } from 'zod';
import { memberOutput } from '../accounts/accounts.schema.ts';

/** Ready-made suspension lengths; `custom` takes `until`, `indefinite` has no end. */
export const suspensionDurations = ['1d', '3d', '1w', '1m', 'custom', 'indefinite'] as const;
export type SuspensionDuration = (typeof suspensionDurations)[number];

const reason = z.string().trim().min(1, 'sanction_error_reason').max(500, 'sanction_error_reason');

/**
 * Either `until` (an ISO date-time in the future, or null for indefinitely) or a
 * `duration`; with `duration: 'custom'`, `until` is the end.
 */
export const suspendInput = z
	.strictObject({
		reason,
		until: z.iso.datetime({ offset: true, message: 'sanction_error_until' }).nullable().optional(),
		duration: z.enum(suspensionDurations, 'sanction_error_duration').optional()
	})
	.superRefine((input, ctx) => {
		const needsUntil = input.duration === undefined || input.duration === 'custom';
		if (needsUntil && input.until === undefined) {
			ctx.addIssue({ code: 'custom', path: ['until'], message: 'sanction_error_until' });
		}
		if (input.duration === 'custom' && input.until === null) {
			ctx.addIssue({ code: 'custom', path: ['until'], message: 'sanction_error_until' });
		}
	});
export type SuspendInput = z.output<typeof suspendInput>;

export const unsuspendInput = z.strictObject({
	reason: z.string().trim().max(500, 'sanction_error_reason').optional()
});
export type UnsuspendInput = z.output<typeof unsuspendInput>;

export const warnInput = z.strictObject({
	message: z.string().trim().min(1, 'sanction_error_message').max(2000, 'sanction_error_message')
});
export type WarnInput = z.output<typeof warnInput>;

export const sanctionUserParams = z.strictObject({ id: z.uuid('error_not_found') });
export const warningParams = z.strictObject({ id: z.uuid('error_not_found') });

const person = z.object({ id: z.uuid(), displayName: z.string() });

export const sanctionStatusOutput = z.object({
	userId: z.uuid(),
	status: z.enum(['active', 'suspended']),
	/** null while suspended: indefinitely. */
	suspendedUntil: z.iso.datetime().nullable(),
	suspensionReason: z.string().nullable()
});
export type SanctionStatusOutput = z.output<typeof sanctionStatusOutput>;

export const suspensionOutput = z.object({
	id: z.uuid(),
	reason: z.string(),
	startsAt: z.iso.datetime(),
	endsAt: z.iso.datetime().nullable(),
	liftedAt: z.iso.datetime().nullable(),
	/** Who lifted it early; null when it ended by itself (or is still running). */
	liftedBy: z.string().nullable(),
	moderator: person
});
export type SuspensionOutput = z.output<typeof suspensionOutput>;

export const warningOutput = z.object({
	id: z.uuid(),
	message: z.string(),
	createdAt: z.iso.datetime(),
	acknowledgedAt: z.iso.datetime().nullable(),
	moderator: person
});
export type WarningOutput = z.output<typeof warningOutput>;

/** What a moderator sees of a member's standing on their page. */
export const sanctionsPanelOutput = z.object({
	member: memberOutput,
	state: sanctionStatusOutput,
	/** False when the caller may look but not act (a moderator facing an admin or a moderator, oneself). */
	canSanction: z.boolean(),
	suspensions: z.array(suspensionOutput),
	warnings: z.array(warningOutput)
});
export type SanctionsPanelOutput = z.output<typeof sanctionsPanelOutput>;
