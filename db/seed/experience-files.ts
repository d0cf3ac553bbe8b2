import { deflateSync } from 'node:zlib';

/*
 * Small attachments for the demo fiches, made in code so the repository carries no binary:
 * a one-page PDF written by hand (WinAnsi Helvetica, correct xref offsets) and a PNG chart.
 */

/** A one-page A4 PDF showing `lines` (Latin-1 text: accents and « guillemets » are fine). */
export function minimalPdf(lines: string[]): Buffer {
	const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
	const text = lines
		.map((line, i) => `BT /F1 ${i === 0 ? 20 : 12} Tf 72 ${770 - i * (i === 1 ? 34 : 20)} Td (${escape(line)}) Tj ET`)
		.join('\n');
	const stream = Buffer.from(text, 'latin1');
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
		null, // the content stream, written with its exact length
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'
	];
	const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
	let length = parts[0]!.length;
	const offsets: number[] = [];
	objects.forEach((body, i) => {
		offsets.push(length);
		const chunk =
			body === null
				? Buffer.concat([
						Buffer.from(`${i + 1} 0 obj\n<< /Length ${stream.length} >>\nstream\n`, 'latin1'),
						stream,
						Buffer.from('\nendstream\nendobj\n', 'latin1')
					])
				: Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
		parts.push(chunk);
		length += chunk.length;
	});
	const xref =
		`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
		offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
		`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
	parts.push(Buffer.from(xref, 'latin1'));
	return Buffer.concat(parts);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/**
 * A small RGB PNG bar chart: one bar per value, on a light background with a
 * baseline, as a member would attach a graph of the membership rate over the years.
 */
export function barChartPng(values: number[], width = 240, height = 120): Buffer {
	const background = [250, 248, 243];
	const bar = [31, 111, 92];
	const axis = [90, 90, 90];
	const slot = Math.floor((width - 20) / values.length);
	// The tallest bar reaches four fifths of the height.
	const scale = Math.max(1, ...values) * 1.25;
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		const row = y * (width * 3 + 1);
		raw[row] = 0; // filter: none
		for (let x = 0; x < width; x++) {
			let colour = background;
			const i = Math.floor((x - 10) / slot);
			const inSlot = x >= 10 && i < values.length && (x - 10) % slot >= 4 && (x - 10) % slot < slot - 4;
			const top = height - 10 - Math.round(((height - 20) * (values[i] ?? 0)) / scale);
			if (inSlot && y >= top && y < height - 10) colour = bar;
			if (y === height - 10 && x >= 6 && x < width - 6) colour = axis;
			raw.set(colour, row + 1 + x * 3);
		}
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // truecolour
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0))
	]);
}
