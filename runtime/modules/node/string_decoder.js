// node:string_decoder for nodejs_compat: decodes Buffers to strings across chunk
// boundaries without splitting multi-byte characters (utf8, utf16le) or base64 groups.
import { Buffer } from "node:buffer";

function normEncoding(enc) {
  const e = enc === undefined || enc === null || enc === "" ? "utf8" : String(enc).toLowerCase();
  switch (e) {
    case "utf8": case "utf-8": return "utf8";
    case "ucs2": case "ucs-2": case "utf16le": case "utf-16le": return "utf16le";
    case "latin1": case "binary": return "latin1";
    case "base64": case "base64url": case "hex": case "ascii": return e;
  }
  const err = new TypeError("Unknown encoding: " + enc);
  err.code = "ERR_UNKNOWN_ENCODING";
  throw err;
}

function toBytes(buf) {
  if (typeof buf === "string") return Buffer.from(buf);
  if (buf instanceof Uint8Array) return buf;
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const e = new TypeError('The "buf" argument must be an instance of Buffer, TypedArray, or DataView.');
  e.code = "ERR_INVALID_ARG_TYPE";
  throw e;
}

class StringDecoder {
  constructor(encoding) {
    this.encoding = normEncoding(encoding);
    this._pending = new Uint8Array(0);
    if (this.encoding === "utf8") this._utf8 = new TextDecoder("utf-8");
  }

  write(buf) {
    const bytes = toBytes(buf);
    switch (this.encoding) {
      case "utf8":
        return this._utf8.decode(bytes, { stream: true });
      case "utf16le":
      case "base64":
      case "base64url": {
        const all = this._pending.length ? Buffer.concat([this._pending, bytes]) : bytes;
        let n = this.encoding === "utf16le" ? all.length - (all.length % 2) : all.length - (all.length % 3);
        // A utf16le high surrogate waits for its low half.
        if (this.encoding === "utf16le" && n >= 2) {
          const last = all[n - 2] | (all[n - 1] << 8);
          if (last >= 0xd800 && last <= 0xdbff) n -= 2;
        }
        this._pending = Uint8Array.prototype.slice.call(all, n);
        return Buffer.from(all.buffer, all.byteOffset, n).toString(this.encoding);
      }
      default:
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(this.encoding);
    }
  }

  end(buf) {
    let out = buf === undefined ? "" : this.write(buf);
    if (this.encoding === "utf8") {
      out += this._utf8.decode();
    } else if (this._pending.length) {
      const p = this._pending;
      this._pending = new Uint8Array(0);
      out += this.encoding === "utf16le" ? Buffer.from(p.buffer, p.byteOffset, p.length - (p.length % 2)).toString("utf16le")
        : Buffer.from(p.buffer, p.byteOffset, p.length).toString(this.encoding);
    }
    return out;
  }

  text(buf, offset) {
    return this.write(toBytes(buf).subarray(offset));
  }
}

export { StringDecoder };
export default { StringDecoder };
