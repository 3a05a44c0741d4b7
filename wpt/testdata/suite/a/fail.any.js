test(() => {}, "passes");
test(() => assert_equals(1, 2, "one is two"), "fails");
