test(() => {}, "defined before the throw");
throw new Error("top level threw");
