import { applyAction } from '$app/forms';
import { invalidateAll } from '$app/navigation';
import type { SubmitFunction } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';

/*
 * The room's small forms (question, vote, moderation, open/close) with JavaScript: they post
 * to the same actions as without it, but stay on the page. A success (the action's redirect)
 * changes nothing by itself: the room's socket brings the change to every reader, this one
 * included; only when the socket is down does the page reload its data. A refusal shows
 * beside the form with what was typed, as without JavaScript.
 */
/** A refused form, as the page's actions return it (FormFailure of $lib/server/forms). */
export interface RoomFailure {
	form?: string | undefined;
	message: string;
	fields: Record<string, string>;
	values: Record<string, string>;
}

function textValues(form: HTMLFormElement): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of new FormData(form)) if (typeof value === 'string') values[key] = value;
	return values;
}

export function roomSubmit(options: {
	/** Whether the room's socket is up (its events will show the change). */
	live: () => boolean;
	/** Which form of the page this is (the `form` of a failure), for a network error. */
	form: string;
	/** After a success: clear a text, take a new idempotency key, keep a vote… */
	done?: (form: HTMLFormElement) => void;
	pending?: (pending: boolean) => void;
}): SubmitFunction {
	return ({ formElement }) => {
		options.pending?.(true);
		return async ({ result }) => {
			options.pending?.(false);
			if (result.type === 'redirect' || result.type === 'success') {
				// Clears a failure shown earlier, without reloading the page's data.
				await applyAction({ type: 'success', status: 200 });
				options.done?.(formElement);
				if (!options.live()) await invalidateAll();
			} else if (result.type === 'failure') {
				await applyAction(result);
			} else {
				// No answer (offline, server away): say so beside the form, keep what was typed.
				await applyAction({
					type: 'failure',
					status: 503,
					data: { form: options.form, message: m.room_ui_network_error(), fields: {}, values: textValues(formElement) }
				});
			}
		};
	};
}
