import { z } from 'zod';
import { spaceMemberRoles, spaceMemberStatuses, spaceVisibilities } from '../../../db/schema/values.ts';
import { countryCodes } from '../accounts/countries.ts';
import { reportThresholdValue, reviewFirstPostsValue } from '../moderation/settings.schema.ts';

export const slugSchema = z
	.string()
	.trim()
	.toLowerCase()
	.regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'error_slug');

const tag = z.string().trim().min(2, 'error_tag').max(40, 'error_tag');

export const createSpaceInput = z.strictObject({
	name: z.string().trim().min(3, 'error_space_name').max(80, 'error_space_name'),
	slug: slugSchema,
	description: z.string().trim().max(5000, 'error_description_length').default(''),
	visibility: z.enum(spaceVisibilities, 'error_visibility'),
	themes: z.array(tag).max(8, 'error_tags').default([]),
	countries: z.array(z.enum(countryCodes, 'error_country')).max(20, 'error_tags').default([])
});
export type CreateSpaceInput = z.infer<typeof createSpaceInput>;

export const updateSpaceInput = z.strictObject({
	name: createSpaceInput.shape.name.optional(),
	description: z.string().trim().max(5000, 'error_description_length').optional(),
	visibility: z.enum(spaceVisibilities, 'error_visibility').optional(),
	themes: z.array(tag).max(8, 'error_tags').optional(),
	countries: z.array(z.enum(countryCodes, 'error_country')).max(20, 'error_tags').optional(),
	/** A new member's first posts reviewed before publication; null: the site default, 0: none. */
	reviewFirstPosts: reviewFirstPostsValue.nullable().optional(),
	/** Reports from distinct members that hide an item pending review. */
	reportThreshold: reportThresholdValue.optional(),
	/** Admins only. */
	archived: z.boolean().optional()
});
export type UpdateSpaceInput = z.infer<typeof updateSpaceInput>;

export const spaceSlugParams = z.strictObject({ slug: slugSchema });
export const spaceMemberParams = z.strictObject({ slug: slugSchema, userId: z.uuid('error_not_found') });
export const inviteInput = z.strictObject({
	handle: z.string().trim().toLowerCase().min(2, 'error_handle').max(40, 'error_handle')
});
export const joinInput = z.strictObject({ message: z.string().trim().max(500, 'error_message_length').default('') });
export const decideJoinInput = z.strictObject({ decision: z.enum(['approve', 'refuse'], 'error_decision') });
export const setMemberRoleInput = z.strictObject({ role: z.enum(spaceMemberRoles, 'error_role') });

const membership = z.object({ role: z.enum(spaceMemberRoles), status: z.enum(spaceMemberStatuses) }).nullable();

export const spaceOutput = z.object({
	id: z.uuid(),
	url: z.string(),
	slug: z.string(),
	name: z.string(),
	description: z.string(),
	descriptionHtml: z.string(),
	visibility: z.enum(spaceVisibilities),
	themes: z.array(z.string()),
	countries: z.array(z.string()),
	archived: z.boolean(),
	lastActivityAt: z.iso.datetime(),
	threadCount: z.number().int(),
	postCount: z.number().int(),
	/** Threads with posts the caller has not read; null for visitors. */
	unreadThreads: z.number().int().nullable(),
	membership,
	can: z.object({ post: z.boolean(), moderate: z.boolean(), manage: z.boolean() }),
	/** For those who moderate the space; null for everyone else. */
	moderationSettings: z.object({ reviewFirstPosts: z.number().int().nullable(), reportThreshold: z.number().int() }).nullable()
});
export type SpaceOutput = z.infer<typeof spaceOutput>;

export const spaceMemberOutput = z.object({
	userId: z.uuid(),
	url: z.string(),
	displayName: z.string(),
	handle: z.string(),
	role: z.enum(spaceMemberRoles),
	status: z.enum(spaceMemberStatuses),
	message: z.string(),
	createdAt: z.iso.datetime()
});
export type SpaceMemberOutput = z.infer<typeof spaceMemberOutput>;

export const membershipOutput = z.object({ membership });
