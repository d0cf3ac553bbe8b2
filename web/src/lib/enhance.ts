import { enhance } from '$app/forms';
import type { SubmitFunction } from '@sveltejs/kit';

/**
 * Svelte action: `use:enhance` with a pending flag (for "envoi…") and no form reset, so
 * nothing typed is lost on failure. Without JavaScript the same forms post and re-render on
 * the server.
 */
export function pendingEnhance(form: HTMLFormElement, setPending: (pending: boolean) => void) {
	const submit: SubmitFunction = ({ formElement }) => {
		setPending(true);
		return async ({ update }) => {
			await update({ reset: false });
			// Passwords are never echoed back, with or without JavaScript.
			for (const input of formElement.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = '';
			setPending(false);
		};
	};
	return enhance(form, submit);
}
