import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
	decideJoinInput,
	inviteInput,
	setMemberRoleInput,
	slugSchema,
	updateSpaceInput
} from '$server/modules/spaces/spaces.schema';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import { profileOptions } from '$lib/server/options';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const slug = slugSchema.safeParse(params.slug);
	if (!slug.success) error(404);
	const { spaces } = locals.services;
	const [space, members] = await orHttpError(locals.locale, () =>
		Promise.all([spaces.get(locals.auth, slug.data), spaces.members(locals.auth, slug.data)])
	);
	const manage = space.can.manage;
	return {
		space: {
			slug: space.slug,
			url: space.url,
			name: space.name,
			archived: space.archived,
			can: space.can,
			// The settings form's current values, for those who may change them.
			settings: manage
				? {
						name: space.name,
						description: space.description,
						visibility: space.visibility,
						themes: space.themes.join(', '),
						countries: space.countries,
						reviewFirstPosts: String(space.moderationSettings?.reviewFirstPosts ?? ''),
						reportThreshold: String(space.moderationSettings?.reportThreshold ?? '')
					}
				: null
		},
		/** The site default a space without its own review setting follows. */
		siteReviewFirstPosts: manage ? await locals.services.settings.reviewFirstPosts() : null,
		members: members.map((member) => ({
			userId: member.userId,
			url: member.url,
			displayName: member.displayName,
			handle: member.handle,
			role: member.role,
			status: member.status,
			message: member.message
		})),
		selfId: locals.auth?.user.id ?? null,
		admin: locals.auth?.user.role === 'admin',
		countries: manage ? profileOptions(locals.locale).countries : null
	};
};

const memberTarget = z.strictObject({ userId: z.uuid('error_not_found') });

/** The member a form names in its hidden `userId` field; the service checks the caller. */
async function target(event: RequestEvent): Promise<string> {
	const data = await event.request.clone().formData();
	const parsed = memberTarget.safeParse({ userId: data.get('userId') });
	if (!parsed.success) error(404);
	return parsed.data.userId;
}

export const actions: Actions = {
	invite: async (event) => {
		const { locals, params } = event;
		const result = await runForm(
			event,
			inviteInput,
			(input) => locals.services.spaces.invite(locals.auth, params.slug, input.handle),
			{
				pick: (v) => ({ handle: (v.handle ?? '').trim().replace(/^@/, '') }),
				form: 'invite'
			}
		);
		if (!('ok' in result)) return result;
		return { done: 'invited' as const, name: result.result.displayName };
	},
	decide: async (event) => {
		const { locals, params } = event;
		const userId = await target(event);
		const result = await runForm(
			event,
			decideJoinInput,
			(input) => locals.services.spaces.decideJoin(locals.auth, params.slug, userId, input.decision).then(() => input.decision),
			{ pick: (v) => ({ decision: v.decision ?? '' }), form: userId }
		);
		if (!('ok' in result)) return result;
		return { done: result.result === 'approve' ? ('approved' as const) : ('refused' as const) };
	},
	role: async (event) => {
		const { locals, params } = event;
		const userId = await target(event);
		const result = await runForm(
			event,
			setMemberRoleInput,
			(input) => locals.services.spaces.setMemberRole(locals.auth, params.slug, userId, input.role),
			{ pick: (v) => ({ role: v.role ?? '' }), form: userId }
		);
		if (!('ok' in result)) return result;
		return { done: 'role' as const };
	},
	remove: async (event) => {
		const { locals, params } = event;
		const userId = await target(event);
		const result = await runForm(
			event,
			z.object({}),
			() => locals.services.spaces.removeMember(locals.auth, params.slug, userId),
			{ pick: () => ({}), form: userId }
		);
		if (!('ok' in result)) return result;
		return { done: 'removed' as const };
	},
	settings: async (event) => {
		const { locals, params } = event;
		const countries = (await event.request.clone().formData()).getAll('countries').map(String);
		const result = await runForm(
			event,
			updateSpaceInput,
			(input) => locals.services.spaces.update(locals.auth, params.slug, input),
			{
				pick: (v) => ({
					name: v.name ?? '',
					description: v.description ?? '',
					visibility: v.visibility ?? '',
					themes: (v.themes ?? '')
						.split(',')
						.map((t) => t.trim())
						.filter(Boolean),
					countries,
					// Empty: follow the site default (null); a number must be 0–20.
					reviewFirstPosts: v.reviewFirstPosts?.trim() ? Number(v.reviewFirstPosts) : null,
					reportThreshold: v.reportThreshold?.trim() ? Number(v.reportThreshold) : undefined
				}),
				form: 'settings'
			}
		);
		if (!('ok' in result)) return result;
		return { done: 'saved' as const };
	},
	archive: async (event) => {
		const { locals, params } = event;
		const result = await runForm(
			event,
			updateSpaceInput.pick({ archived: true }),
			(input) => locals.services.spaces.update(locals.auth, params.slug, input),
			{ pick: (v) => ({ archived: v.archived === 'true' }), form: 'archive' }
		);
		if (!('ok' in result)) return result;
		redirect(303, `/espaces/${params.slug}/membres`);
	}
};
