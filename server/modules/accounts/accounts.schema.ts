import { z } from 'zod';
import { locales, organisationTypes, roles } from '../../../db/schema/accounts.ts';
import { PASSWORD_MAX, newPasswordSchema } from '../../auth/password.ts';
import { isValidTimeZone } from '../events/time-zones.ts';
import { countryCodes } from './countries.ts';

/*
 * One zod schema per input and output. Messages are catalogue keys (messages/*.json), turned
 * into text by whichever transport answers. Objects are strict: unknown fields — `role`,
 * `status`, `id`… — are refused rather than silently dropped or, worse, stored.
 */

export const emailSchema = z.string().trim().toLowerCase().max(254, 'error_email_invalid').pipe(z.email('error_email_invalid'));

const displayName = z.string().trim().min(2, 'error_display_name_length').max(60, 'error_display_name_length');
const organisationName = z.string().trim().min(2, 'error_organisation_length').max(120, 'error_organisation_length');
const organisationType = z.enum(organisationTypes, 'error_organisation_type');
const country = z.enum(countryCodes, 'error_country');
const locale = z.enum(locales, 'error_locale');
/** An IANA zone `Intl` knows; empty or null = automatic (the zone of the member's country). */
const timeZone = z
	.string('error_time_zone')
	.trim()
	.refine((zone) => zone === '' || isValidTimeZone(zone), 'error_time_zone')
	.transform((zone) => zone || null)
	.nullable();

export const signupInput = z.strictObject({
	displayName,
	email: emailSchema,
	password: newPasswordSchema,
	organisationName,
	organisationType,
	country,
	locale: locale.default('fr')
});
export type SignupInput = z.infer<typeof signupInput>;

export const loginInput = z.strictObject({
	email: z.string().max(254, 'error_email_invalid'),
	// Long enough for any accepted password; keeps argon2 from hashing megabytes.
	password: z.string().max(PASSWORD_MAX * 4, 'error_password_too_long')
});
export type LoginInput = z.infer<typeof loginInput>;

export const updateProfileInput = z.strictObject({
	displayName: displayName.optional(),
	bio: z.string().trim().max(1000, 'error_bio_length').optional(),
	organisationName: organisationName.optional(),
	organisationType: organisationType.optional(),
	country: country.optional(),
	locale: locale.optional(),
	timeZone: timeZone.optional()
});
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

export const changePasswordInput = z.strictObject({
	currentPassword: z.string().max(PASSWORD_MAX * 4, 'error_password_too_long'),
	newPassword: newPasswordSchema
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export const setRoleInput = z.strictObject({ role: z.enum(roles, 'error_role') });
export const userIdParams = z.strictObject({ id: z.uuid('error_not_found') });

export const listUsersQuery = z.strictObject({
	q: z.string().trim().max(100).optional(),
	/** Keyset cursor: the last e-mail of the previous page. */
	after: z.string().max(254).optional()
});

/* Outputs: only listed fields leave the server (hashes never do). */

export const organisationOutput = z.object({
	id: z.uuid(),
	name: z.string(),
	type: z.enum(organisationTypes),
	country: z.string()
});

export const memberOutput = z.object({
	id: z.uuid(),
	url: z.string(),
	displayName: z.string(),
	handle: z.string(),
	role: z.enum(roles),
	country: z.string(),
	bio: z.string(),
	organisation: organisationOutput,
	createdAt: z.iso.datetime()
});
export type MemberOutput = z.infer<typeof memberOutput>;

/** What a user sees of themself: adds private fields. */
export const meOutput = memberOutput.extend({
	email: z.string(),
	locale: z.enum(locales),
	/** The zone chosen for showing times; null = the zone of the member's country. */
	timeZone: z.string().nullable(),
	status: z.enum(['active', 'suspended'])
});
export type MeOutput = z.infer<typeof meOutput>;

export const sessionOutput = z.object({
	id: z.string(),
	current: z.boolean(),
	createdAt: z.iso.datetime(),
	lastSeenAt: z.iso.datetime(),
	userAgent: z.string()
});

export const adminUserOutput = meOutput;

export const okOutput = z.object({ ok: z.literal(true) });
