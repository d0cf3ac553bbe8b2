import { z } from 'zod';

/** What an audit row can name; mirrors `AuditEntry['targetType']`. */
export const auditTargetTypes = [
	'post',
	'thread',
	'space',
	'user',
	'setting',
	'watched_word',
	'reason',
	'report',
	'experience'
] as const;

const day = z.iso.date('audit_error_date');

/**
 * Filters of the audit log. `action` is an exact code (`post.hide`) or a prefix ending
 * with a dot (`post.`); `actor` a member id or `@handle`; `space` an id or a slug; dates are
 * UTC days, both inclusive.
 */
export const auditFilterInput = z
	.strictObject({
		actor: z.string().trim().min(1).max(60, 'audit_error_actor').optional(),
		action: z
			.string()
			.trim()
			.regex(/^[a-z_]+\.(?:[a-z_]+)?$|^[a-z_]+$/, 'audit_error_action')
			.max(60, 'audit_error_action')
			.optional(),
		space: z.string().trim().min(1).max(60, 'audit_error_space').optional(),
		targetType: z.enum(auditTargetTypes, 'audit_error_target_type').optional(),
		targetId: z.string().trim().min(1).max(100, 'audit_error_target_id').optional(),
		from: day.optional(),
		to: day.optional(),
		/** Opaque keyset cursor: `next` of the previous page. */
		cursor: z.string().max(200, 'audit_error_cursor').optional()
	})
	.refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'audit_error_dates', path: ['to'] });
export type AuditFilter = z.infer<typeof auditFilterInput>;

export const auditEntryOutput = z.object({
	id: z.number().int(),
	at: z.iso.datetime(),
	actor: z.object({ id: z.string().nullable(), name: z.string(), url: z.string().nullable() }),
	action: z.string(),
	/** Null for site-wide actions (accounts, settings, reasons). */
	space: z
		.object({ id: z.string(), slug: z.string().nullable(), name: z.string().nullable(), url: z.string().nullable() })
		.nullable(),
	target: z.object({ type: z.string(), id: z.string(), label: z.string(), url: z.string().nullable() }),
	reason: z.string().nullable(),
	before: z.unknown(),
	after: z.unknown()
});
export type AuditEntryOutput = z.infer<typeof auditEntryOutput>;

export const auditPageOutput = z.object({ items: z.array(auditEntryOutput), next: z.string().nullable() });
export type AuditPageOutput = z.infer<typeof auditPageOutput>;
