import { error } from '@sveltejs/kit';
import { userIdParams } from '$server/modules/accounts/accounts.schema';
import { suspendInput, unsuspendInput, warnInput } from '$server/modules/moderation/sanctions.schema';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const parsed = userIdParams.safeParse(params);
	if (!parsed.success) error(404);
	const role = locals.auth?.user.role;
	if (role !== 'admin' && role !== 'moderator') {
		return { member: await locals.services.accounts.member(locals.auth, parsed.data.id), moderation: null };
	}
	// Admins and site moderators also see suspended members, with their standing and history.
	const panel = await orHttpError(locals.locale, () => locals.services.sanctions.panel(locals.auth, parsed.data.id));
	return {
		member: panel.member,
		moderation: {
			state: panel.state,
			canSanction: panel.canSanction,
			self: panel.member.id === locals.auth?.user.id,
			suspensions: panel.suspensions,
			warnings: panel.warnings
		}
	};
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The date field says a day; the suspension ends at the end of that day (server time).
 * Anything else goes to the schema as typed, which refuses it with a message.
 */
function endOfDay(value: string | undefined): string | undefined {
	if (!value) return undefined;
	return DATE_ONLY.test(value) ? new Date(`${value}T23:59:59`).toISOString() : value;
}

function memberId(event: RequestEvent): string {
	const parsed = userIdParams.safeParse(event.params);
	if (!parsed.success) error(404);
	return parsed.data.id;
}

/** Each action re-checks the caller in the service: the panel's visibility is not the gate. */
export const actions: Actions = {
	suspend: async (event) => {
		const id = memberId(event);
		const { locals } = event;
		const result = await runForm(event, suspendInput, (input) => locals.services.sanctions.suspend(locals.auth, id, input), {
			pick: (v) => {
				const duration = v.duration ?? '';
				return {
					reason: v.reason ?? '',
					duration,
					until: duration === 'custom' ? (endOfDay(v.until) ?? null) : undefined
				};
			},
			form: 'suspend'
		});
		if (!('ok' in result)) return result;
		return { done: 'suspended' as const };
	},
	unsuspend: async (event) => {
		const id = memberId(event);
		const { locals } = event;
		const result = await runForm(event, unsuspendInput, (input) => locals.services.sanctions.unsuspend(locals.auth, id, input), {
			pick: (v) => ({ reason: v.reason || undefined }),
			form: 'unsuspend'
		});
		if (!('ok' in result)) return result;
		return { done: 'unsuspended' as const };
	},
	warn: async (event) => {
		const id = memberId(event);
		const { locals } = event;
		const result = await runForm(event, warnInput, (input) => locals.services.sanctions.warn(locals.auth, id, input), {
			pick: (v) => ({ message: v.message ?? '' }),
			form: 'warn'
		});
		if (!('ok' in result)) return result;
		return { done: 'warned' as const };
	}
};
