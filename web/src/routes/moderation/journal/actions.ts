import { m } from '$lib/paraglide/messages';

/**
 * Readable names of audit action codes. Codes the catalogue does not know yet (written by a
 * newer action) are shown as they are: the log never hides a row for want of a label.
 */
export const actionLabels: Record<string, () => string> = {
	'account.role_changed': m.audit_action_account_role_changed,
	'account.suspended': m.audit_action_account_suspended,
	'account.reinstated': m.audit_action_account_reinstated,
	'account.password_changed': m.audit_action_account_password_changed,
	'post.approve': m.audit_action_post_approve,
	'post.reject': m.audit_action_post_reject,
	'post.hide': m.audit_action_post_hide,
	'post.restore': m.audit_action_post_restore,
	'post.auto_hide': m.audit_action_post_auto_hide,
	'post.edit': m.audit_action_post_edit,
	'thread.lock': m.audit_action_thread_lock,
	'thread.unlock': m.audit_action_thread_unlock,
	'thread.pin': m.audit_action_thread_pin,
	'thread.unpin': m.audit_action_thread_unpin,
	'thread.delete': m.audit_action_thread_delete,
	'thread.restore': m.audit_action_thread_restore,
	'thread.move': m.audit_action_thread_move,
	'thread.close': m.audit_action_thread_close,
	'thread.slow_mode': m.audit_action_thread_slow_mode,
	'thread.hide': m.audit_action_thread_hide,
	'thread.unhide': m.audit_action_thread_unhide,
	'thread.auto_hide': m.audit_action_thread_auto_hide,
	'space.create': m.audit_action_space_create,
	'space.settings': m.audit_action_space_settings,
	'space.role': m.audit_action_space_role,
	'space.member_remove': m.audit_action_space_member_remove,
	'space.join_decision': m.audit_action_space_join_decision,
	'space.invite': m.audit_action_space_invite,
	'space.archive': m.audit_action_space_archive,
	'space.unarchive': m.audit_action_space_unarchive,
	'space.slow_mode': m.audit_action_space_slow_mode,
	'user.warn': m.audit_action_user_warn,
	'user.suspend': m.audit_action_user_suspend,
	'user.unsuspend': m.audit_action_user_unsuspend,
	'watched_word.create': m.audit_action_watched_word_create,
	'watched_word.update': m.audit_action_watched_word_update,
	'watched_word.delete': m.audit_action_watched_word_delete,
	'watched_word.import': m.audit_action_watched_word_import,
	'reason.create': m.audit_action_reason_create,
	'reason.update': m.audit_action_reason_update,
	'setting.update': m.audit_action_setting_update,
	'experience.create': m.exp_audit_create,
	'experience.submit': m.exp_audit_submit,
	'experience.publish': m.exp_audit_publish,
	'experience.return': m.exp_audit_return,
	'experience.author_add': m.exp_audit_author_add,
	'experience.attach': m.exp_audit_attach,
	'experience.detach': m.exp_audit_detach
};

/** Families of actions, filtered by prefix (`post.`). */
export const actionGroups: [string, () => string][] = [
	['post.', m.audit_group_post],
	['thread.', m.audit_group_thread],
	['space.', m.audit_group_space],
	['user.', m.audit_group_user],
	['account.', m.audit_group_account],
	['watched_word.', m.audit_group_watched_word],
	['reason.', m.audit_group_reason],
	['setting.', m.audit_group_setting],
	['experience.', m.exp_audit_group]
];

export const actionLabel = (code: string) => actionLabels[code]?.() ?? code;

export const targetTypeLabels: Record<string, () => string> = {
	post: m.audit_target_post,
	thread: m.audit_target_thread,
	space: m.audit_target_space,
	user: m.audit_target_user,
	setting: m.audit_target_setting,
	watched_word: m.audit_target_watched_word,
	reason: m.audit_target_reason,
	report: m.audit_target_report,
	experience: m.exp_audit_target
};

const short = (value: unknown) => {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};

/**
 * A compact "before → after": one line per field that changed (`role : member → moderator`),
 * or the single value when a side is not an object.
 */
export function changeLines(before: unknown, after: unknown): string[] {
	const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
	if (before == null && after == null) return [];
	if ((before == null || isRecord(before)) && (after == null || isRecord(after))) {
		const b = before ?? {};
		const a = after ?? {};
		const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
		return keys.map((key) => {
			const from = key in b ? short(b[key]) : '∅';
			const to = key in a ? short(a[key]) : '∅';
			if (before == null) return `${key} : ${to}`;
			return `${key} : ${from} → ${to}`;
		});
	}
	return [`${before == null ? '∅' : short(before)} → ${after == null ? '∅' : short(after)}`];
}
