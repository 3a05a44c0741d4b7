// Self-checking: TextDecoder and TextDecoderStream over the legacy single-byte encodings
// of the Encoding Standard (and x-user-defined). Answers "ok" or the failures.
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
const bytes = (...b) => new Uint8Array(b);
const decode = (label, b, opts) => new TextDecoder(label, opts).decode(b);

const singleByte = [
  "ibm866", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7",
  "iso-8859-8", "iso-8859-8-i", "iso-8859-10", "iso-8859-13", "iso-8859-14", "iso-8859-15",
  "iso-8859-16", "koi8-r", "koi8-u", "macintosh", "windows-874", "windows-1250", "windows-1251",
  "windows-1252", "windows-1253", "windows-1254", "windows-1255", "windows-1256", "windows-1257",
  "windows-1258", "x-mac-cyrillic", "x-user-defined",
];

async function run() {
  const ascii = new Uint8Array(128).map((_, i) => i);
  const asciiText = String.fromCharCode(...ascii);
  for (const enc of singleByte) {
    const d = new TextDecoder(enc);
    eq(`${enc} name`, d.encoding, enc);
    eq(`${enc} ASCII bytes`, d.decode(ascii), asciiText);
    // Every byte decodes to exactly one code unit.
    const all = new Uint8Array(256).map((_, i) => i);
    eq(`${enc} 256 bytes → 256 units`, d.decode(all).length, 256);
  }

  // Labels: the standard's label table, ASCII case-insensitive, whitespace trimmed.
  for (const [label, name] of [
    ["latin1", "windows-1252"], ["ascii", "windows-1252"], ["iso-8859-1", "windows-1252"],
    ["us-ascii", "windows-1252"], ["ISO_8859-1:1987", "windows-1252"], ["cp1252", "windows-1252"],
    ["iso-8859-9", "windows-1254"], ["iso-8859-11", "windows-874"], ["dos-874", "windows-874"],
    ["866", "ibm866"], ["csisolatin2", "iso-8859-2"], ["\t L2 \n", "iso-8859-2"],
    ["koi", "koi8-r"], ["koi8-ru", "koi8-u"], ["mac", "macintosh"], ["x-mac-ukrainian", "x-mac-cyrillic"],
    ["visual", "iso-8859-8"], ["logical", "iso-8859-8-i"], ["iso-8859-6-i", "iso-8859-6"],
    ["x-cp1250", "windows-1250"], ["greek8", "iso-8859-7"], ["l9", "iso-8859-15"],
  ]) {
    eq(`label ${JSON.stringify(label)}`, new TextDecoder(label).encoding, name);
  }
  throws("Kelvin sign is not K", () => new TextDecoder("\u212Aoi8-r"), "RangeError");
  throws("iso-8859-12 does not exist", () => new TextDecoder("iso-8859-12"), "RangeError");
  throws("replacement labels", () => new TextDecoder("iso-2022-kr"), "RangeError");
  eq("multi-byte encodings too", new TextDecoder("euc-kr").encoding, "euc-kr"); // encoding-cjk tests them

  // Mappings, spot-checked against the index tables.
  eq("windows-1252 C1 range", decode("latin1", bytes(0x80, 0x81, 0x8d, 0x9f, 0xa0, 0xe9, 0xff)), "\u20ac\u0081\u008d\u0178\u00a0\u00e9\u00ff");
  eq("ibm866", decode("ibm866", bytes(0x80, 0xaf, 0xe0, 0xf0, 0xff)), "\u0410\u043f\u0440\u0401\u00a0");
  eq("iso-8859-2", decode("iso-8859-2", bytes(0xa1, 0xb1, 0xe6, 0xff)), "\u0104\u0105\u0107\u02d9");
  eq("iso-8859-5", decode("iso-8859-5", bytes(0xa1, 0xb0, 0xf0, 0xfd)), "\u0401\u0410\u2116\u00a7");
  eq("iso-8859-7 euro", decode("iso-8859-7", bytes(0xa4, 0xc1)), "\u20ac\u0391");
  eq("iso-8859-15 euro", decode("iso-8859-15", bytes(0xa4, 0xbd)), "\u20ac\u0153");
  eq("koi8-r", decode("koi8-r", bytes(0xc1, 0xe1, 0xa3, 0xb3)), "\u0430\u0410\u0451\u0401");
  eq("koi8-u (2016 index)", decode("koi8-u", bytes(0xa4, 0xae, 0xbe)), "\u0454\u045e\u040e");
  eq("macintosh", decode("macintosh", bytes(0x80, 0xa5, 0xdb, 0xf0)), "\u00c4\u2022\u20ac\uf8ff");
  eq("x-mac-cyrillic", decode("x-mac-cyrillic", bytes(0x80, 0xdf, 0xff)), "\u0410\u044f\u20ac");
  eq("windows-1251", decode("windows-1251", bytes(0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2)), "Привет");
  eq("windows-1255 0xCA", decode("windows-1255", bytes(0xca)), "\u05ba");
  eq("windows-874", decode("windows-874", bytes(0x80, 0xa1, 0xfb, 0xfc)), "\u20ac\u0e01\u0e5b\ufffd");
  eq("x-user-defined", decode("x-user-defined", bytes(0x41, 0x80, 0xff)), "A\uf780\uf7ff");

  // Bytes the index has no code point for: U+FFFD, or a TypeError when fatal.
  eq("iso-8859-3 hole", decode("iso-8859-3", bytes(0x61, 0xa5, 0x62)), "a\ufffdb");
  throws("iso-8859-3 hole fatal", () => decode("iso-8859-3", bytes(0xa5), { fatal: true }), "TypeError");
  throws("iso-8859-6 hole fatal", () => decode("iso-8859-6", bytes(0xa1), { fatal: true }), "TypeError");
  throws("windows-1253 hole fatal", () => decode("windows-1253", bytes(0xaa), { fatal: true }), "TypeError");
  eq("fatal without holes", decode("windows-1252", bytes(0x81, 0x8d, 0x8f, 0x90, 0x9d), { fatal: true }), "\u0081\u008d\u008f\u0090\u009d");
  eq("decoder usable after a fatal error", (() => {
    const d = new TextDecoder("iso-8859-8", { fatal: true });
    try { d.decode(bytes(0xa1)); } catch { /* expected */ }
    return d.decode(bytes(0xe0));
  })(), "\u05d0");

  // No BOM sniffing outside UTF-8/UTF-16: the bytes of a UTF-8 BOM are three characters.
  eq("no BOM removal", decode("windows-1252", bytes(0xef, 0xbb, 0xbf, 0x61)), "\u00ef\u00bb\u00bfa");

  // Streaming: single-byte decoders keep no state between chunks.
  const d = new TextDecoder("koi8-r");
  eq("streaming", d.decode(bytes(0xf0, 0xd2), { stream: true }) + d.decode(bytes(0xc9)), "\u041f\u0440\u0438");
  eq("views", decode("windows-1251", new DataView(bytes(0, 0xc0, 0xc1).buffer, 1)), "\u0410\u0411");
  eq("ArrayBuffer", decode("windows-1251", bytes(0xc0).buffer), "\u0410");

  // A large buffer (the ASCII fast path and the table path).
  eq("large", decode("iso-8859-5", new Uint8Array(200000).fill(0xb0)), "\u0410".repeat(200000));

  // TextDecoderStream reaches the same decoders.
  const ts = new TextDecoderStream("windows-1252");
  eq("stream encoding", ts.encoding, "windows-1252");
  const w = ts.writable.getWriter();
  w.write(bytes(0x80, 0x41));
  w.write(bytes(0xe9));
  w.close();
  let out = "";
  for await (const s of ts.readable) out += s;
  eq("TextDecoderStream windows-1252", out, "\u20acA\u00e9");
  const fatal = new TextDecoderStream("iso-8859-3", { fatal: true });
  const fw = fatal.writable.getWriter();
  fw.write(bytes(0xa5)).catch(() => {});
  fw.close().catch(() => {});
  try {
    for await (const s of fatal.readable) void s;
    failures.push("fatal TextDecoderStream: no error");
  } catch (e) {
    eq("fatal TextDecoderStream error", e.name, "TypeError");
  }
}

export default {
  async fetch() {
    try { await run(); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
