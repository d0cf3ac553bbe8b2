import type { Database, Transaction } from '../../../db/client.ts';
import type { Locale } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { uniqueViolation } from '../accounts/accounts.service.ts';
import { recordAudit } from './audit.ts';
import type { CreateReasonInput, ReasonOutput, UpdateReasonInput } from './reasons.schema.ts';
import { ReasonsRepository, type ReasonRow } from './reasons.repository.ts';

/** The reason that asks for free text instead of standing on its own. */
export const OTHER_REASON = 'autre';

const labelOf = (row: ReasonRow, locale: Locale) => (locale === 'en' ? row.labelEn : row.labelFr);

function toReason(row: ReasonRow, locale: Locale): ReasonOutput {
	return {
		id: row.id,
		code: row.code,
		label: labelOf(row, locale),
		labelFr: row.labelFr,
		labelEn: row.labelEn,
		position: row.position,
		active: row.active,
		needsNote: row.code === OTHER_REASON
	};
}

const editable = (row: ReasonRow) => ({ labelFr: row.labelFr, labelEn: row.labelEn, position: row.position, active: row.active });

/**
 * Ready-made moderation reasons: offered to every member who reports, to moderators who
 * reject or act; admins edit the list. A reason is deactivated, never deleted.
 */
export class ReasonsService {
	readonly repo: ReasonsRepository;

	constructor(private db: Database) {
		this.repo = new ReasonsRepository(db);
	}

	/** Active reasons in order, labelled in `locale`; admins may ask for inactive ones too. */
	async list(auth: Auth, locale: Locale, options: { all?: boolean } = {}): Promise<ReasonOutput[]> {
		const { user } = requireUser(auth);
		if (options.all && user.role !== 'admin') throw new ForbiddenError();
		const rows = await this.repo.list({ activeOnly: !options.all });
		return rows.map((row) => toReason(row, locale));
	}

	/**
	 * The text to store and show for a chosen reason: "Hors sujet — <note>", or the label
	 * alone. The code must name an active reason; `autre` needs a non-empty note.
	 * `fields` names the form fields errors are tied to.
	 */
	async resolve(
		code: string,
		note: string | null | undefined,
		locale: Locale,
		fields: { code: string; note: string } = { code: 'reason', note: 'note' },
		tx?: Database | Transaction
	): Promise<string> {
		const row = await this.repo.findActiveByCode(code, tx);
		if (!row) throw new ValidationError({ [fields.code]: 'reasons_error_unknown' });
		const text = (note ?? '').trim();
		if (text.length > 1000) throw new ValidationError({ [fields.note]: 'reasons_error_note_length' });
		if (row.code === OTHER_REASON && !text) throw new ValidationError({ [fields.note]: 'reasons_error_note_required' });
		return text ? `${labelOf(row, locale)} — ${text}` : labelOf(row, locale);
	}

	private requireAdmin(auth: Auth) {
		const caller = requireUser(auth);
		if (caller.user.role !== 'admin') throw new ForbiddenError();
		return caller;
	}

	async create(auth: Auth, input: CreateReasonInput): Promise<ReasonOutput> {
		const caller = this.requireAdmin(auth);
		try {
			const row = await this.db.transaction(async (tx) => {
				const created = await this.repo.insert(tx, input);
				await recordAudit(tx, caller, {
					action: 'reason.create',
					targetType: 'reason',
					targetId: created.code,
					targetLabel: created.labelFr,
					after: { code: created.code, ...editable(created) }
				});
				return created;
			});
			return toReason(row, caller.user.locale);
		} catch (error) {
			if (uniqueViolation(error) !== null)
				throw new ConflictError('reasons_error_code_taken', { code: 'reasons_error_code_taken' });
			throw error;
		}
	}

	/** Labels, position, active (false = deactivate). Audited with what changed, before and after. */
	async update(auth: Auth, id: string, input: UpdateReasonInput): Promise<ReasonOutput> {
		const caller = this.requireAdmin(auth);
		const row = await this.db.transaction(async (tx) => {
			const current = await this.repo.findById(id, tx);
			if (!current) throw new NotFoundError();
			const before: Record<string, unknown> = {};
			const after: Record<string, unknown> = {};
			const was = editable(current);
			for (const key of Object.keys(input) as (keyof UpdateReasonInput)[]) {
				if (input[key] !== undefined && input[key] !== was[key]) {
					before[key] = was[key];
					after[key] = input[key];
				}
			}
			if (Object.keys(after).length === 0) return current;
			const updated = await this.repo.update(tx, id, after);
			await recordAudit(tx, caller, {
				action: 'reason.update',
				targetType: 'reason',
				targetId: current.code,
				targetLabel: updated.labelFr,
				before,
				after
			});
			return updated;
		});
		return toReason(row, caller.user.locale);
	}
}
