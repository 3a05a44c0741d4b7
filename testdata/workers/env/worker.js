// env comes from env.json (plain vars); it is frozen.
export default {
  fetch(request, env) {
    let frozen = false;
    try {
      env.NEW = 1;
    } catch {
      frozen = true;
    }
    return new Response(`${env.GREETING} ${env.COUNT + 1} ${env.NESTED.list.join("+")} frozen=${frozen || Object.isFrozen(env)}`);
  },
};
