import { describe, expect, it } from 'vitest';
import { cleanFilename, contentDisposition } from '../../server/modules/experiences/attachments.service.ts';
import { checkFile, detectBinaryKind, extensionOf } from '../../server/modules/experiences/file-type.ts';
import { cfb, docx, exe, gif, html, jpeg, ods, odt, pdf, png, pptx, svg, webp, xlsx, zip } from '../helpers/files.ts';

describe('attachment type detection', () => {
	it.each([
		['rapport.pdf', pdf(), 'application/pdf'],
		['graphique.png', png(), 'image/png'],
		['photo.jpg', jpeg(), 'image/jpeg'],
		['photo.JPEG', jpeg(), 'image/jpeg'],
		['anim.gif', gif(), 'image/gif'],
		['image.webp', webp(), 'image/webp'],
		['note.docx', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
		['budget.xlsx', xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
		['atelier.pptx', pptx(), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
		['texte.odt', odt(), 'application/vnd.oasis.opendocument.text'],
		['tableau.ods', ods(), 'application/vnd.oasis.opendocument.spreadsheet'],
		['ancien.doc', cfb('WordDocument'), 'application/msword'],
		['ancien.xls', cfb('Workbook'), 'application/vnd.ms-excel'],
		['ancien.ppt', cfb('PowerPoint Document'), 'application/vnd.ms-powerpoint'],
		['notes.txt', Buffer.from('Cotisation : 1 000 FCFA par mois, « à régler » avant le 5.\n'), 'text/plain; charset=utf-8'],
		['adhérents.csv', Buffer.from('pays;membres\nSénégal;1200\n'), 'text/csv; charset=utf-8']
	])('accepts %s', (name, bytes, mime) => {
		expect(checkFile(name, bytes)).toEqual({ ok: true, kind: expect.any(String), mimeType: mime });
	});

	it.each([
		['rapport.pdf', html()],
		['rapport.pdf', svg()],
		['rapport.pdf', exe()],
		['rapport.pdf', png()],
		['image.png', svg()],
		['image.png', html()],
		['image.png', pdf()],
		['photo.jpg', exe()],
		['note.docx', xlsx()],
		['note.docx', odt()],
		['texte.odt', docx()],
		['ancien.doc', cfb('Workbook')],
		['notes.txt', Buffer.from([0x48, 0x00, 0x69])],
		['notes.txt', Buffer.from([0xc3, 0x28, 0x41])],
		['notes.csv', exe()]
	])('refuses %s whose content is something else', (name, bytes) => {
		expect(checkFile(name, bytes)).toMatchObject({ ok: false, reason: 'mismatch' });
	});

	it.each([
		['page.html', html()],
		['dessin.svg', svg()],
		['setup.exe', exe()],
		['archive.zip', zip({ 'a.txt': 'a' })],
		['script.js', Buffer.from('alert(1)')],
		['sans-extension', pdf()],
		['.pdf', pdf()]
	])('refuses %s: a type never accepted', (name, bytes) => {
		expect(checkFile(name, bytes)).toMatchObject({ ok: false, reason: 'unsupported' });
	});

	it('refuses truncated files', () => {
		expect(detectBinaryKind(pdf().subarray(0, 40))).toBeNull();
		expect(detectBinaryKind(png().subarray(0, 8))).toBeNull();
		expect(detectBinaryKind(png().subarray(0, 40))).toBeNull();
		expect(detectBinaryKind(jpeg().subarray(0, 10))).toBeNull();
		expect(detectBinaryKind(gif().subarray(0, 10))).toBeNull();
		expect(detectBinaryKind(webp().subarray(0, 18))).toBeNull();
		expect(detectBinaryKind(docx().subarray(0, 60))).toBeNull();
		expect(detectBinaryKind(docx().subarray(0, docx().length - 5))).toBeNull();
		expect(detectBinaryKind(cfb('WordDocument').subarray(0, 512))).toBeNull();
		expect(detectBinaryKind(Buffer.alloc(0))).toBeNull();
	});

	it('refuses a ZIP without Office entries, a macro-enabled one and an unknown OpenDocument', () => {
		expect(detectBinaryKind(zip({ 'readme.txt': 'bonjour', 'word/x.xml': '<x/>' }))).toBeNull();
		expect(detectBinaryKind(zip({ '[Content_Types].xml': '<Types/>', 'docProps/app.xml': '<x/>' }))).toBeNull();
		expect(
			detectBinaryKind(zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<x/>', 'word/vbaProject.bin': 'x' }))
		).toBeNull();
		expect(detectBinaryKind(zip({ mimetype: 'application/vnd.oasis.opendocument.graphics' }))).toBeNull();
		expect(detectBinaryKind(zip({ mimetype: 'application/zip' }))).toBeNull();
		expect(checkFile('note.docx', zip({ 'readme.txt': 'bonjour' }))).toMatchObject({ ok: false, reason: 'mismatch' });
	});

	it('refuses an OLE file that is no Office document (an installer named .doc)', () => {
		const msi = Buffer.alloc(1536);
		Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(msi, 0);
		expect(checkFile('installeur.doc', msi)).toMatchObject({ ok: false, reason: 'mismatch' });
	});

	it('reads extensions', () => {
		expect(extensionOf('Rapport.Final.PDF')).toBe('pdf');
		expect(extensionOf('.bashrc')).toBe('');
		expect(extensionOf('nom.')).toBe('');
	});
});

describe('attachment file names', () => {
	it('strips folders, control and bidi characters, keeps accents', () => {
		expect(cleanFilename('C:\\Users\\awa\\Rapport annuel été 2024.pdf')).toBe('Rapport annuel été 2024.pdf');
		expect(cleanFilename('../../etc/passwd')).toBe('passwd');
		expect(cleanFilename('rapport\u202Efdp.exe')).toBe('rapportfdp.exe');
		expect(cleanFilename('bilan\n\t\u0000 final.pdf')).toBe('bilan final.pdf');
		expect(cleanFilename('e\u0301te\u0301.pdf')).toBe('été.pdf');
		expect(cleanFilename('  ..caché.pdf.  ')).toBe('caché.pdf');
		expect(cleanFilename('a"b<c>.pdf')).toBe('a_b_c_.pdf');
		expect(cleanFilename('/')).toBe('');
	});

	it('keeps at most 150 characters and the extension', () => {
		const name = cleanFilename(`${'é'.repeat(300)}.pdf`);
		expect(Array.from(name)).toHaveLength(150);
		expect(name.endsWith('é.pdf')).toBe(true);
	});

	it('sends an ASCII fallback and the exact UTF-8 name', () => {
		expect(contentDisposition('Bilan d’activité « 2024 ».pdf')).toBe(
			`attachment; filename="Bilan d_activite _ 2024 _.pdf"; filename*=UTF-8''Bilan%20d%E2%80%99activit%C3%A9%20%C2%AB%202024%20%C2%BB.pdf`
		);
		expect(contentDisposition("l'équipe (1).pdf")).toBe(
			`attachment; filename="l'equipe (1).pdf"; filename*=UTF-8''l%27%C3%A9quipe%20%281%29.pdf`
		);
	});
});
