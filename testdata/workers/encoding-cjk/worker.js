// Self-checking: TextDecoder and TextDecoderStream over the legacy multi-byte encodings of
// the Encoding Standard (gb18030, GBK, Big5, EUC-JP, ISO-2022-JP, Shift_JIS, EUC-KR),
// which decode in Go (bindings/encoding). Answers "ok" or the failures.
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

// Each encoding: bytes and their text (valid), plus a malformed input and its
// replacement decoding.
const samples = {
  "gb18030": [bytes(0xd6, 0xd0, 0xce, 0xc4, 0x80, 0x81, 0x30, 0x81, 0x30, 0x90, 0x30, 0x81, 0x30), "中文\u20ac\u0080\u{10000}",
    bytes(0x61, 0x81, 0x30, 0xff, 0x62), "a\ufffd0\ufffdb"],
  "gbk": [bytes(0xd6, 0xd0, 0xce, 0xc4, 0xa6, 0xd9, 0xfe, 0x59), "中文\ufe10\u9fb4",
    bytes(0x81, 0x28), "\ufffd("],
  "big5": [bytes(0xa4, 0xa4, 0xa4, 0xe5, 0x88, 0x62, 0x87, 0x45), "中文\u00ca\u0304\u{27267}",
    bytes(0xa4, 0x40 - 1, 0x80), "\ufffd?\ufffd"],
  "euc-jp": [bytes(0xc6, 0xfc, 0xcb, 0xdc, 0xb8, 0xec, 0x8e, 0xb1, 0x8f, 0xa2, 0xaf), "日本語\uff71\u02d8",
    bytes(0x8f, 0xa2, 0x41, 0xa4), "\ufffdA\ufffd"],
  "iso-2022-jp": [bytes(0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x38, 0x6c, 0x1b, 0x28, 0x4a, 0x5c, 0x1b, 0x28, 0x49, 0x31, 0x1b, 0x28, 0x42, 0x41),
    "日本語\u00a5\uff71A", bytes(0x1b, 0x24, 0x50), "\ufffd$P"],
  "shift_jis": [bytes(0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0xb1, 0x80, 0xf0, 0x40, 0xfa, 0x40), "日本語\uff71\u0080\ue000\u2170",
    bytes(0x82, 0x20, 0xa0), "\ufffd \ufffd"],
  "euc-kr": [bytes(0xc7, 0xd1, 0xb1, 0xb9, 0xbe, 0xee), "한국어",
    bytes(0x81, 0x5b, 0xff), "\ufffd[\ufffd"],
};

// Decodes `b` with `label` in chunks cut at `cuts`, streaming.
function chunked(label, b, cuts, opts) {
  const d = new TextDecoder(label, opts);
  let out = "", prev = 0;
  for (const c of cuts) {
    out += d.decode(b.subarray(prev, c), { stream: true });
    prev = c;
  }
  return out + d.decode(b.subarray(prev));
}

async function streamed(label, chunks, opts) {
  const ts = new TextDecoderStream(label, opts);
  const w = ts.writable.getWriter();
  for (const c of chunks) w.write(c).catch(() => {});
  w.close().catch(() => {});
  let out = "";
  for await (const s of ts.readable) out += s;
  return out;
}

async function run() {
  for (const [enc, [valid, text, bad, replaced]] of Object.entries(samples)) {
    const d = new TextDecoder(enc);
    eq(`${enc} name`, d.encoding, enc);
    eq(`${enc} decode`, d.decode(valid), text);
    eq(`${enc} fatal decode`, decode(enc, valid, { fatal: true }), text);
    eq(`${enc} replacement`, d.decode(bad), replaced);
    throws(`${enc} fatal`, () => decode(enc, bad, { fatal: true }), "TypeError");
    eq(`${enc} ASCII`, d.decode(bytes(0x41, 0x42, 0x0a)), "AB\n");
    eq(`${enc} empty`, d.decode(), "");
    // Every cut into two chunks, and byte by byte.
    for (let i = 0; i <= valid.length; i++) {
      const got = chunked(enc, valid, [i]);
      if (got !== text) { eq(`${enc} cut at ${i}`, got, text); break; }
    }
    eq(`${enc} byte by byte`, chunked(enc, valid, [...valid.keys()]), text);
    eq(`${enc} bad byte by byte`, chunked(enc, bad, [...bad.keys()]), replaced);
    eq(`${enc} TextDecoderStream`, await streamed(enc, [...valid].map((x) => bytes(x))), text);
    let err = null;
    try { await streamed(enc, [bad], { fatal: true }); } catch (e) { err = e.name; }
    eq(`${enc} fatal TextDecoderStream`, err, "TypeError");
  }

  // Labels of the standard.
  for (const [label, name] of [
    ["GB2312", "gbk"], ["chinese", "gbk"], ["x-gbk", "gbk"], ["iso-ir-58", "gbk"], ["GB18030", "gb18030"],
    ["big5-hkscs", "big5"], ["cn-big5", "big5"], ["x-x-big5", "big5"], ["x-euc-jp", "euc-jp"],
    ["csiso2022jp", "iso-2022-jp"], ["sjis", "shift_jis"], ["windows-31j", "shift_jis"], ["ms932", "shift_jis"],
    [" Shift_JIS ", "shift_jis"], ["korean", "euc-kr"], ["ks_c_5601-1987", "euc-kr"], ["windows-949", "euc-kr"],
  ]) {
    eq(`label ${JSON.stringify(label)}`, new TextDecoder(label).encoding, name);
  }
  throws("iso-2022-kr is replacement", () => new TextDecoder("iso-2022-kr"), "RangeError");
  throws("hz-gb-2312 is replacement", () => new TextDecoder("hz-gb-2312"), "RangeError");

  // End of stream: an incomplete sequence is one U+FFFD; gb18030's four-byte prefix too.
  const s = new TextDecoder("gb18030");
  eq("gb18030 pending", s.decode(bytes(0x61, 0x81, 0x30, 0x81), { stream: true }), "a");
  eq("gb18030 flushed", s.decode(), "\ufffd");
  eq("gb18030 after flush", s.decode(bytes(0x30)), "0");
  // The state is per decoder, and a flush starts over.
  const j1 = new TextDecoder("iso-2022-jp"), j2 = new TextDecoder("iso-2022-jp");
  eq("iso-2022-jp katakana mode", j1.decode(bytes(0x1b, 0x28, 0x49), { stream: true }) + j2.decode(bytes(0x31), { stream: true }) + j1.decode(bytes(0x31), { stream: true }), "1\uff71");
  eq("iso-2022-jp mode kept", j1.decode(bytes(0x32)), "\uff72");
  eq("iso-2022-jp mode reset", j1.decode(bytes(0x32)), "2");
  const sj = new TextDecoder("shift_jis", { fatal: true });
  eq("shift_jis lead pending", sj.decode(bytes(0x93), { stream: true }), "");
  throws("shift_jis pending at the end, fatal", () => sj.decode(), "TypeError");
  eq("decoder usable after a fatal error", sj.decode(bytes(0x93, 0xfa)), "日");
  throws("fatal mid-stream", () => sj.decode(bytes(0x82, 0x20), { stream: true }), "TypeError");
  eq("fresh after a fatal error mid-stream", sj.decode(bytes(0xfa, 0x40)), "\u2170");

  // Big buffers, a view into a larger buffer, an ArrayBuffer, a SharedArrayBuffer view.
  const big = new Uint8Array(300000);
  for (let i = 0; i < big.length; i += 2) { big[i] = 0xb0; big[i + 1] = 0xa1; }
  eq("large euc-kr", decode("euc-kr", big), "\uac00".repeat(150000));
  eq("view", decode("big5", new Uint8Array(bytes(0x61, 0xa4, 0xa4, 0x62).buffer, 1, 2)), "中");
  eq("DataView", decode("euc-jp", new DataView(bytes(0, 0xa4, 0xa2).buffer, 1)), "\u3042");
  eq("ArrayBuffer", decode("gbk", bytes(0xd6, 0xd0).buffer), "中");
  if (typeof SharedArrayBuffer === "function") {
    const sab = new Uint8Array(new SharedArrayBuffer(2));
    sab.set([0x93, 0xfa]);
    eq("SharedArrayBuffer", decode("shift_jis", sab), "日");
  }
  // No BOM handling outside UTF-8/UTF-16: gb18030's U+FEFF stays.
  eq("no BOM removal", decode("gb18030", bytes(0x84, 0x31, 0x95, 0x33, 0x41)), "\ufeffA");
}

export default {
  async fetch() {
    try { await run(); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
