// Self-checking: TextEncoder, TextDecoder, atob/btoa. Answers "ok" or the failures.
const failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
function throws(name, fn, errName) {
  try {
    fn();
    failures.push(`${name}: did not throw`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: threw ${e.name} (${e.message}), want ${errName}`);
  }
}

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");

async function run() {
  const enc = new TextEncoder();
  eq("encoding", enc.encoding, "utf-8");
  eq("ascii", hex(enc.encode("abc")), "616263");
  eq("2/3/4-byte", hex(enc.encode("é€😀")), "c3a9e282acf09f9880");
  eq("lone surrogate", hex(enc.encode("a\ud800b")), "61efbfbd62");
  eq("lone trail surrogate", hex(enc.encode("\udc00")), "efbfbd");
  eq("empty", enc.encode().length, 0);
  eq("undefined → empty", enc.encode(undefined).length, 0);
  eq("null → 'null'", hex(enc.encode(null)), "6e756c6c");
  eq("returns Uint8Array", enc.encode("x") instanceof Uint8Array, true);
  const dest = new Uint8Array(5);
  eq("encodeInto partial", enc.encodeInto("a€€", dest), { read: 2, written: 4 });
  eq("encodeInto bytes", hex(dest), "61e282ac00");
  eq("encodeInto surrogate pair atomic", enc.encodeInto("😀", new Uint8Array(3)), { read: 0, written: 0 });
  throws("encodeInto needs Uint8Array", () => enc.encodeInto("a", new Uint16Array(2)), "TypeError");

  const dec = new TextDecoder();
  eq("decoder defaults", [dec.encoding, dec.fatal, dec.ignoreBOM], ["utf-8", false, false]);
  eq("decode", dec.decode(new Uint8Array([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80])), "é€😀");
  eq("decode ArrayBuffer", dec.decode(new Uint8Array([104, 105]).buffer), "hi");
  eq("decode DataView", dec.decode(new DataView(new Uint8Array([0, 104, 105]).buffer, 1)), "hi");
  eq("decode nothing", dec.decode(), "");
  eq("BOM stripped", dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), "a");
  eq("BOM kept with ignoreBOM", new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), "\ufeffa");
  eq("invalid replaced", dec.decode(new Uint8Array([0x61, 0xff, 0x62])), "a\ufffdb");
  eq("overlong replaced", dec.decode(new Uint8Array([0xc0, 0xaf])), "\ufffd\ufffd");
  eq("surrogate code point replaced", dec.decode(new Uint8Array([0xed, 0xa0, 0x80])), "\ufffd\ufffd\ufffd");
  eq("truncated sequence", dec.decode(new Uint8Array([0xe2, 0x82])), "\ufffd");
  eq("truncated then ascii", dec.decode(new Uint8Array([0xe2, 0x82, 0x41])), "\ufffdA");
  eq("above U+10FFFF", dec.decode(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), "\ufffd\ufffd\ufffd\ufffd");
  throws("fatal", () => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])), "TypeError");
  throws("fatal truncated", () => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xe2, 0x82])), "TypeError");

  // Streaming: a multi-byte character split over calls.
  const s = new TextDecoder();
  const bytes = enc.encode("x€😀y");
  let out = "";
  for (const b of bytes) out += s.decode(new Uint8Array([b]), { stream: true });
  out += s.decode();
  eq("stream byte by byte", out, "x€😀y");
  const s2 = new TextDecoder();
  eq("stream leftover flushed", s2.decode(new Uint8Array([0xe2]), { stream: true }) + s2.decode(), "\ufffd");
  const s3 = new TextDecoder();
  eq("BOM only at stream start", s3.decode(new Uint8Array([0xef, 0xbb]), { stream: true }) + s3.decode(new Uint8Array([0xbf, 0xef, 0xbb, 0xbf]), { stream: true }) + s3.decode(), "\ufeff");

  for (const label of ["utf-8", "UTF8", " unicode-1-1-utf-8 ", "utf8", "x-unicode20utf8"]) {
    eq(`label ${label}`, new TextDecoder(label).encoding, "utf-8");
  }
  eq("utf-16le", new TextDecoder("utf-16le").decode(new Uint8Array([0x61, 0, 0x3d, 0xd8, 0x00, 0xde])), "a😀");
  eq("utf-16 label", new TextDecoder("utf-16").encoding, "utf-16le");
  eq("utf-16be", new TextDecoder("utf-16be").decode(new Uint8Array([0, 0x61, 0x20, 0xac])), "a€");
  eq("utf-16le BOM", new TextDecoder("utf-16le").decode(new Uint8Array([0xff, 0xfe, 0x61, 0])), "a");
  throws("unknown label", () => new TextDecoder("nope"), "RangeError");
  eq("shift_jis", new TextDecoder("shift_jis").decode(new Uint8Array([0x93, 0xfa])), "日");
  throws("replacement label", () => new TextDecoder("replacement"), "RangeError");
  eq("large ascii", dec.decode(new Uint8Array(100000).fill(0x61)).length, 100000);
  eq("large mixed", dec.decode(enc.encode("é".repeat(50000))), "é".repeat(50000));

  // atob / btoa (forgiving-base64)
  eq("btoa", [btoa(""), btoa("f"), btoa("fo"), btoa("foo"), btoa("\u00ff\u00fe")], ["", "Zg==", "Zm8=", "Zm9v", "//4="]);
  throws("btoa non-latin1", () => btoa("€"), "InvalidCharacterError");
  eq("atob", [atob(""), atob("Zg=="), atob("Zg"), atob("Zm8="), atob("Zm9v"), atob(" Z m 9\tv\n")], ["", "f", "f", "fo", "foo", "foo"]);
  eq("atob binary", atob("//4="), "\u00ff\u00fe");
  for (const bad of ["Z", "Zg=", "Zg===", "Z===", "Zm9v=", "Zg=a", "Z-==", "Zm9v\u00ff", "=Zg="]) {
    throws(`atob invalid ${JSON.stringify(bad)}`, () => atob(bad), "InvalidCharacterError");
  }
  eq("atob error is DOMException", (() => { try { atob("*"); } catch (e) { return [e instanceof DOMException, e.code]; } })(), [true, 5]);
  eq("atob(undefined)", (() => { try { return atob(undefined); } catch (e) { return e.name; } })(), "InvalidCharacterError");
  eq("atob(null)", atob(null), "\u009e\u00e9e");
  throws("atob no argument", () => atob(), "TypeError");
  eq("round trip", atob(btoa("\u0000\u0001binary\u00ff")), "\u0000\u0001binary\u00ff");
}

export default {
  async fetch(request) {
    try { await run(request); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
