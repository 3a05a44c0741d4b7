test(() => {}, "never defined";
