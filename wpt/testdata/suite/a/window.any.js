// META: global=window
test(() => { throw new Error("must not run"); }, "window only");
