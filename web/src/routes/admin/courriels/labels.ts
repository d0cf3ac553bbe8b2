import { m } from '$lib/paraglide/messages';
import type { MailStatus } from '$db/schema/values';

/** How the outbox names a row's state and what it is about. */
export const statusLabels: Record<MailStatus, () => string> = {
	pending: m.mail_admin_status_pending,
	sent: m.mail_admin_status_sent,
	failed: m.mail_admin_status_failed,
	local: m.mail_admin_status_local
};

const topicLabels: Record<string, () => string> = {
	event_reminder: m.mail_admin_topic_event_reminder,
	event_seat: m.mail_admin_topic_event_seat,
	event_update: m.mail_admin_topic_event_update
};

/** A known topic in words; an unknown one (added later) as its code. */
export const topicLabel = (topic: string): string => topicLabels[topic]?.() ?? topic;
