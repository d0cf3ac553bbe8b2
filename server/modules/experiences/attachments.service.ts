import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { experienceAttachments, experienceAuthors, experiences } from '../../../db/schema/index.ts';
import type { Locale } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { translate } from '../../lib/i18n.ts';
import { newStorageKey, type BlobStorage } from '../../lib/storage.ts';
import { recordAudit } from '../moderation/audit.ts';
import { spaceAccess } from '../spaces/access.ts';
import type { SpacesRepository } from '../spaces/spaces.repository.ts';
import { accessFacts } from '../spaces/spaces.service.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_FILENAME_LENGTH, type AttachmentOutput } from './attachments.schema.ts';
import { acceptedTypes, checkFile, extensionOf } from './file-type.ts';

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

const MAX_MB = MAX_ATTACHMENT_BYTES / (1024 * 1024);

/** A refused file: the message names it (and the format its extension promised). */
export class AttachmentRefusedError extends AppError {
	constructor(
		status: 400 | 413,
		messageKey: 'att_error_mismatch' | 'att_error_unsupported' | 'att_error_too_large' | 'att_error_empty',
		readonly filename: string,
		/** Catalogue key of the expected format (`att_kind_pdf`), for mismatches. */
		readonly expectedLabel: string | null = null
	) {
		super(status, status === 413 ? 'payload_too_large' : 'validation_failed', messageKey);
	}

	override messageInputs(locale: Locale): Record<string, unknown> {
		return {
			name: this.filename,
			max: MAX_MB,
			expected: this.expectedLabel ? translate(this.expectedLabel, locale) : ''
		};
	}
}

/** 409: the fiche already has its 20 files. */
export class TooManyAttachmentsError extends ConflictError {
	constructor() {
		super('att_error_too_many');
	}

	override messageInputs(): Record<string, unknown> {
		return { max: MAX_ATTACHMENTS };
	}
}

/** 413 before the name is known (Fastify stopped reading the body). */
export class AttachmentTooLargeError extends AppError {
	constructor() {
		super(413, 'payload_too_large', 'att_error_too_large_body');
	}

	override messageInputs(): Record<string, unknown> {
		return { max: MAX_MB };
	}
}

/**
 * The name as we keep it: no folders, no control or bidirectional-override characters (a
 * name like `rapport‮fdp.exe` displays as `rapportexe.pdf`), no characters file systems
 * refuse; accents kept; at most 150 characters with the extension preserved.
 */
export function cleanFilename(raw: string): string {
	let name = raw.normalize('NFC');
	name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
	name = name
		.replace(/\s/gu, ' ')
		.replace(/[\p{Cc}\p{Cf}]/gu, '')
		.replace(/["<>:|?*]/g, '_')
		.replace(/ {2,}/g, ' ')
		.replace(/^[ .]+|[ .]+$/g, '');
	const chars = Array.from(name);
	if (chars.length <= MAX_FILENAME_LENGTH) return name;
	const extension = extensionOf(name);
	const tail = extension && extension.length <= 10 ? `.${extension}` : '';
	return (
		chars
			.slice(0, MAX_FILENAME_LENGTH - tail.length)
			.join('')
			.trimEnd() + tail
	);
}

/**
 * `Content-Disposition: attachment` for every type, images included: nothing we store is
 * ever rendered by the browser in our origin. An ASCII fallback for old clients, and the
 * exact UTF-8 name (RFC 6266 / 5987) for the others.
 */
export function contentDisposition(filename: string): string {
	const fallback =
		filename
			.normalize('NFD')
			.replace(/\p{M}/gu, '')
			.replace(/[^\x20-\x7e]|["\\%]/g, '_')
			.trim() || 'fichier';
	const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The checks every uploaded file goes through (fiches' attachments, events' documents): a
 * name (400), not empty (400), not too large (413), type detected from the bytes and
 * matching the extension (400). The cleaned name, the detected type and the hash.
 */
export function checkUpload(rawFilename: string, bytes: Buffer): { filename: string; mimeType: string; sha256: string } {
	const filename = cleanFilename(rawFilename);
	if (!filename) throw new ValidationError({ filename: 'att_error_filename' }, 'att_error_filename');
	if (bytes.length === 0) throw new AttachmentRefusedError(400, 'att_error_empty', filename);
	if (bytes.length > MAX_ATTACHMENT_BYTES) throw new AttachmentRefusedError(413, 'att_error_too_large', filename);
	const check = checkFile(filename, bytes);
	if (!check.ok) {
		throw check.reason === 'unsupported'
			? new AttachmentRefusedError(400, 'att_error_unsupported', filename)
			: new AttachmentRefusedError(400, 'att_error_mismatch', filename, acceptedTypes[check.expected!].label);
	}
	return { filename, mimeType: check.mimeType, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** What access decisions need to know about a fiche and the caller's place in it. */
interface FicheAccess {
	id: string;
	spaceId: string;
	/** Title of the published version, or of the draft: for audit rows. */
	title: string;
	published: boolean;
	read: boolean;
	/** Authors and the space's moderators attach and remove files. */
	write: boolean;
}

type AttachmentRow = typeof experienceAttachments.$inferSelect;

function toOutput(row: AttachmentRow): AttachmentOutput {
	return {
		id: row.id,
		filename: row.filename,
		mimeType: row.mimeType,
		size: row.size,
		url: attachmentUrl(row.id),
		createdAt: row.createdAt.toISOString()
	};
}

/**
 * Files attached to fiches d'expérience. The bytes go to a `BlobStorage`; the rows (name,
 * detected type, size, sha256) to `experience_attachments`. Access follows the fiche's:
 * whoever may read the fiche may download its files; its authors and its space's
 * moderators add and remove them.
 */
export class AttachmentsService {
	constructor(
		private db: Database,
		private spaces: SpacesRepository,
		readonly storage: BlobStorage
	) {}

	/**
	 * The fiche's access rules, read here directly so that downloads stay one light query
	 * each (drafts: authors and admins; submitted or returned, never published: also the
	 * space's moderators; published: whoever reads the space; nobody who cannot read the
	 * space). The same rules as `ExperiencesService.context` and its `can.attach`.
	 */
	private async fiche(auth: Auth, experienceId: string, tx: Database | Transaction = this.db): Promise<FicheAccess> {
		const [row] = await tx
			.select({
				id: experiences.id,
				spaceId: experiences.spaceId,
				status: experiences.status,
				published: sql<boolean>`${experiences.published} is not null`,
				title: sql<string | null>`coalesce(${experiences.title}, ${experiences.draft}->>'title')`
			})
			.from(experiences)
			.where(eq(experiences.id, experienceId))
			.limit(1);
		if (!row) throw new NotFoundError();
		const space = await this.spaces.findById(row.spaceId, auth?.user.id ?? null, tx);
		if (!space) throw new NotFoundError();
		const facts = accessFacts(space);
		const author =
			auth !== null &&
			(
				await tx
					.select({ userId: experienceAuthors.userId })
					.from(experienceAuthors)
					.where(and(eq(experienceAuthors.experienceId, row.id), eq(experienceAuthors.userId, auth.user.id)))
					.limit(1)
			).length > 0;
		const admin = auth?.user.role === 'admin';
		const moderator = spaceAccess.moderate(auth, facts);
		const read = spaceAccess.read(auth, facts) && (row.published || author || admin || (row.status !== 'draft' && moderator));
		return {
			id: row.id,
			spaceId: row.spaceId,
			title: row.title ?? '',
			published: row.published,
			read,
			// As `can.attach` of services.experiences: archived spaces take no new files from authors.
			write: read && (moderator || (author && spaceAccess.post(auth, facts)))
		};
	}

	private async readable(auth: Auth, experienceId: string, tx?: Database | Transaction): Promise<FicheAccess> {
		const fiche = await this.fiche(auth, experienceId, tx);
		if (!fiche.read) throw new NotFoundError();
		return fiche;
	}

	private async writable(auth: Auth, experienceId: string, tx?: Database | Transaction): Promise<FicheAccess> {
		const fiche = await this.readable(auth, experienceId, tx);
		if (!fiche.write) throw new ForbiddenError();
		return fiche;
	}

	/** The files of a fiche the caller may read, oldest first. */
	async list(auth: Auth, experienceId: string): Promise<AttachmentOutput[]> {
		await this.readable(auth, experienceId);
		return this.forExperience(experienceId);
	}

	/** No access check: for services that already checked the caller may read the fiche. */
	async forExperience(experienceId: string): Promise<AttachmentOutput[]> {
		const rows = await this.db
			.select()
			.from(experienceAttachments)
			.where(eq(experienceAttachments.experienceId, experienceId))
			.orderBy(asc(experienceAttachments.createdAt), asc(experienceAttachments.id));
		return rows.map(toOutput);
	}

	/**
	 * Attaches a file. Order of the gates: signed in (401), may see the fiche (404), may
	 * change it (403), a name (400), size (400 empty, 413), type from the bytes (400),
	 * at most 20 files (409).
	 */
	async upload(auth: Auth, experienceId: string, input: { filename: string; bytes: Buffer }): Promise<AttachmentOutput> {
		const actor = requireUser(auth);
		const fiche = await this.writable(auth, experienceId);
		const { filename, mimeType, sha256 } = checkUpload(input.filename, input.bytes);
		const storageKey = newStorageKey();
		await this.storage.put(storageKey, input.bytes);
		try {
			const row = await this.db.transaction(async (tx) => {
				// Locks the fiche so that two uploads at once cannot both pass the count.
				await tx.select({ id: experiences.id }).from(experiences).where(eq(experiences.id, experienceId)).for('update');
				const [{ n } = { n: 0 }] = await tx
					.select({ n: count() })
					.from(experienceAttachments)
					.where(eq(experienceAttachments.experienceId, experienceId));
				if (n >= MAX_ATTACHMENTS) throw new TooManyAttachmentsError();
				const [inserted] = await tx
					.insert(experienceAttachments)
					.values({
						experienceId,
						storageKey,
						filename,
						mimeType,
						size: input.bytes.length,
						sha256,
						uploadedBy: actor.user.id
					})
					.returning();
				await recordAudit(tx, actor, {
					action: 'experience.attach',
					spaceId: fiche.spaceId,
					targetType: 'experience',
					targetId: experienceId,
					targetLabel: fiche.title,
					after: { attachmentId: inserted!.id, filename, mimeType, size: input.bytes.length, sha256 }
				});
				return inserted!;
			});
			return toOutput(row);
		} catch (error) {
			await this.storage.delete(storageKey).catch(() => {});
			throw error;
		}
	}

	private async attachment(id: string): Promise<AttachmentRow> {
		const [row] = await this.db.select().from(experienceAttachments).where(eq(experienceAttachments.id, id)).limit(1);
		if (!row) throw new NotFoundError();
		return row;
	}

	/**
	 * The bytes and what to send with them, for whoever may read the fiche (404 otherwise).
	 * `published`: false for a fiche never published, whose files must not be cached.
	 */
	async open(
		auth: Auth,
		attachmentId: string
	): Promise<{ stream: Readable; filename: string; mimeType: string; size: number; sha256: string; published: boolean }> {
		const row = await this.attachment(attachmentId);
		const fiche = await this.readable(auth, row.experienceId);
		const stream = await this.storage.get(row.storageKey).catch(() => {
			throw new NotFoundError();
		});
		return {
			stream,
			filename: row.filename,
			mimeType: row.mimeType,
			size: row.size,
			sha256: row.sha256,
			published: fiche.published
		};
	}

	/** Removes a file (authors and the space's moderators); audited; bytes deleted after commit. */
	async remove(auth: Auth, attachmentId: string): Promise<void> {
		const actor = requireUser(auth);
		const row = await this.attachment(attachmentId);
		const fiche = await this.writable(auth, row.experienceId);
		await this.db.transaction(async (tx) => {
			await tx.delete(experienceAttachments).where(eq(experienceAttachments.id, row.id));
			await recordAudit(tx, actor, {
				action: 'experience.detach',
				spaceId: fiche.spaceId,
				targetType: 'experience',
				targetId: row.experienceId,
				targetLabel: fiche.title,
				before: { attachmentId: row.id, filename: row.filename, mimeType: row.mimeType, size: row.size, sha256: row.sha256 }
			});
		});
		// A failure here leaves an unreferenced file, never a row without its bytes.
		await this.storage.delete(row.storageKey).catch(() => {});
	}
}
