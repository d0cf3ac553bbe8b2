/**
 * What a file attached to a fiche really is, read from its bytes. The name and the client's
 * Content-Type are never trusted: a type is accepted only when the content is one of the
 * formats below *and* the extension names that same format. Everything else (HTML, SVG,
 * scripts, executables, archives, truncated files) is refused.
 */

/** A format we accept, keyed by the extensions that may carry it. */
export interface AcceptedType {
	/** Sent back as Content-Type when the file is downloaded. */
	mime: string;
	extensions: readonly string[];
	/** Catalogue key naming the format with its article, for messages: « un PDF ». */
	label: string;
}

export const acceptedTypes = {
	pdf: { mime: 'application/pdf', extensions: ['pdf'], label: 'att_kind_pdf' },
	png: { mime: 'image/png', extensions: ['png'], label: 'att_kind_png' },
	jpeg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'att_kind_jpeg' },
	gif: { mime: 'image/gif', extensions: ['gif'], label: 'att_kind_gif' },
	webp: { mime: 'image/webp', extensions: ['webp'], label: 'att_kind_webp' },
	docx: {
		mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
		extensions: ['docx'],
		label: 'att_kind_word'
	},
	xlsx: {
		mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		extensions: ['xlsx'],
		label: 'att_kind_excel'
	},
	pptx: {
		mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
		extensions: ['pptx'],
		label: 'att_kind_powerpoint'
	},
	odt: { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'att_kind_odt' },
	ods: { mime: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'], label: 'att_kind_ods' },
	odp: { mime: 'application/vnd.oasis.opendocument.presentation', extensions: ['odp'], label: 'att_kind_odp' },
	doc: { mime: 'application/msword', extensions: ['doc'], label: 'att_kind_word' },
	xls: { mime: 'application/vnd.ms-excel', extensions: ['xls'], label: 'att_kind_excel' },
	ppt: { mime: 'application/vnd.ms-powerpoint', extensions: ['ppt'], label: 'att_kind_powerpoint' },
	txt: { mime: 'text/plain; charset=utf-8', extensions: ['txt'], label: 'att_kind_text' },
	csv: { mime: 'text/csv; charset=utf-8', extensions: ['csv'], label: 'att_kind_csv' }
} as const satisfies Record<string, AcceptedType>;

export type FileKind = keyof typeof acceptedTypes;

/** The extension (lower case, without the dot) of a file name, or '' when it has none. */
export function extensionOf(filename: string): string {
	const dot = filename.lastIndexOf('.');
	return dot > 0 && dot < filename.length - 1 ? filename.slice(dot + 1).toLowerCase() : '';
}

/** The format an extension announces, or null when we accept no file with that extension. */
export function kindForExtension(extension: string): FileKind | null {
	for (const [kind, type] of Object.entries(acceptedTypes) as [FileKind, AcceptedType][]) {
		if (type.extensions.includes(extension)) return kind;
	}
	return null;
}

const ascii = (text: string) => Buffer.from(text, 'latin1');
const startsWith = (bytes: Buffer, prefix: Buffer, at = 0) =>
	bytes.length >= at + prefix.length && bytes.subarray(at, at + prefix.length).equals(prefix);
/** `needle` within the last `window` bytes (trailing padding some writers add is tolerated). */
const inTail = (bytes: Buffer, needle: Buffer | number, window: number) => {
	const at = bytes.lastIndexOf(needle);
	return at >= 0 && at >= bytes.length - window;
};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const JPEG_END = Buffer.from([0xff, 0xd9]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_LOCAL = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

function isPng(bytes: Buffer): boolean {
	// Signature, then the IHDR chunk (length 13), and the IEND chunk at the end: not truncated.
	return (
		startsWith(bytes, PNG) &&
		bytes.length >= 8 + 25 + 12 &&
		bytes.readUInt32BE(8) === 13 &&
		startsWith(bytes, ascii('IHDR'), 12) &&
		inTail(bytes, ascii('IEND'), 64)
	);
}

function isJpeg(bytes: Buffer): boolean {
	return startsWith(bytes, JPEG) && bytes.length >= 16 && inTail(bytes, JPEG_END, 1024);
}

function isGif(bytes: Buffer): boolean {
	if (!(startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) || bytes.length < 14) return false;
	// Ends with the trailer byte 0x3B, possibly followed by padding.
	return inTail(bytes, 0x3b, 16);
}

function isWebp(bytes: Buffer): boolean {
	if (!startsWith(bytes, ascii('RIFF')) || !startsWith(bytes, ascii('WEBP'), 8) || bytes.length < 20) return false;
	const declared = bytes.readUInt32LE(4) + 8;
	const chunk = bytes.subarray(12, 16).toString('latin1');
	return declared <= bytes.length && ['VP8 ', 'VP8L', 'VP8X'].includes(chunk);
}

function isPdf(bytes: Buffer): boolean {
	// Readers look for %%EOF in the last 1024 bytes; a truncated upload lacks it.
	return startsWith(bytes, ascii('%PDF-')) && inTail(bytes, ascii('%%EOF'), 1024);
}

interface ZipEntry {
	name: string;
	method: number;
	compressedSize: number;
	localOffset: number;
}

/** The entries of a ZIP archive, from its central directory; null when it is not a whole ZIP. */
export function zipEntries(bytes: Buffer): ZipEntry[] | null {
	if (!startsWith(bytes, ZIP_LOCAL) || bytes.length < 22) return null;
	// The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
	const end = bytes.lastIndexOf(ZIP_END);
	if (end < 0 || end < bytes.length - 22 - 0xffff || end + 22 > bytes.length) return null;
	const count = bytes.readUInt16LE(end + 10);
	const size = bytes.readUInt32LE(end + 12);
	let at = bytes.readUInt32LE(end + 16);
	if (at + size > end) return null;
	const entries: ZipEntry[] = [];
	for (let i = 0; i < count; i++) {
		if (at + 46 > end || bytes.readUInt32LE(at) !== ZIP_CENTRAL) return null;
		const nameLength = bytes.readUInt16LE(at + 28);
		const extraLength = bytes.readUInt16LE(at + 30);
		const commentLength = bytes.readUInt16LE(at + 32);
		if (at + 46 + nameLength > end) return null;
		entries.push({
			name: bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
			method: bytes.readUInt16LE(at + 10),
			compressedSize: bytes.readUInt32LE(at + 20),
			localOffset: bytes.readUInt32LE(at + 42)
		});
		at += 46 + nameLength + extraLength + commentLength;
	}
	return entries;
}

/** The bytes of a stored (uncompressed) entry, as ODF's `mimetype` must be. */
function storedContent(bytes: Buffer, entry: ZipEntry): Buffer | null {
	if (entry.method !== 0) return null;
	const at = entry.localOffset;
	if (!startsWith(bytes, ZIP_LOCAL, at) || at + 30 > bytes.length) return null;
	const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
	if (start + entry.compressedSize > bytes.length) return null;
	return bytes.subarray(start, start + entry.compressedSize);
}

const opendocument: Record<string, FileKind> = {
	'application/vnd.oasis.opendocument.text': 'odt',
	'application/vnd.oasis.opendocument.spreadsheet': 'ods',
	'application/vnd.oasis.opendocument.presentation': 'odp'
};

function zipKind(bytes: Buffer): FileKind | null {
	const entries = zipEntries(bytes);
	if (!entries) return null;
	const names = entries.map((e) => e.name);
	// Macro-enabled documents renamed .docx/.xlsx/.pptx are refused.
	if (names.some((n) => /vbaProject\.bin$/i.test(n))) return null;
	if (names.includes('[Content_Types].xml')) {
		if (names.some((n) => n.startsWith('word/'))) return 'docx';
		if (names.some((n) => n.startsWith('xl/'))) return 'xlsx';
		if (names.some((n) => n.startsWith('ppt/'))) return 'pptx';
		return null;
	}
	const mimetype = entries.find((e) => e.name === 'mimetype');
	const content = mimetype && storedContent(bytes, mimetype);
	return content ? (opendocument[content.toString('latin1').trim()] ?? null) : null;
}

const utf16 = (text: string) => Buffer.from(text, 'utf16le');

/**
 * Legacy Office files are OLE compound files; which application wrote one is told by the
 * name of its main stream, stored in UTF-16 in the directory (installers share the format).
 */
function cfbKind(bytes: Buffer): FileKind | null {
	if (!startsWith(bytes, CFB) || bytes.length < 1024) return null;
	if (bytes.includes(utf16('WordDocument'))) return 'doc';
	if (bytes.includes(utf16('Workbook')) || bytes.includes(utf16('Book\0'))) return 'xls';
	if (bytes.includes(utf16('PowerPoint Document'))) return 'ppt';
	return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8Text(bytes: Buffer): boolean {
	if (bytes.includes(0)) return false;
	try {
		utf8.decode(bytes);
		return true;
	} catch {
		return false;
	}
}

/** The binary format of the bytes, or null when it is none we accept (text is decided apart). */
export function detectBinaryKind(bytes: Buffer): FileKind | null {
	if (isPdf(bytes)) return 'pdf';
	if (isPng(bytes)) return 'png';
	if (isJpeg(bytes)) return 'jpeg';
	if (isGif(bytes)) return 'gif';
	if (isWebp(bytes)) return 'webp';
	if (startsWith(bytes, ZIP_LOCAL)) return zipKind(bytes);
	if (startsWith(bytes, CFB)) return cfbKind(bytes);
	return null;
}

export type FileCheck =
	| { ok: true; kind: FileKind; mimeType: string }
	/** `unsupported`: no file with this extension is accepted; `mismatch`: content ≠ extension. */
	| { ok: false; reason: 'unsupported' | 'mismatch'; expected: FileKind | null };

/** Accepts the file when its bytes are the format its extension names. */
export function checkFile(filename: string, bytes: Buffer): FileCheck {
	const expected = kindForExtension(extensionOf(filename));
	if (!expected) return { ok: false, reason: 'unsupported', expected: null };
	const found = expected === 'txt' || expected === 'csv' ? (isUtf8Text(bytes) ? expected : null) : detectBinaryKind(bytes);
	if (found !== expected) return { ok: false, reason: 'mismatch', expected };
	return { ok: true, kind: found, mimeType: acceptedTypes[found].mime };
}
