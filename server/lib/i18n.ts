import type { Locale } from '../../db/schema/values.ts';
import { m } from '../../web/src/lib/paraglide/messages.js';

type MessageFn = (inputs?: Record<string, unknown>, options?: { locale?: Locale }) => string;
const catalogue = m as unknown as Record<string, MessageFn | undefined>;

/** Renders a catalogue key for server-side answers (API errors). Unknown keys pass through. */
export function translate(key: string, locale: Locale, inputs: Record<string, unknown> = {}): string {
	const message = catalogue[key];
	return message ? message(inputs, { locale }) : key;
}
