// tests/http/xlsx.mjs — build small XLSX workbooks in the tests, with node's zlib (deflate,
// and crc32 where this Node.js has it: Debian 12's Node.js 18 does not, so a table-driven
// CRC-32 stands in) and a hand-written zip: shared strings, inline strings, numbers and dates as Excel serial numbers, so the
// server's reader is tested on what Excel and WPS write.
import zlib from 'node:zlib';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colName(i) {
  let s = '';
  for (i += 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

// Excel's serial day for a YYYY-MM-DD date (1900 system)
export function excelSerial(iso) {
  return Math.round(Date.parse(iso + 'T00:00:00Z') / 86400000) + 25569;
}

// rows: arrays of cells; a cell is a string (shared string), {inline: 'text'}, a number,
// {date: 'YYYY-MM-DD'} (a serial number), or null (left out).
export function makeXlsx(rows) {
  const shared = [];
  const index = new Map();
  const sheetRows = rows.map((row, r) => {
    const cells = row.map((v, c) => {
      if (v === null || v === undefined) return '';
      const ref = `${colName(c)}${r + 1}`;
      if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
      if (v.date) return `<c r="${ref}" s="1"><v>${excelSerial(v.date)}</v></c>`;
      if (v.inline !== undefined) return `<c r="${ref}" t="inlineStr"><is><t>${esc(v.inline)}</t></is></c>`;
      if (!index.has(v)) { index.set(v, shared.length); shared.push(v); }
      return `<c r="${ref}" t="s"><v>${index.get(v)}</v></c>`;
    }).join('');
    return `<row r="${r + 1}">${cells}</row>`;
  }).join('');
  const files = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="台账" sheetId="1"/></sheets></workbook>',
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
  };
  return zip(files);
}

function zip(files) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    // a member is XML text, or {deflated, crc, length} already compressed
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : null;
    const deflated = data ? zlib.deflateRawSync(data) : content.deflated;
    const crc = data ? crc32(data) : content.crc;
    const size = data ? data.length : content.length;
    const nameBuf = Buffer.from(name, 'utf8');
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(0x0800, 6); h.writeUInt16LE(8, 8);
    h.writeUInt32LE(crc, 14); h.writeUInt32LE(deflated.length, 18); h.writeUInt32LE(size, 22);
    h.writeUInt16LE(nameBuf.length, 26);
    locals.push(h, nameBuf, deflated);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10); c.writeUInt32LE(crc, 16); c.writeUInt32LE(deflated.length, 20);
    c.writeUInt32LE(size, 24); c.writeUInt16LE(nameBuf.length, 28); c.writeUInt32LE(offset, 42);
    central.push(c, nameBuf);
    offset += h.length + nameBuf.length + deflated.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// CRC-32 (the zip one), incremental: node 18 (Debian 12) has no zlib.crc32.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
export function crc32(buf, crc = 0) {
  if (zlib.crc32) return zlib.crc32(buf, crc);
  let c = ~crc >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// A zip bomb in XLSX form: a workbook whose first worksheet (or `member`) is `head`, then
// `size` bytes of `fill` repeated, then `tail`, deflated as it is generated (never held whole
// in memory), so a few hundred MB of XML become a file of a few hundred KB; the zip headers
// claim `declared` bytes inflated if given (a lie), else the truth. Resolves to a Buffer.
export async function makeXlsxBomb({ size = 256 << 20, fill = 'A',
  head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
  tail = '</t></is></c></row></sheetData></worksheet>', member = 'xl/worksheets/sheet1.xml', declared } = {}) {
  const chunk = Buffer.alloc(1 << 20, fill);
  const deflater = zlib.createDeflateRaw({ level: 9 });
  const parts = [];
  deflater.on('data', (d) => parts.push(d));
  const done = new Promise((resolve, reject) => { deflater.on('end', resolve); deflater.on('error', reject); });
  const write = (b) => new Promise((resolve) => { if (deflater.write(b)) resolve(); else deflater.once('drain', resolve); });
  let crc = 0;
  let length = 0;
  const feed = async (b) => { crc = crc32(b, crc); length += b.length; await write(b); };
  await feed(Buffer.from(head, 'utf8'));
  for (let left = size; left > 0; left -= chunk.length) await feed(left >= chunk.length ? chunk : chunk.subarray(0, left));
  await feed(Buffer.from(tail, 'utf8'));
  deflater.end();
  await done;
  const files = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="台账" sheetId="1"/></sheets></workbook>',
  };
  if (member !== 'xl/worksheets/sheet1.xml')
    files['xl/worksheets/sheet1.xml'] = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>';
  // declared: the inflated size the zip headers claim, when they lie (the real one by default)
  files[member] = { deflated: Buffer.concat(parts), crc, length: declared ?? length };
  return zip(files);
}

// The text of a workbook's shared strings and inline strings (what an export wrote), read
// through the zip's central directory: enough to check what an XLSX export says.
export function xlsxText(buf) {
  let end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip');
  let p = buf.readUInt32LE(end + 16);
  const out = [];
  for (let n = buf.readUInt16LE(end + 10); n > 0; n--) {
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nl = buf.readUInt16LE(p + 28), el = buf.readUInt16LE(p + 30), cl = buf.readUInt16LE(p + 32);
    const name = buf.subarray(p + 46, p + 46 + nl).toString();
    const local = buf.readUInt32LE(p + 42);
    if (/^xl\/(sharedStrings|worksheets\/sheet\d+)\.xml$/.test(name)) {
      const from = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(from, from + size);
      out.push((method === 8 ? zlib.inflateRawSync(raw) : raw).toString());
    }
    p += 46 + nl + el + cl;
  }
  return out.join('\n').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
