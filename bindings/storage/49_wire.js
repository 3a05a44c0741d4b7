// The reader of the byte encoding the storage ops (D1, KV) answer with: unsigned
// varints, little-endian float64 and int64, and length-prefixed UTF-8 strings.
// 50_d1.js extends it with D1's typed values; 51_kv.js uses it as it is.

const TWO32 = 4294967296;
const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

priv.WireReader = class WireReader {
  constructor(bytes) {
    this.b = bytes;
    this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.p = 0;
  }
  u8() { return this.b[this.p++]; }
  uvarint() {
    let n = 0, mul = 1, c;
    do {
      c = this.b[this.p++];
      n += (c & 0x7f) * mul;
      mul *= 128;
    } while (c >= 0x80);
    return n;
  }
  f64() { const x = this.v.getFloat64(this.p, true); this.p += 8; return x; }
  i64() {
    const lo = this.v.getUint32(this.p, true), hi = this.v.getInt32(this.p + 4, true);
    this.p += 8;
    return hi * TWO32 + lo;
  }
  bytes(n) { const s = this.b.subarray(this.p, this.p + n); this.p += n; return s; }
  str() {
    const n = this.uvarint();
    const start = this.p;
    this.p += n;
    const b = this.b;
    if (n < 64) {
      let ascii = true;
      for (let i = start; i < start + n; i++) if (b[i] >= 0x80) { ascii = false; break; }
      if (ascii) return String.fromCharCode.apply(null, b.subarray(start, start + n));
    }
    return textDecoder.decode(b.subarray(start, start + n));
  }
};
