import type { Database } from '../../../db/client.ts';
import type { Locale } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../../lib/errors.ts';
import { translate } from '../../lib/i18n.ts';
import { uniqueViolation } from '../accounts/accounts.service.ts';
import { recordAudit } from './audit.ts';
import {
	checkBody,
	compileList,
	parseCsv,
	phraseKey,
	toCsv,
	type CompiledWatchedWord,
	type WatchedWordEntry,
	type WatchedWordVerdict
} from './watched-words.ts';
import { WatchedWordsRepository, type WatchedWordRow } from './watched-words.repository.ts';
import type { ImportMode, ImportSummary, WatchedWordInput, WatchedWordOutput } from './watched-words.schema.ts';

/**
 * A post refused by a `block` entry: 422, code `watched_word_blocked`, the message naming
 * the word, also as a field error on `body` so the form shows it beside the text it keeps.
 *
 * The message is rendered here, in the author's language, because catalogue messages carry
 * no parameters through `AppError`; the transports pass text that is not a catalogue key
 * through unchanged. A signed-in caller's transports answer in `auth.user.locale`, so pass
 * that.
 */
export class WatchedWordBlockedError extends AppError {
	constructor(
		/** The word as the author typed it (`verdict.match`), or the list's phrase. */
		readonly word: string,
		locale: Locale
	) {
		const message = translate('ww_error_blocked', locale, { phrase: word });
		super(422, 'watched_word_blocked', message, { body: message });
	}
}

/** How long a process keeps the compiled list; every change through this service clears it. */
const CACHE_MS = 5_000;

const PHRASE_TAKEN: FieldErrors = { phrase: 'ww_error_duplicate' };

function toOutput(row: WatchedWordRow): WatchedWordOutput {
	return {
		id: row.id,
		phrase: row.phrase,
		action: row.action,
		replacement: row.replacement,
		wholeWord: row.wholeWord,
		createdAt: row.createdAt.toISOString()
	};
}

/** What an audit row keeps of an entry. */
function snapshot(row: WatchedWordEntry): WatchedWordEntry {
	return { phrase: row.phrase, action: row.action, replacement: row.replacement, wholeWord: row.wholeWord };
}

function entryOf(input: WatchedWordInput): WatchedWordEntry {
	return {
		phrase: input.phrase,
		action: input.action,
		replacement: input.action === 'replace' ? (input.replacement ?? null) : null,
		wholeWord: input.wholeWord
	};
}

const byPhrase = (a: { phrase: string }, b: { phrase: string }) => a.phrase.localeCompare(b.phrase, 'fr');

const sameEntry = (a: WatchedWordEntry, b: WatchedWordEntry) =>
	a.phrase === b.phrase && a.action === b.action && a.replacement === b.replacement && a.wholeWord === b.wholeWord;

function requireAdmin(auth: Auth): NonNullable<Auth> {
	const caller = requireUser(auth);
	if (caller.user.role !== 'admin') throw new ForbiddenError();
	return caller;
}

/**
 * The admins' list of watched words, and the check every new or edited post goes through.
 * Everything but `check` is for admins only (members and moderators 403, visitors 401);
 * each change is audited in its own transaction.
 */
export class WatchedWordsService {
	readonly repo: WatchedWordsRepository;
	private cache: { until: number; list: CompiledWatchedWord[] } | null = null;

	constructor(private db: Database) {
		this.repo = new WatchedWordsRepository(db);
	}

	/**
	 * The verdict on a post body, against the list as it is now (a changed list applies to
	 * new writes only: nothing already published is re-checked). No access check: call it
	 * from a write the caller is already allowed to make.
	 *
	 * - `{ action: 'block', phrase, match }`: refuse the write, e.g.
	 *   `throw new WatchedWordBlockedError(verdict.match, auth.user.locale)`;
	 * - `{ action: 'review', phrases, body }`: save `body` (replacements applied) as pending
	 *   review; `phrases` says which entries asked for it;
	 * - `{ action: 'allow', body }`: save `body` (replacements applied, else the input).
	 *
	 * Block wins over review. The list is read from the database at most every few seconds
	 * per process, and at once after a change made in this process.
	 */
	async check(body: string): Promise<WatchedWordVerdict> {
		return checkBody(body, await this.compiled());
	}

	private async compiled(): Promise<CompiledWatchedWord[]> {
		const now = Date.now();
		if (this.cache && this.cache.until > now) return this.cache.list;
		const list = compileList(await this.repo.all());
		this.cache = { until: now + CACHE_MS, list };
		return list;
	}

	private changed() {
		this.cache = null;
	}

	async list(auth: Auth): Promise<WatchedWordOutput[]> {
		requireAdmin(auth);
		return (await this.repo.all()).sort(byPhrase).map(toOutput);
	}

	async create(auth: Auth, input: WatchedWordInput): Promise<WatchedWordOutput> {
		const caller = requireAdmin(auth);
		const entry = entryOf(input);
		if (!phraseKey(entry.phrase)) throw new ValidationError({ phrase: 'ww_error_phrase' });
		const row = await this.db
			.transaction(async (tx) => {
				const all = await this.repo.all(tx);
				if (all.some((r) => phraseKey(r.phrase) === phraseKey(entry.phrase))) {
					throw new ConflictError('ww_error_duplicate', PHRASE_TAKEN);
				}
				const created = await this.repo.insert(tx, { ...entry, createdBy: caller.user.id });
				await recordAudit(tx, caller, {
					action: 'watched_word.create',
					targetType: 'watched_word',
					targetId: created.id,
					targetLabel: created.phrase,
					after: snapshot(created)
				});
				return created;
			})
			.catch(rethrowDuplicate);
		this.changed();
		return toOutput(row);
	}

	async update(auth: Auth, id: string, input: WatchedWordInput): Promise<WatchedWordOutput> {
		const caller = requireAdmin(auth);
		const entry = entryOf(input);
		if (!phraseKey(entry.phrase)) throw new ValidationError({ phrase: 'ww_error_phrase' });
		const row = await this.db
			.transaction(async (tx) => {
				const all = await this.repo.all(tx);
				const current = all.find((r) => r.id === id);
				if (!current) throw new NotFoundError();
				if (all.some((r) => r.id !== id && phraseKey(r.phrase) === phraseKey(entry.phrase))) {
					throw new ConflictError('ww_error_duplicate', PHRASE_TAKEN);
				}
				if (sameEntry(current, entry)) return current;
				const updated = await this.repo.update(tx, id, entry);
				await recordAudit(tx, caller, {
					action: 'watched_word.update',
					targetType: 'watched_word',
					targetId: id,
					targetLabel: updated.phrase,
					before: snapshot(current),
					after: snapshot(updated)
				});
				return updated;
			})
			.catch(rethrowDuplicate);
		this.changed();
		return toOutput(row);
	}

	/** Returns the entry as it was. */
	async remove(auth: Auth, id: string): Promise<WatchedWordOutput> {
		const caller = requireAdmin(auth);
		const removed = await this.db.transaction(async (tx) => {
			const current = await this.repo.find(id, tx);
			if (!current) throw new NotFoundError();
			await this.repo.remove(tx, [id]);
			await recordAudit(tx, caller, {
				action: 'watched_word.delete',
				targetType: 'watched_word',
				targetId: id,
				targetLabel: current.phrase,
				before: snapshot(current)
			});
			return current;
		});
		this.changed();
		return toOutput(removed);
	}

	/**
	 * Imports a CSV (see `parseCsv`). All or nothing: if any line is bad, nothing changes and
	 * a ValidationError lists every bad line as the field `csv.<line number>`.
	 * `merge` adds new phrases and updates known ones (same phrase once folded);
	 * `replace` makes the file the whole list. One audit row for the whole import.
	 */
	async importCsv(auth: Auth, text: string, mode: ImportMode): Promise<ImportSummary> {
		const caller = requireAdmin(auth);
		const parsed = parseCsv(text);
		if (!parsed.ok) {
			throw new ValidationError(Object.fromEntries(parsed.errors.map((e) => [`csv.${e.line}`, e.reason])), 'ww_csv_invalid');
		}
		const summary = await this.db.transaction(async (tx) => {
			const current = await this.repo.all(tx);
			const byKey = new Map(current.map((r) => [phraseKey(r.phrase), r]));
			const before: WatchedWordEntry[] = [];
			const after: WatchedWordEntry[] = [];
			const result: ImportSummary = { mode, added: 0, updated: 0, unchanged: 0, removed: 0 };

			if (mode === 'replace') {
				await this.repo.remove(
					tx,
					current.map((r) => r.id)
				);
				before.push(...current.map(snapshot));
				result.removed = current.length;
			}
			for (const entry of parsed.entries) {
				const existing = mode === 'merge' ? byKey.get(phraseKey(entry.phrase)) : undefined;
				if (!existing) {
					await this.repo.insert(tx, { ...entry, createdBy: caller.user.id });
					after.push(entry);
					result.added++;
				} else if (sameEntry(existing, entry)) {
					result.unchanged++;
				} else {
					await this.repo.update(tx, existing.id, entry);
					before.push(snapshot(existing));
					after.push(entry);
					result.updated++;
				}
			}
			if (mode === 'replace') {
				// Phrases kept as they were are neither removed nor added.
				const kept = new Set(current.filter((r) => parsed.entries.some((e) => sameEntry(r, e))).map((r) => phraseKey(r.phrase)));
				result.removed -= kept.size;
				result.added -= kept.size;
				result.unchanged += kept.size;
			}
			await recordAudit(tx, caller, {
				action: 'watched_word.import',
				targetType: 'watched_word',
				targetId: 'import',
				targetLabel: `CSV (${mode})`,
				before: { entries: before },
				after: { ...result, entries: after }
			});
			return result;
		});
		this.changed();
		return summary;
	}

	async exportCsv(auth: Auth): Promise<string> {
		requireAdmin(auth);
		return toCsv((await this.repo.all()).sort(byPhrase));
	}
}

/** Two admins adding the same phrase at once: the unique index answers for the second. */
function rethrowDuplicate(error: unknown): never {
	if (uniqueViolation(error) === 'watched_words_phrase_key') throw new ConflictError('ww_error_duplicate', PHRASE_TAKEN);
	throw error;
}
