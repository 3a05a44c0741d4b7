// META: title=Pass
// META: script=resources/helper.js
test(() => assert_equals(helperValue, 42), "META script loaded");
test(() => assert_equals(typeof self, "object"), "self");
test(() => assert_equals(GLOBAL.isWorker(), true), "GLOBAL");
test(() => assert_equals(location.pathname, "/a/pass.any.worker.js"), "location");
test(() => assert_equals(META_TITLE, "Pass"), "title");
