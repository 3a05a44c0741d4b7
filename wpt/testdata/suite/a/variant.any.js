// META: variant=?one
// META: variant=?two
test(() => assert_equals(["?one", "?two"].includes(location.search), true), "variant " + location.search);
