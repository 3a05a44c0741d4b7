// console formatting: each request logs lines the runner compares with cases.json "logs".
class Foo {
  constructor() {
    this.a = 1;
    this.b = "two";
  }
}

export default {
  fetch(request) {
    const path = new URL(request.url).pathname;
    switch (path) {
      case "/levels":
        console.debug("debug line");
        console.log("log line");
        console.info("info line");
        console.warn("warn line");
        console.error("error line");
        break;
      case "/format":
        console.log("%s is %d years and %i days", "Bob", 42.5, 7.9);
        console.log("%f|%j|%o|%O|%%|%c.", 1.5, { a: [1] }, [1], { b: 2 }, "color: red");
        console.log("%s", 10n, "extra", 5);
        console.log("%d", "not a number");
        console.log("no substitution %x", 1);
        console.log("100%", "done");
        console.log(1, "two", { three: 3 });
        break;
      case "/values":
        console.log({ str: "it's", n: -0, big: 10n, sym: Symbol("s"), u: undefined, nul: null });
        console.log([1, 2, 3], [], {}, [[]]);
        console.log(new Map([["a", 1], ["b", { c: 2 }]]), new Set([1, "x"]));
        console.log(new Foo());
        console.log({ a: { b: { c: { d: { e: 1 } } } } });
        console.log(function named() {}, () => {}, class Bar {});
        console.log(new Uint8Array([1, 2, 3]), new ArrayBuffer(2));
        console.log(new Date(0), /re+/g);
        console.log([1, , 3]);
        console.log(Array.from({ length: 120 }, (_, i) => i % 10));
        console.log(Object.create(null));
        console.log({ "needs-quotes": 1, ok_key: 2 });
        console.log(new Number(1), new String("s"));
        break;
      case "/circular": {
        const o = { name: "root" };
        o.self = o;
        console.log(o);
        break;
      }
      case "/long":
        console.log({ first: "a fairly long string value", second: "another fairly long string", third: 3 });
        console.log(Array.from({ length: 30 }, (_, i) => i));
        break;
      case "/misc":
        console.assert(true, "not shown");
        console.assert(false, "shown %s", "here");
        console.assert(false);
        console.count();
        console.count("x");
        console.count();
        console.countReset();
        console.count();
        console.group("group");
        console.log("inside");
        console.group();
        console.log("deeper\nmultiline");
        console.groupEnd();
        console.groupEnd();
        console.log("outside");
        console.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 });
        console.table([{ a: 1, b: "x" }, { a: 2 }]);
        break;
      case "/error": {
        const e = new TypeError("bad thing");
        e.stack = "TypeError: bad thing\n    at somewhere (file.js:1:1)";
        console.error(e);
        console.log({ err: new RangeError("no stack here") }.err.message);
        break;
      }
    }
    return new Response("logged");
  },
};
