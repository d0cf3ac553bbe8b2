/*
 * Small files of each accepted format, made in code (no binaries in the repository), and
 * disguised ones: what the attachment tests upload.
 */

export const pdf = () =>
	Buffer.from(
		'%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
			'trailer\n<< /Root 1 0 R >>\n%%EOF\n',
		'latin1'
	);

export function png(): Buffer {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const ihdr = Buffer.alloc(25);
	ihdr.writeUInt32BE(13, 0);
	ihdr.write('IHDR', 4, 'latin1');
	ihdr.writeUInt32BE(1, 8);
	ihdr.writeUInt32BE(1, 12);
	ihdr.set([8, 6, 0, 0, 0], 16);
	const idat = Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('IDAT', 'latin1'), Buffer.from([0, 0, 0, 0, 0, 0])]);
	const iend = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('IEND', 'latin1'), Buffer.from([0xae, 0x42, 0x60, 0x82])]);
	return Buffer.concat([signature, ihdr, idat, iend]);
}

export const jpeg = () =>
	Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
		Buffer.from('JFIF\0', 'latin1'),
		Buffer.alloc(20),
		Buffer.from([0xff, 0xd9])
	]);

export const gif = () => Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(20), Buffer.from([0x3b])]);

export function webp(): Buffer {
	const body = Buffer.concat([Buffer.from('WEBPVP8L', 'latin1'), Buffer.alloc(14)]);
	const head = Buffer.alloc(8);
	head.write('RIFF', 0, 'latin1');
	head.writeUInt32LE(body.length, 4);
	return Buffer.concat([head, body]);
}

/** A ZIP archive of stored (uncompressed) entries, with its central directory. */
export function zip(entries: Record<string, string>): Buffer {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const [name, content] of Object.entries(entries)) {
		const nameBytes = Buffer.from(name, 'utf8');
		const data = Buffer.from(content, 'utf8');
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(nameBytes.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt32LE(data.length, 20);
		central.writeUInt32LE(data.length, 24);
		central.writeUInt16LE(nameBytes.length, 28);
		central.writeUInt32LE(offset, 42);
		locals.push(local, nameBytes, data);
		centrals.push(central, nameBytes);
		offset += 30 + nameBytes.length + data.length;
	}
	const directory = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(Object.keys(entries).length, 8);
	end.writeUInt16LE(Object.keys(entries).length, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, directory, end]);
}

const ooxml = (folder: string, main: string) =>
	zip({ '[Content_Types].xml': '<Types/>', '_rels/.rels': '<Relationships/>', [`${folder}/${main}`]: '<x/>' });
export const docx = () => ooxml('word', 'document.xml');
export const xlsx = () => ooxml('xl', 'workbook.xml');
export const pptx = () => ooxml('ppt', 'presentation.xml');
export const odt = () =>
	zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<office:document-content/>' });
export const ods = () =>
	zip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<office:document-content/>' });

/** An OLE compound file whose directory names the main stream of a legacy Office file. */
export function cfb(stream: 'WordDocument' | 'Workbook' | 'PowerPoint Document'): Buffer {
	const bytes = Buffer.alloc(1536);
	Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes, 0);
	Buffer.from('Root Entry', 'utf16le').copy(bytes, 1024);
	Buffer.from(stream, 'utf16le').copy(bytes, 1152);
	return bytes;
}

export const html = () => Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n');
export const svg = () =>
	Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>\n');
/** The start of a Windows executable (MZ … PE). */
export const exe = () =>
	Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(58), Buffer.from('PE\0\0', 'latin1'), Buffer.alloc(200)]);
