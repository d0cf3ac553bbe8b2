import type { ThreadKind } from '$db/schema/values';
import { m } from '$lib/paraglide/messages';

/**
 * Thread kinds' labels, apart from the other labels: the thread page is the lightest-budget
 * page and needs only these (importing `$lib/labels` brings every label table with it).
 */
export const threadKindLabel: Record<ThreadKind, () => string> = {
	discussion: m.thread_kind_discussion,
	question: m.thread_kind_question,
	announcement: m.thread_kind_announcement
};
