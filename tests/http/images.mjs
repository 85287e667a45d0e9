// tests/http/images.mjs — images the tests make: an RGB PNG of any size whose pixels a
// function gives (so that each test photo can have its own hash), and a PNG header that claims
// any size over almost no data (a decompression bomb). Deflated with node's zlib; the chunks'
// CRC-32 is the one xlsx.mjs uses for zip members (PNG and zip share the polynomial).
import { deflateSync } from 'node:zlib';
import { crc32 } from './xlsx.mjs';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type, data) {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function header(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;	// bit depth
  ihdr[9] = 2;	// RGB
  return chunk('IHDR', ihdr);
}

// A w × h RGB PNG; pixel(x, y) gives [r, g, b] (0–255), by default one flat mid grey.
export function png(w, h, pixel = () => [128, 128, 128]) {
  const stride = 1 + w * 3;	// each row: filter byte 0, then the pixels
  const rows = Buffer.alloc(stride * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = pixel(x, y);
      rows[y * stride + 1 + x * 3] = r & 0xff;
      rows[y * stride + 2 + x * 3] = g & 0xff;
      rows[y * stride + 3 + x * 3] = b & 0xff;
    }
  }
  return Buffer.concat([SIGNATURE, header(w, h), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// A PNG whose header claims w × h pixels over one tiny deflate stream (a bomb when large).
export function pngHeader(w, h) {
  return Buffer.concat([SIGNATURE, header(w, h),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}
