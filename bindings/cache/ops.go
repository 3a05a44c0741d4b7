package cache

// BindingName is the key of the Cache API store in a worker's bindings
// (runtime.Config.Bindings): caches.default and caches.open(name) reach it
// through the ops. It is not a valid JS identifier, so it never collides with
// a binding from wrangler.toml.
const BindingName = "edged:cache"
