// D1 conformance: every method of env.DB, its results and its errors, as on Workers.
// Each path runs one scenario and answers JSON; timings and sizes are replaced by
// their types so the transcript is stable.

function meta(m) {
  const out = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === "duration" || k === "size_after") out[k] = typeof v;
    else if (k === "timings") out[k] = Object.fromEntries(Object.entries(v).map(([a, b]) => [a, typeof b]));
    else out[k] = v;
  }
  return out;
}
function norm(r) {
  return { keys: Object.keys(r), success: r.success, meta: meta(r.meta), results: r.results };
}
async function err(p) {
  try {
    const v = await p;
    return { ok: v };
  } catch (e) {
    return { name: e.name, message: e.message, cause: e.cause === undefined ? undefined : e.cause.message };
  }
}
function errSync(f) {
  try {
    f();
    return "no error";
  } catch (e) {
    return { name: e.name, message: e.message, cause: e.cause === undefined ? undefined : e.cause.message };
  }
}

const tests = {
  async shape(env) {
    const db = env.DB;
    const st = db.prepare("SELECT 1");
    return {
      db: Object.prototype.toString.call(db),
      stmt: Object.prototype.toString.call(st),
      statement: st.statement,
      params: st.params,
      methods: ["prepare", "batch", "exec", "withSession", "dump"].map((m) => typeof db[m]),
      stmtMethods: ["bind", "first", "all", "raw", "run"].map((m) => typeof st[m]),
      promise: db.prepare("SELECT 1").all() instanceof Promise,
    };
  },
  async all(env) {
    return norm(await env.DB.prepare("SELECT id, name, email, created_at FROM users ORDER BY id").all());
  },
  async allEmpty(env) {
    return norm(await env.DB.prepare("SELECT * FROM users WHERE id < 0").all());
  },
  async first(env) {
    const db = env.DB;
    return {
      row: await db.prepare("SELECT id, name FROM users WHERE id = ?").bind(2).first(),
      column: await db.prepare("SELECT name FROM users ORDER BY id").first("name"),
      nullColumn: await db.prepare("SELECT NULL AS n").first("n"),
      none: await db.prepare("SELECT * FROM users WHERE id = 99").first(),
      noneColumn: await db.prepare("SELECT * FROM users WHERE id = 99").first("name"),
      missing: await err(db.prepare("SELECT id FROM users").first("nope")),
    };
  },
  async raw(env) {
    const db = env.DB;
    return {
      plain: await db.prepare("SELECT id, name FROM users ORDER BY id").raw(),
      names: await db.prepare("SELECT id, name FROM users ORDER BY id").raw({ columnNames: true }),
      emptyNames: await db.prepare("SELECT id, name FROM users WHERE id < 0").raw({ columnNames: true }),
      empty: await db.prepare("SELECT id, name FROM users WHERE id < 0").raw(),
      dupes: await db.prepare("SELECT 1 AS a, 2 AS a").raw({ columnNames: true }),
      dupeObject: await db.prepare("SELECT 1 AS a, 2 AS b, 3 AS a").first(),
    };
  },
  async run(env) {
    const db = env.DB;
    const ins = norm(await db.prepare("INSERT INTO users (name, email) VALUES (?1, ?2)").bind("Linus", "linus@example.com").run());
    const upd = norm(await db.prepare("UPDATE users SET name = upper(name) WHERE id <= 2").run());
    const sel = norm(await db.prepare("SELECT count(*) AS n FROM users").run());
    const ddl = norm(await db.prepare("CREATE TABLE IF NOT EXISTS extra (x)").run());
    const ret = norm(await db.prepare("DELETE FROM users WHERE id = 3 RETURNING name").run());
    return { ins, upd, sel, ddl, ret };
  },
  async types(env) {
    const db = env.DB;
    const st = db.prepare("SELECT ?1 AS v, typeof(?1) AS t");
    const cases = [
      ["int", 42], ["negative", -7], ["float", 1.5], ["big", 2 ** 60], ["huge", 1e300],
      ["nan", NaN], ["string", "héllo ✓ 😀"], ["empty", ""], ["true", true], ["false", false], ["null", null],
      ["bigint", 9007199254740993n], ["arrayBuffer", new Uint8Array([1, 2, 255]).buffer],
      ["uint8", new Uint8Array([0, 128])], ["view", new DataView(new Uint8Array([9, 8, 7]).buffer, 1)],
      ["byteArray", [1, 2, 3]], ["emptyBlob", []],
    ];
    const out = {};
    for (const [name, v] of cases) out[name] = await st.bind(v).first();
    out.int64 = await db.prepare("SELECT 9223372036854775807 AS v").first("v");
    out.real = await db.prepare("SELECT 0.1 + 0.2 AS v").first("v");
    out.blobOut = await db.prepare("SELECT x'00ff10' AS v").first("v");
    return out;
  },
  async bindErrors(env) {
    const st = env.DB.prepare("SELECT ?");
    return {
      undefined: errSync(() => st.bind(undefined)),
      object: errSync(() => st.bind({ a: 1 })),
      func: errSync(() => st.bind(function f() {})),
      notBytes: errSync(() => st.bind([1, 256])),
      strings: errSync(() => st.bind(["a"])),
      bigint: errSync(() => st.bind(2n ** 64n)),
      symbol: errSync(() => st.bind(Symbol("s"))),
      date: errSync(() => st.bind(new Date(0))).name,
      unchanged: st.params,
    };
  },
  async sqlErrors(env) {
    const db = env.DB;
    return {
      syntax: await err(db.prepare("SELEC 1").all()),
      noTable: await err(db.prepare("SELECT * FROM nope").all()),
      unique: await err(db.prepare("INSERT INTO users (name, email) VALUES ('x', 'ada@example.com')").run()),
      notNull: await err(db.prepare("INSERT INTO users (email) VALUES ('z@example.com')").run()),
      tooFew: await err(db.prepare("SELECT ?, ?").bind(1).all()),
      tooMany: await err(db.prepare("SELECT ?").bind(1, 2).first()),
      empty: await err(db.prepare("").all()),
      begin: await err(db.prepare("BEGIN").run()),
      stillWorks: await db.prepare("SELECT count(*) AS n FROM users").first("n"),
    };
  },
  async batch(env) {
    const db = env.DB;
    const rs = await db.batch([
      db.prepare("INSERT INTO t (v) VALUES (?)").bind("a"),
      db.prepare("INSERT INTO t (v) VALUES (?)").bind("b"),
      db.prepare("SELECT v FROM t ORDER BY rowid"),
    ]);
    const failed = await err(db.batch([
      db.prepare("INSERT INTO t (v) VALUES ('c')"),
      db.prepare("INSERT INTO nope VALUES (1)"),
    ]));
    return {
      n: rs.length,
      results: rs.map(norm),
      failed,
      afterFailure: await db.prepare("SELECT count(*) AS n FROM t").first("n"),
      empty: await err(db.batch([])),
      notArray: await err(db.batch("SELECT 1")),
      notStatement: await err(db.batch([{ statement: "SELECT 1", params: [] }])),
    };
  },
  async exec(env) {
    const db = env.DB;
    const r = await db.exec("CREATE TABLE e (x);\nINSERT INTO e VALUES (1);\nINSERT INTO e VALUES (2);");
    return {
      keys: Object.keys(r),
      count: r.count,
      duration: typeof r.duration,
      rows: await db.prepare("SELECT x FROM e").raw(),
      failed: await err(db.exec("INSERT INTO e VALUES (3);\nINSERT INTO missing VALUES (1);")),
      atomic: await db.prepare("SELECT count(*) AS n FROM e").first("n"),
    };
  },
  async sessions(env) {
    const db = env.DB;
    const s = db.withSession();
    const before = s.getBookmark();
    await s.prepare("SELECT 1").first();
    const afterRead = s.getBookmark();
    await s.prepare("INSERT INTO t (v) VALUES ('s')").run();
    const afterWrite = s.getBookmark();
    const [r] = await s.batch([s.prepare("SELECT count(*) AS n FROM t")]);
    const resumed = db.withSession(afterWrite);
    const primary = db.withSession("first-primary");
    return {
      session: Object.prototype.toString.call(s),
      methods: ["prepare", "batch", "getBookmark", "exec", "dump"].map((m) => typeof s[m]),
      before,
      afterRead: typeof afterRead,
      grew: afterWrite > afterRead,
      batch: r.results,
      resumed: resumed.getBookmark() === afterWrite,
      primary: primary.getBookmark(),
      trimmed: db.withSession("  ").getBookmark(),
      dbHasNoBookmark: typeof db.getBookmark,
      notString: errSync(() => db.withSession(5)).name,
    };
  },
  async dump(env) {
    const buf = await env.DB.dump();
    const head = new TextDecoder().decode(new Uint8Array(buf, 0, 15));
    return { type: Object.prototype.toString.call(buf), head, big: buf.byteLength >= 4096 };
  },
};

export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.slice(1);
    const t = tests[name];
    if (t === undefined) return new Response("no such test", { status: 404 });
    return new Response(JSON.stringify(await t(env)), { headers: { "content-type": "application/json" } });
  },
};
