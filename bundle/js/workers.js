// cloudflare:workers, as far as edged supports it (see edged:facade).
export { WorkerEntrypoint, DurableObject, WorkflowEntrypoint, RpcTarget, env, waitUntil } from "edged:facade";
